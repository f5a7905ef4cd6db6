"""Discovery requests refuse what Stytch would refuse; discovery answers have their documented shape."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from stytch_discovery.discovery.serializers import (
    CachedOrganizationsSerializer,
    CreateOrganizationRequestSerializer,
    DiscoveredOrganizationSerializer,
    ExchangeRequestSerializer,
    ListOrganizationsRequestSerializer,
)
from stytch_discovery.types import DiscoveredOrganization
from tests.helpers.api import accept_client_claims
from tests.helpers.serializers import errors_of, valid

ORGANIZATION = {
    "organization_id": "organization-test-1",
    "organization_name": "Acme",
    "organization_slug": "acme",
    "organization_logo_url": "",
    "mfa_policy": "OPTIONAL",
    "auth_methods": "RESTRICTED",
    "allowed_auth_methods": ["magic_link", "sso"],
    "trusted_metadata": {"plan": "pro"},
}


# -- requests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["ab", "a-b", "acme.inc", "x_y~z", "A1", "-a", "a" * 128])
def test_slugs_stytch_accepts(slug: str) -> None:
    assert (
        valid(CreateOrganizationRequestSerializer, {"organization_slug": slug})["organization_slug"] == slug
    )


@pytest.mark.parametrize("slug", ["a", "--", "~.", "a b", "acmé", "a/b", "a" * 129, "a\n"])
def test_slugs_stytch_refuses(slug: str) -> None:
    assert "organization_slug" in errors_of(CreateOrganizationRequestSerializer, {"organization_slug": slug})


def test_unicode_names_are_welcome_but_control_characters_are_not() -> None:
    name = "Café Zürich 東京 🚀"
    assert (
        valid(CreateOrganizationRequestSerializer, {"organization_name": f"  {name} "})["organization_name"]
        == name
    )
    for bad in ("Tab\there", "Bell\x07", "Flip\u202e"):
        assert "organization_name" in errors_of(
            CreateOrganizationRequestSerializer, {"organization_name": bad}
        )


@pytest.mark.parametrize(
    ("minutes", "ok"), [(5, True), (527040, True), (4, False), (527041, False), (0, False)]
)
def test_session_duration_bounds(minutes: int, ok: bool) -> None:
    serializer = ExchangeRequestSerializer(
        data={"organization_id": "acme", "session_duration_minutes": minutes}
    )
    assert serializer.is_valid() is ok


def test_list_takes_at_most_one_token() -> None:
    assert valid(ListOrganizationsRequestSerializer, {}) == {}
    assert valid(ListOrganizationsRequestSerializer, {"session_jwt": "a.b.c"}) == {"session_jwt": "a.b.c"}
    errors = errors_of(ListOrganizationsRequestSerializer, {"session_token": "a", "session_jwt": "b"})
    assert list(errors) == ["non_field_errors"]


def test_restricted_methods_need_their_list() -> None:
    errors = errors_of(
        CreateOrganizationRequestSerializer, {"auth_methods": "RESTRICTED", "mfa_methods": "RESTRICTED"}
    )
    assert set(errors) == {"allowed_auth_methods", "allowed_mfa_methods"}
    assert valid(
        CreateOrganizationRequestSerializer,
        {"auth_methods": "RESTRICTED", "allowed_auth_methods": ["sso"], "mfa_methods": "ALL_ALLOWED"},
    )


def test_every_create_field_of_stytch_but_trusted_metadata_is_accepted(settings: Any) -> None:
    accept_client_claims(settings)  # by default the server's own (tests/sessions/test_session_policy.py)
    body = {
        "intermediate_session_token": "ist-token",
        "organization_name": "Acme",
        "organization_slug": "acme",
        "organization_logo_url": "https://acme.example/logo.png",
        "organization_external_id": "crm|42",
        "session_duration_minutes": 60,
        "session_custom_claims": {"plan": "pro"},
        "sso_jit_provisioning": "RESTRICTED",
        "email_allowed_domains": ["Acme.example"],
        "email_jit_provisioning": "RESTRICTED",
        "email_invites": "ALL_ALLOWED",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["magic_link", "google_oauth"],
        "mfa_policy": "REQUIRED_FOR_ALL",
        "rbac_email_implicit_role_assignments": [{"domain": "acme.example", "role_id": "editor"}],
        "mfa_methods": "RESTRICTED",
        "allowed_mfa_methods": ["totp"],
        "oauth_tenant_jit_provisioning": "RESTRICTED",
        "allowed_oauth_tenants": {"slack": ["T123"]},
        "first_party_connected_apps_allowed_type": "RESTRICTED",
        "allowed_first_party_connected_apps": ["connected-app-1"],
        "third_party_connected_apps_allowed_type": "NOT_ALLOWED",
        "allowed_third_party_connected_apps": [],
        "telemetry_id": "telemetry-1",
    }
    data = valid(CreateOrganizationRequestSerializer, body)
    assert set(data) == set(body)
    assert data["email_allowed_domains"] == ["acme.example"]
    assert "trusted_metadata" in errors_of(CreateOrganizationRequestSerializer, {"trusted_metadata": {}})


# -- responses -------------------------------------------------------------------------------------


def test_discovered_organization_for_an_eligible_email() -> None:
    item = DiscoveredOrganization.from_json(
        {
            "organization": ORGANIZATION,
            "membership": {"type": "eligible_to_join_by_email_domain", "details": {"domain": "acme.example"}},
            "member_authenticated": False,
            "primary_required": {"allowed_auth_methods": ["magic_link"]},
            "mfa_required": None,
        }
    )
    data = DiscoveredOrganizationSerializer(item).data
    assert data["membership"] == {
        "type": "eligible_to_join_by_email_domain",
        "details": {"domain": "acme.example"},
        "member": None,
    }
    assert data["primary_required"] == {"allowed_auth_methods": ["magic_link"]}


def test_timestamps_are_utc_whatever_the_time_zone(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Tokyo"
    moment = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    data = CachedOrganizationsSerializer({"refreshed_at": moment, "organizations": []}).data
    assert data["refreshed_at"] == "2025-06-01T12:00:00Z"
