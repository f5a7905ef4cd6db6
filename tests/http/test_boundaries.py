"""Each length, count and range rule at its limit N (accepted) and one past it (refused).

Rules come from ``internal/rules.py``, ``internal/tokens.py`` and the serializers. At the
endpoints, N reaches Stytch (the fake) and N + 1 is a ``validation_error`` naming the field that
never costs a Stytch call; requests that need a pending step are checked at their serializers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from stytch_discovery.discovery.serializers import (
    CreateOrganizationRequestSerializer,
    ExchangeRequestSerializer,
    ListOrganizationsRequestSerializer,
)
from stytch_discovery.magic_links.serializers import SendMagicLinkRequestSerializer
from stytch_discovery.mfa.serializers import (
    CodeRequestSerializer,
    RecoveryCodeRequestSerializer,
    SendSmsRequestSerializer,
)
from stytch_discovery.primary.serializers import EmailCodeRequestSerializer
from stytch_discovery.sessions.serializers import SessionExchangeRequestSerializer
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import accept_client_claims, ist_cookie, post, seed_orgs, stytch_calls
from tests.helpers.serializers import errors_of, valid

Serializer = type[serializers.Serializer[Any]]

# The limits, restated from Stytch's contract (stytch-contract.md section 3) rather than imported,
# so a change to a rule in the package fails here instead of moving the test along with it.
MAX_LIST_ITEMS = 100
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 5, 527040  # five minutes to a year (366 days)
MAX_CUSTOM_CLAIMS_BYTES = 4096
MAX_TOKEN_LENGTH, MAX_JWT_LENGTH = 1024, 16384

CREATE = "discovery/organizations/create"
EXCHANGE = "discovery/intermediate-sessions/exchange"
LIST = "discovery/organizations"
SEND = "discovery/magic-links/send"


@pytest.fixture(autouse=True)
def _claims_accepted(settings: Any) -> None:
    """The claims cases meet the claims' own rules (size, Stytch's names), not the default refusal
    of claims from a request (that one: tests/sessions/test_session_policy.py)."""
    accept_client_claims(settings)


def domain_of_length(length: int) -> str:
    """A valid domain name of exactly ``length`` characters (labels of at most 63)."""
    labels, left = [], length - len(".example")
    while left > 63:
        labels.append("a" * 62)
        left -= 63  # the label and its dot
    domain = ".".join([*labels, "a" * left]) + ".example"
    assert len(domain) == length
    return domain


def email_of_length(length: int) -> str:
    email = "a" * 64 + "@" + domain_of_length(length - 65)
    assert len(email) == length
    return email


def claims_of_size(size: int) -> dict[str, str]:
    """Custom claims whose compact JSON is exactly ``size`` bytes."""
    claims = {"k": "x" * (size - len('{"k":""}'))}
    assert len(json.dumps(claims, separators=(",", ":"))) == size
    return claims


@dataclass(frozen=True)
class Rule:
    """One rule: the serializer (and path) it belongs to, the field, the body at N and at N + 1."""

    id: str
    serializer: Serializer
    path: str | None  # None: checked at the serializer only (the endpoint needs a pending step)
    field: str
    at_limit: dict[str, Any]
    past_limit: dict[str, Any]


def names(count: int) -> list[str]:
    return [f"app{index}" for index in range(count)]


def domains(count: int) -> list[str]:
    return [f"d{index}.example" for index in range(count)]


def roles(count: int) -> list[dict[str, str]]:
    return [{"domain": f"d{index}.example", "role_id": "reader"} for index in range(count)]


#: What the exchange serializers require besides the field under test.
ORG = {"organization_id": "acme"}

RULES = [
    # create: names, slugs, ids, URLs and lists
    Rule("name-128", CreateOrganizationRequestSerializer, CREATE, "organization_name",
         {"organization_name": "n" * 128}, {"organization_name": "n" * 129}),
    Rule("slug-min-2", CreateOrganizationRequestSerializer, CREATE, "organization_slug",
         {"organization_slug": "ab"}, {"organization_slug": "a"}),
    Rule("slug-128", CreateOrganizationRequestSerializer, CREATE, "organization_slug",
         {"organization_slug": "s" * 128}, {"organization_slug": "s" * 129}),
    Rule("external-id-128", CreateOrganizationRequestSerializer, CREATE, "organization_external_id",
         {"organization_external_id": "e" * 128}, {"organization_external_id": "e" * 129}),
    Rule("logo-url-2048", CreateOrganizationRequestSerializer, CREATE, "organization_logo_url",
         {"organization_logo_url": "https://logo.example/" + "p" * (2048 - 21)},
         {"organization_logo_url": "https://logo.example/" + "p" * (2049 - 21)}),
    Rule("domain-253", CreateOrganizationRequestSerializer, CREATE, "email_allowed_domains",
         {"email_allowed_domains": [domain_of_length(253)]},
         {"email_allowed_domains": [domain_of_length(254)]}),
    Rule("domains-100", CreateOrganizationRequestSerializer, CREATE, "email_allowed_domains",
         {"email_allowed_domains": domains(MAX_LIST_ITEMS)},
         {"email_allowed_domains": domains(MAX_LIST_ITEMS + 1)}),
    Rule("role-assignments-100", CreateOrganizationRequestSerializer, CREATE,
         "rbac_email_implicit_role_assignments",
         {"rbac_email_implicit_role_assignments": roles(MAX_LIST_ITEMS)},
         {"rbac_email_implicit_role_assignments": roles(MAX_LIST_ITEMS + 1)}),
    Rule("role-id-128", CreateOrganizationRequestSerializer, None, "rbac_email_implicit_role_assignments",
         {"rbac_email_implicit_role_assignments": [{"domain": "a.example", "role_id": "r" * 128}]},
         {"rbac_email_implicit_role_assignments": [{"domain": "a.example", "role_id": "r" * 129}]}),
    Rule("apps-100", CreateOrganizationRequestSerializer, None, "allowed_first_party_connected_apps",
         {"allowed_first_party_connected_apps": names(MAX_LIST_ITEMS)},
         {"allowed_first_party_connected_apps": names(MAX_LIST_ITEMS + 1)}),
    Rule("app-256", CreateOrganizationRequestSerializer, None, "allowed_third_party_connected_apps",
         {"allowed_third_party_connected_apps": ["a" * 256]},
         {"allowed_third_party_connected_apps": ["a" * 257]}),
    Rule("tenants-100", CreateOrganizationRequestSerializer, None, "allowed_oauth_tenants",
         {"allowed_oauth_tenants": {"slack": names(MAX_LIST_ITEMS)}},
         {"allowed_oauth_tenants": {"slack": names(MAX_LIST_ITEMS + 1)}}),
    Rule("tenant-256", CreateOrganizationRequestSerializer, None, "allowed_oauth_tenants",
         {"allowed_oauth_tenants": {"github": ["t" * 256]}},
         {"allowed_oauth_tenants": {"github": ["t" * 257]}}),
    # session options, on create and exchange
    Rule("create-duration-max", CreateOrganizationRequestSerializer, CREATE, "session_duration_minutes",
         {"session_duration_minutes": MAX_SESSION_MINUTES},
         {"session_duration_minutes": MAX_SESSION_MINUTES + 1}),
    Rule("exchange-duration-min", ExchangeRequestSerializer, EXCHANGE, "session_duration_minutes",
         {**ORG, "session_duration_minutes": MIN_SESSION_MINUTES},
         {**ORG, "session_duration_minutes": MIN_SESSION_MINUTES - 1}),
    Rule("exchange-duration-max", ExchangeRequestSerializer, EXCHANGE, "session_duration_minutes",
         {**ORG, "session_duration_minutes": MAX_SESSION_MINUTES},
         {**ORG, "session_duration_minutes": MAX_SESSION_MINUTES + 1}),
    Rule("exchange-claims-4096", ExchangeRequestSerializer, EXCHANGE, "session_custom_claims",
         {**ORG, "session_custom_claims": claims_of_size(MAX_CUSTOM_CLAIMS_BYTES)},
         {**ORG, "session_custom_claims": claims_of_size(MAX_CUSTOM_CLAIMS_BYTES + 1)}),
    Rule("exchange-telemetry-256", ExchangeRequestSerializer, EXCHANGE, "telemetry_id",
         {**ORG, "telemetry_id": "t" * 256}, {**ORG, "telemetry_id": "t" * 257}),
    Rule("exchange-organization-128", ExchangeRequestSerializer, EXCHANGE, "organization_id",
         {"organization_id": "o" * 128}, {"organization_id": "o" * 129}),
    Rule("exchange-ist-1024", ExchangeRequestSerializer, EXCHANGE, "intermediate_session_token",
         {**ORG, "intermediate_session_token": "i" * MAX_TOKEN_LENGTH},
         {**ORG, "intermediate_session_token": "i" * (MAX_TOKEN_LENGTH + 1)}),
    # list: the body's tokens
    Rule("list-session-token-1024", ListOrganizationsRequestSerializer, LIST, "session_token",
         {"session_token": "s" * MAX_TOKEN_LENGTH}, {"session_token": "s" * (MAX_TOKEN_LENGTH + 1)}),
    Rule("list-session-jwt-16384", ListOrganizationsRequestSerializer, LIST, "session_jwt",
         {"session_jwt": "j" * MAX_JWT_LENGTH}, {"session_jwt": "j" * (MAX_JWT_LENGTH + 1)}),
    # send: the email address
    Rule("email-254", SendMagicLinkRequestSerializer, SEND, "email_address",
         {"email_address": email_of_length(254)}, {"email_address": email_of_length(255)}),
    # sessions/exchange (needs a member session): its own options
    Rule("switch-organization-128", SessionExchangeRequestSerializer, None, "organization_id",
         {"organization_id": "o" * 128}, {"organization_id": "o" * 129}),
    Rule("switch-duration-min", SessionExchangeRequestSerializer, None, "session_duration_minutes",
         {**ORG, "session_duration_minutes": MIN_SESSION_MINUTES},
         {**ORG, "session_duration_minutes": MIN_SESSION_MINUTES - 1}),
    Rule("switch-claims-4096", SessionExchangeRequestSerializer, None, "session_custom_claims",
         {**ORG, "session_custom_claims": claims_of_size(MAX_CUSTOM_CLAIMS_BYTES)},
         {**ORG, "session_custom_claims": claims_of_size(MAX_CUSTOM_CLAIMS_BYTES + 1)}),
    Rule("switch-telemetry-256", SessionExchangeRequestSerializer, None, "telemetry_id",
         {**ORG, "telemetry_id": "t" * 256}, {**ORG, "telemetry_id": "t" * 257}),
    # the pending steps (MFA, primary): codes, phone numbers, recovery codes, their session options
    Rule("code-6", CodeRequestSerializer, None, "code", {"code": "123456"}, {"code": "1234567"}),
    Rule("code-not-5", CodeRequestSerializer, None, "code", {"code": "123456"}, {"code": "12345"}),
    Rule("email-code-6", EmailCodeRequestSerializer, None, "code", {"code": "123456"}, {"code": "1234567"}),
    Rule("step-duration-max", CodeRequestSerializer, None, "session_duration_minutes",
         {"code": "123456", "session_duration_minutes": MAX_SESSION_MINUTES},
         {"code": "123456", "session_duration_minutes": MAX_SESSION_MINUTES + 1}),
    Rule("phone-16", SendSmsRequestSerializer, None, "mfa_phone_number",
         {"mfa_phone_number": "+1" + "4" * 14}, {"mfa_phone_number": "+1" + "4" * 15}),
    Rule("recovery-code-14", RecoveryCodeRequestSerializer, None, "recovery_code",
         {"recovery_code": "abcd-1234-efgh"}, {"recovery_code": "abcd-1234-efghi"}),
]  # fmt: skip


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_the_serializer_accepts_n_and_refuses_n_plus_one(rule: Rule) -> None:
    valid(rule.serializer, rule.at_limit)
    assert set(errors_of(rule.serializer, rule.past_limit)) == {rule.field}


ENDPOINT_RULES = [rule for rule in RULES if rule.path]


@pytest.mark.parametrize("rule", ENDPOINT_RULES, ids=[rule.id for rule in ENDPOINT_RULES])
def test_the_endpoint_refuses_n_plus_one_without_calling_stytch(
    api: APIClient, fake_stytch: FakeStytch, rule: Rule
) -> None:
    assert rule.path is not None
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)

    response = post(api, rule.path, rule.past_limit)

    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "validation_error"
    assert any(key == rule.field or key.startswith(f"{rule.field}.") for key in data["fields"]), data
    assert stytch_calls(fake_stytch) == 0


@pytest.mark.parametrize("rule", ENDPOINT_RULES, ids=[rule.id for rule in ENDPOINT_RULES])
def test_the_endpoint_lets_n_through_to_stytch(api: APIClient, fake_stytch: FakeStytch, rule: Rule) -> None:
    assert rule.path is not None
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)

    response = post(api, rule.path, rule.at_limit)

    assert response.json().get("code") != "validation_error", response.content
    assert stytch_calls(fake_stytch) >= 1


def test_reserved_claims_are_dropped_before_the_size_is_counted() -> None:
    claims = {**claims_of_size(MAX_CUSTOM_CLAIMS_BYTES), "iss": "i" * 200, "exp": 1}
    data = valid(ExchangeRequestSerializer, {**ORG, "session_custom_claims": claims})
    assert data["session_custom_claims"] == claims_of_size(MAX_CUSTOM_CLAIMS_BYTES)


def test_claims_under_stytchs_namespace_are_refused() -> None:
    errors = errors_of(
        ExchangeRequestSerializer, {**ORG, "session_custom_claims": {"https://stytch.com/x": 1}}
    )
    assert errors["session_custom_claims"] == ["Claims under https://stytch.com/ are reserved by Stytch."]


def test_claims_nested_too_deep_to_encode_are_refused_not_a_500() -> None:
    nested: dict[str, Any] = {}
    for _ in range(100_000):  # deeper than the JSON encoder recurses on any supported Python
        nested = {"n": nested}
    errors = errors_of(ExchangeRequestSerializer, {**ORG, "session_custom_claims": nested})
    assert [str(message) for message in errors["session_custom_claims"]] == [
        "Custom claims must be valid Unicode and nest at most a few hundred levels."
    ]
