"""Hand-written bad requests: each gets a 400/413/415 in the documented shape and never reaches Stytch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, accept_client_claims, ist_cookie, stytch_calls, url

SEND = "discovery/magic-links/send"
LIST = "discovery/organizations"
CREATE = "discovery/organizations/create"
EXCHANGE = "discovery/intermediate-sessions/exchange"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _claims_accepted(settings: Any) -> None:
    """The claims cases meet the claims' own rules (size, Stytch's names), not the default refusal
    of claims from a request (that one: tests/sessions/test_session_policy.py)."""
    accept_client_claims(settings)


def send_raw(api: APIClient, path: str, body: bytes, content_type: str, **extra: str) -> Any:
    """POST bytes as they are (Django accepts bytes; its stubs say str)."""
    return api.generic("POST", url(path), body, content_type=content_type, **extra)  # type: ignore[arg-type]


def raw(
    path: str, body: bytes, content_type: str = JSON, status: int = 400, code: str = "parse_error"
) -> Any:
    return pytest.param(
        path, body, content_type, status, code, None, id=f"{path}:{body[:30]!r}:{content_type}"
    )


def field(path: str, payload: Any, expected_field: str | None, case: str) -> Any:
    body = json.dumps(payload).encode()
    return pytest.param(path, body, JSON, 400, "validation_error", expected_field, id=case)


CASES = [
    # -- the body is not a JSON object ------------------------------------------------------------
    raw(SEND, b'{"email_address": '),
    raw(SEND, b"{} {}"),
    raw(CREATE, b'{"session_duration_minutes": NaN}'),
    raw(LIST, b"[" * 20000),
    raw(SEND, b'{"email_address": "\xff@acme.example"}'),
    raw(SEND, b'{"email_address": "ada@acme.example"}', "text/plain", 415, "unsupported_media_type"),
    raw(
        SEND,
        b"email_address=ada%40acme.example",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
    ),
    raw(
        SEND,
        b'--b\r\nContent-Disposition: form-data; name="email_address"\r\n\r\nada@acme.example\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
        415,
        "unsupported_media_type",
    ),
    raw(
        SEND,
        json.dumps({"email_address": EMAIL, "pad": "x" * 70000}).encode(),
        status=413,
        code="payload_too_large",
    ),
    field(SEND, [], "non_field_errors", "top-level array"),
    field(SEND, "ada@acme.example", "non_field_errors", "top-level string"),
    # -- send ------------------------------------------------------------------------------------
    field(SEND, {}, "email_address", "missing email"),
    field(SEND, {"email_address": 123}, "email_address", "email as number"),
    field(SEND, {"email_address": "not-an-email"}, "email_address", "email without @"),
    field(SEND, {"email_address": "ada\n@acme.example"}, "email_address", "email with newline"),
    # Django's validator takes these; Stytch does not (a bare, dotted domain, no blank, one @).
    field(SEND, {"email_address": '"ada@home"@acme.example'}, "email_address", "email with two @"),
    field(SEND, {"email_address": '"ada\\ lovelace"@acme.example'}, "email_address", "email with a blank"),
    field(SEND, {"email_address": "ada@[::1]"}, "email_address", "email at an IPv6 literal"),
    # Django's local part takes these four non-ASCII letters (its A-Z under re.IGNORECASE).
    *(
        field(SEND, {"email_address": f"{letter}da@acme.example"}, "email_address", f"email with {name}")
        for letter, name in (
            ("\u0130", "a dotted capital I"),
            ("\u0131", "a dotless i"),
            ("\u017f", "a long s"),
            ("\u212a", "the Kelvin sign"),
        )
    ),
    field(SEND, {"email_address": EMAIL, "admin": True}, "admin", "unknown field"),
    field(
        SEND,
        {"email_address": EMAIL, "discovery_redirect_url": "https://evil.example"},
        "discovery_redirect_url",
        "caller-chosen redirect",
    ),
    field(SEND, {"email_address": EMAIL, "locale": "xx"}, "locale", "unknown locale"),
    field(SEND, {"email_address": EMAIL, "locale": None}, "locale", "null locale"),
    # -- list ------------------------------------------------------------------------------------
    field(LIST, {"intermediate_session_token": "a", "session_token": "b"}, "non_field_errors", "two tokens"),
    field(LIST, {"session_token": "abc def"}, "session_token", "token with a space"),
    field(LIST, {"session_jwt": 123}, "session_jwt", "token as number"),
    field(LIST, {"intermediate_session_token": "x" * 2000}, "intermediate_session_token", "token too long"),
    field(LIST, {"intermediate_session_token": "tök€n"}, "intermediate_session_token", "non-ASCII token"),
    # -- create ----------------------------------------------------------------------------------
    field(CREATE, {"organization_slug": "a"}, "organization_slug", "slug too short"),
    field(CREATE, {"organization_slug": "acme corp"}, "organization_slug", "slug with a space"),
    field(CREATE, {"organization_slug": "--"}, "organization_slug", "slug without alphanumerics"),
    field(CREATE, {"organization_slug": "café"}, "organization_slug", "slug with non-ASCII"),
    field(CREATE, {"organization_slug": "a" * 129}, "organization_slug", "slug too long"),
    field(CREATE, {"organization_slug": " acme"}, "organization_slug", "slug with a leading blank"),
    field(CREATE, {"organization_name": "Acme\x00"}, "organization_name", "name with NUL"),
    field(CREATE, {"organization_name": "Acme\x07Corp"}, "organization_name", "name with BEL"),
    field(CREATE, {"organization_name": "Acme\u202eproC"}, "organization_name", "name with bidi override"),
    field(CREATE, {"organization_name": "\ud800"}, "organization_name", "name with lone surrogate"),
    field(CREATE, {"organization_name": "A" * 129}, "organization_name", "name too long"),
    field(CREATE, {"organization_name": ["Acme"]}, "organization_name", "name as list"),
    field(CREATE, {"organization_name": None}, "organization_name", "name null"),
    field(CREATE, {"organization_name": "   "}, "organization_name", "name blank"),
    field(
        CREATE, {"organization_external_id": "crm 1"}, "organization_external_id", "external id with space"
    ),
    field(
        CREATE, {"organization_external_id": "x" * 129}, "organization_external_id", "external id too long"
    ),
    field(CREATE, {"session_duration_minutes": 4}, "session_duration_minutes", "duration below 5"),
    field(CREATE, {"session_duration_minutes": 527041}, "session_duration_minutes", "duration above a year"),
    field(CREATE, {"session_duration_minutes": "60"}, "session_duration_minutes", "duration as string"),
    field(CREATE, {"session_duration_minutes": True}, "session_duration_minutes", "duration as boolean"),
    field(CREATE, {"session_duration_minutes": 60.5}, "session_duration_minutes", "duration as float"),
    field(
        CREATE, {"session_custom_claims": {"blob": "x" * 5000}}, "session_custom_claims", "claims over 4 KB"
    ),
    field(CREATE, {"session_custom_claims": ["a"]}, "session_custom_claims", "claims as list"),
    field(
        CREATE,
        {"session_custom_claims": {"https://stytch.com/session": {}}},
        "session_custom_claims",
        "Stytch claim",
    ),
    field(CREATE, {"mfa_policy": "ALWAYS"}, "mfa_policy", "unknown mfa policy"),
    field(CREATE, {"email_jit_provisioning": "ALL_ALLOWED"}, "email_jit_provisioning", "jit ALL_ALLOWED"),
    field(CREATE, {"sso_jit_provisioning": "restricted"}, "sso_jit_provisioning", "enum in lower case"),
    field(CREATE, {"allowed_auth_methods": ["fax"]}, "allowed_auth_methods.0", "unknown auth method"),
    field(CREATE, {"allowed_auth_methods": "sso"}, "allowed_auth_methods", "auth methods as string"),
    field(CREATE, {"auth_methods": "RESTRICTED"}, "allowed_auth_methods", "RESTRICTED without auth list"),
    field(CREATE, {"mfa_methods": "RESTRICTED"}, "allowed_mfa_methods", "RESTRICTED without MFA list"),
    field(CREATE, {"allowed_mfa_methods": ["email"]}, "allowed_mfa_methods.0", "unknown MFA method"),
    field(
        CREATE,
        {"allowed_oauth_tenants": {"google": ["T1"]}},
        "allowed_oauth_tenants",
        "unknown OAuth provider",
    ),
    field(
        CREATE,
        {"rbac_email_implicit_role_assignments": [{"domain": "acme.example"}]},
        "rbac_email_implicit_role_assignments.0.role_id",
        "role assignment without role",
    ),
    field(CREATE, {"email_allowed_domains": ["not a domain"]}, "email_allowed_domains.0", "bad domain"),
    field(
        CREATE,
        {"email_allowed_domains": ["acme.example", "ACME.example"]},
        "email_allowed_domains",
        "duplicate domains",
    ),
    field(
        CREATE,
        {"trusted_metadata": {"plan": "enterprise"}},
        "trusted_metadata",
        "trusted metadata from a browser",
    ),
    field(
        CREATE,
        {"organization_logo_url": "javascript:alert(1)"},
        "organization_logo_url",
        "script URL as logo",
    ),
    field(
        CREATE,
        {"allowed_first_party_connected_apps": ["x"] * 101},
        "allowed_first_party_connected_apps",
        "list too long",
    ),
    # -- exchange --------------------------------------------------------------------------------
    field(EXCHANGE, {}, "organization_id", "missing organization"),
    field(EXCHANGE, {"organization_id": "../admin"}, "organization_id", "organization id with a slash"),
    field(EXCHANGE, {"organization_id": "acme", "locale": "klingon"}, "locale", "unknown exchange locale"),
    field(
        EXCHANGE,
        {"organization_id": "acme", "session_duration_minutes": -1},
        "session_duration_minutes",
        "negative duration",
    ),
]


@pytest.mark.parametrize(("path", "body", "content_type", "status", "code", "expected_field"), CASES)
def test_bad_request_is_refused_before_stytch(
    api: APIClient,
    fake_stytch: FakeStytch,
    path: str,
    body: bytes,
    content_type: str,
    status: int,
    code: str,
    expected_field: str | None,
) -> None:
    # A usable IST cookie, so only the bad input stands between the request and Stytch.
    ist_cookie(api, fake_stytch)
    response = send_raw(api, path, body, content_type)
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
    assert data["code"] == code
    assert data["stytch_error_type"] is None
    if expected_field is not None:
        assert expected_field in data["fields"], data["fields"]
        assert all(isinstance(message, str) for message in data["fields"][expected_field])
    assert stytch_calls(fake_stytch) == 0


def test_there_are_at_least_thirty_distinct_cases() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (LIST, "intermediate_session_token=abc"),
        (LIST, "session_jwt=a.b.c"),
        (CREATE, "session_token=abc"),
        (SEND, "token=abc"),
    ],
)
def test_a_token_in_the_query_string_is_refused(
    api: APIClient, fake_stytch: FakeStytch, path: str, query: str
) -> None:
    response = api.post(f"{url(path)}?{query}", {"email_address": EMAIL}, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "validation_error"
    assert query.split("=")[0] in data["fields"]
    assert stytch_calls(fake_stytch) == 0


def test_a_declared_huge_body_is_refused_before_it_is_read(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = send_raw(api, SEND, b"{}", JSON, CONTENT_LENGTH=str(10**9))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_an_empty_body_is_an_empty_object(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = send_raw(api, SEND, b"", JSON)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email_address"]
