"""The required fields of contract section 4: present and never null."""

from __future__ import annotations

from typing import Any

ORGANIZATION = [
    "organization_id",
    "organization_name",
    "organization_logo_url",
    "organization_slug",
    "sso_jit_provisioning",
    "sso_jit_provisioning_allowed_connections",
    "sso_active_connections",
    "email_allowed_domains",
    "email_jit_provisioning",
    "email_invites",
    "auth_methods",
    "allowed_auth_methods",
    "mfa_policy",
    "rbac_email_implicit_role_assignments",
    "mfa_methods",
    "allowed_mfa_methods",
    "oauth_tenant_jit_provisioning",
    "claimed_email_domains",
    "first_party_connected_apps_allowed_type",
    "allowed_first_party_connected_apps",
    "third_party_connected_apps_allowed_type",
    "allowed_third_party_connected_apps",
    "custom_roles",
]
MEMBER = [
    "organization_id",
    "member_id",
    "email_address",
    "status",
    "name",
    "sso_registrations",
    "is_breakglass",
    "member_password_id",
    "oauth_registrations",
    "email_address_verified",
    "mfa_phone_number_verified",
    "is_admin",
    "totp_registration_id",
    "retired_email_addresses",
    "is_locked",
    "mfa_enrolled",
    "mfa_phone_number",
    "default_mfa_method",
    "roles",
]
MEMBER_SESSION = [
    "member_session_id",
    "member_id",
    "started_at",
    "last_accessed_at",
    "expires_at",
    "authentication_factors",
    "organization_id",
    "organization_slug",
    "roles",
]
ENTERED = [
    "member_id",
    "member_authenticated",
    "session_token",
    "session_jwt",
    "intermediate_session_token",
    "member",
    "organization",
]


def assert_required(payload: dict[str, Any], fields: list[str]) -> None:
    missing = [field for field in fields if payload.get(field) is None]
    assert not missing, f"missing or null: {missing}"


def assert_envelope(payload: dict[str, Any]) -> None:
    assert payload["status_code"] == 200
    assert payload["request_id"].startswith("request-id-test-")


def assert_organization(payload: dict[str, Any]) -> None:
    assert_required(payload, ORGANIZATION)


def assert_member(payload: dict[str, Any]) -> None:
    assert_required(payload, MEMBER)
    for role in payload["roles"]:
        assert role["role_id"]
        assert all(source["type"] for source in role["sources"])


def assert_entered(payload: dict[str, Any]) -> None:
    """A Create or Exchange answer."""
    assert_envelope(payload)
    assert_required(payload, ENTERED)
    assert_member(payload["member"])
    assert_organization(payload["organization"])
    if payload["member_authenticated"]:
        assert payload["intermediate_session_token"] == ""
        assert_required(payload["member_session"], MEMBER_SESSION)
    else:
        assert payload["session_token"] == payload["session_jwt"] == ""
        assert payload["intermediate_session_token"]
        assert payload["member_session"] is None
