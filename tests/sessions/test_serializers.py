"""Answers that start a session: the organization subset, tokens only when asked, the next step."""

from __future__ import annotations

from typing import Any

import pytest

from stytch_discovery.sessions.serializers import MemberAuthenticationSerializer, OrganizationSerializer
from stytch_discovery.types import MemberAuthentication

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
MEMBER = {
    "member_id": "member-test-1",
    "organization_id": "organization-test-1",
    "email_address": "ada@acme.example",
    "status": "active",
    "name": "Ada",
    "is_admin": True,
    "mfa_phone_number": "+15550100",
}


def authentication(**overrides: Any) -> MemberAuthentication:
    data = {
        "member_id": "member-test-1",
        "member_authenticated": True,
        "member": MEMBER,
        "organization": ORGANIZATION,
        "member_session": {
            "member_session_id": "member-session-test-1",
            "member_id": "member-test-1",
            "organization_id": "organization-test-1",
            "organization_slug": "acme",
            "started_at": "2025-06-01T12:00:00Z",
            "expires_at": "2025-06-01T13:00:00Z",
            "roles": ["stytch_member", "stytch_admin"],
        },
        "session_token": "session-token-value",
        "session_jwt": "a.b.c",
        "intermediate_session_token": "",
        "request_id": "request-id-test-1",
        **overrides,
    }
    return MemberAuthentication.from_json(data)


# -- requests --------------------------------------------------------------------------------------


# -- responses -------------------------------------------------------------------------------------


def test_organization_shape_is_the_documented_subset() -> None:
    data = OrganizationSerializer(authentication().organization).data
    assert data == {
        "organization_id": "organization-test-1",
        "organization_name": "Acme",
        "organization_slug": "acme",
        "organization_logo_url": "",
        "mfa_policy": "OPTIONAL",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["magic_link", "sso"],
    }


def test_member_authentication_leaves_tokens_out_unless_asked() -> None:
    result = authentication()
    data = MemberAuthenticationSerializer(result).data
    assert not {"session_token", "session_jwt", "intermediate_session_token"} & set(data)
    assert data["next_step"] is None
    assert data["member"] == {
        "member_id": "member-test-1",
        "email_address": "ada@acme.example",
        "name": "Ada",
        "status": "active",
        "is_admin": True,
    }
    assert data["member_session"]["expires_at"] == "2025-06-01T13:00:00Z"
    with_tokens = MemberAuthenticationSerializer(result, context={"include_tokens": True}).data
    assert (with_tokens["session_token"], with_tokens["session_jwt"]) == ("session-token-value", "a.b.c")


@pytest.mark.parametrize(
    ("mfa", "primary", "step"),
    [
        ({"member_options": None, "secondary_auth_initiated": None}, None, "mfa"),
        (None, {"allowed_auth_methods": ["sso"]}, "primary_auth"),
        (
            {"member_options": None, "secondary_auth_initiated": None},
            {"allowed_auth_methods": ["sso"]},
            "primary_auth",
        ),
    ],
)
def test_next_step_when_not_authenticated(mfa: Any, primary: Any, step: str) -> None:
    result = authentication(
        member_authenticated=False,
        member_session=None,
        session_token="",
        session_jwt="",
        intermediate_session_token="fresh-ist",
        mfa_required=mfa,
        primary_required=primary,
    )
    data = MemberAuthenticationSerializer(result).data
    assert data["next_step"] == step
    assert data["member_session"] is None
