"""Request validation rules and response shapes, without HTTP or Stytch."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from stytch_discovery import serializers as s
from stytch_discovery.types import DiscoveredOrganization, MemberAuthentication

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


def errors_of(serializer_class: type[s.RequestSerializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    assert not serializer.is_valid()
    return dict(serializer.errors)


def valid(serializer_class: type[s.RequestSerializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    assert serializer.is_valid(), serializer.errors
    return dict(serializer.validated_data)


# -- requests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["ab", "a-b", "acme.inc", "x_y~z", "A1", "-a", "a" * 128])
def test_slugs_stytch_accepts(slug: str) -> None:
    assert (
        valid(s.CreateOrganizationRequestSerializer, {"organization_slug": slug})["organization_slug"] == slug
    )


@pytest.mark.parametrize("slug", ["a", "--", "~.", "a b", "acmé", "a/b", "a" * 129, "a\n"])
def test_slugs_stytch_refuses(slug: str) -> None:
    assert "organization_slug" in errors_of(
        s.CreateOrganizationRequestSerializer, {"organization_slug": slug}
    )


def test_unicode_names_are_welcome_but_control_characters_are_not() -> None:
    name = "Café Zürich 東京 🚀"
    assert (
        valid(s.CreateOrganizationRequestSerializer, {"organization_name": f"  {name} "})["organization_name"]
        == name
    )
    for bad in ("Tab\there", "Bell\x07", "Flip\u202e"):
        assert "organization_name" in errors_of(
            s.CreateOrganizationRequestSerializer, {"organization_name": bad}
        )


@pytest.mark.parametrize(
    ("minutes", "ok"), [(5, True), (527040, True), (4, False), (527041, False), (0, False)]
)
def test_session_duration_bounds(minutes: int, ok: bool) -> None:
    serializer = s.ExchangeRequestSerializer(
        data={"organization_id": "acme", "session_duration_minutes": minutes}
    )
    assert serializer.is_valid() is ok


def test_reserved_claims_are_dropped_silently() -> None:
    claims = {"iss": "me", "sub": "x", "aud": "y", "exp": 1, "nbf": 1, "iat": 1, "jti": "j", "plan": "pro"}
    data = valid(s.ExchangeRequestSerializer, {"organization_id": "acme", "session_custom_claims": claims})
    assert data["session_custom_claims"] == {"plan": "pro"}


def test_claims_size_counts_utf8_bytes_after_dropping_reserved_claims() -> None:
    # 2 bytes per "é": under 4096 characters but over 4096 bytes.
    over = {"n": "é" * 2100}
    assert "session_custom_claims" in errors_of(
        s.ExchangeRequestSerializer, {"organization_id": "acme", "session_custom_claims": over}
    )
    fits = {"n": "x" * 4000, "jti": "y" * 500}
    assert valid(s.ExchangeRequestSerializer, {"organization_id": "acme", "session_custom_claims": fits})


def test_list_takes_at_most_one_token() -> None:
    assert valid(s.ListOrganizationsRequestSerializer, {}) == {}
    assert valid(s.ListOrganizationsRequestSerializer, {"session_jwt": "a.b.c"}) == {"session_jwt": "a.b.c"}
    errors = errors_of(s.ListOrganizationsRequestSerializer, {"session_token": "a", "session_jwt": "b"})
    assert list(errors) == ["non_field_errors"]


def test_each_request_binds_its_own_fields_and_leaves_the_declared_ones_untouched() -> None:
    first = s.CreateOrganizationRequestSerializer(data={"organization_slug": "acme"})
    second = s.CreateOrganizationRequestSerializer(data={"organization_slug": "!"})

    assert first.is_valid()
    assert not second.is_valid()
    for name in ("organization_slug", "intermediate_session_token", "allowed_auth_methods"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
        assert s.CreateOrganizationRequestSerializer._declared_fields[name].parent is None
    # A list field's child is bound under this request's list field, not a shared one.
    auth_methods = first.fields["allowed_auth_methods"]
    assert auth_methods.child.parent is auth_methods  # type: ignore[attr-defined]
    assert first.validated_data == {"organization_slug": "acme"}
    assert list(second.errors) == ["organization_slug"]


def test_unknown_fields_are_reported_with_the_other_errors() -> None:
    errors = errors_of(s.CreateOrganizationRequestSerializer, {"organization_slug": "a", "colour": "red"})
    assert set(errors) == {"organization_slug", "colour"}


def test_restricted_methods_need_their_list() -> None:
    errors = errors_of(
        s.CreateOrganizationRequestSerializer, {"auth_methods": "RESTRICTED", "mfa_methods": "RESTRICTED"}
    )
    assert set(errors) == {"allowed_auth_methods", "allowed_mfa_methods"}
    assert valid(
        s.CreateOrganizationRequestSerializer,
        {"auth_methods": "RESTRICTED", "allowed_auth_methods": ["sso"], "mfa_methods": "ALL_ALLOWED"},
    )


def test_every_create_field_of_stytch_but_trusted_metadata_is_accepted() -> None:
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
    data = valid(s.CreateOrganizationRequestSerializer, body)
    assert set(data) == set(body)
    assert data["email_allowed_domains"] == ["acme.example"]
    assert "trusted_metadata" in errors_of(s.CreateOrganizationRequestSerializer, {"trusted_metadata": {}})


def test_send_refuses_a_caller_chosen_redirect() -> None:
    errors = errors_of(
        s.SendMagicLinkRequestSerializer,
        {"email_address": "ada@acme.example", "discovery_redirect_url": "https://evil.example"},
    )
    assert "server" in str(errors["discovery_redirect_url"][0])


# -- responses -------------------------------------------------------------------------------------


def test_organization_shape_is_the_documented_subset() -> None:
    data = s.OrganizationSerializer(authentication().organization).data
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
    data = s.MemberAuthenticationSerializer(result).data
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
    with_tokens = s.MemberAuthenticationSerializer(result, context={"include_tokens": True}).data
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
    data = s.MemberAuthenticationSerializer(result).data
    assert data["next_step"] == step
    assert data["member_session"] is None


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
    data = s.DiscoveredOrganizationSerializer(item).data
    assert data["membership"] == {
        "type": "eligible_to_join_by_email_domain",
        "details": {"domain": "acme.example"},
        "member": None,
    }
    assert data["primary_required"] == {"allowed_auth_methods": ["magic_link"]}


def test_timestamps_are_utc_whatever_the_time_zone(settings: Any) -> None:
    settings.TIME_ZONE = "Asia/Tokyo"
    moment = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
    data = s.CachedOrganizationsSerializer({"refreshed_at": moment, "organizations": []}).data
    assert data["refreshed_at"] == "2025-06-01T12:00:00Z"


def test_error_shape_declares_fields() -> None:
    data = s.ErrorSerializer(
        {
            "code": "x",
            "message": "y",
            "fields": {"a": ["b"]},
            "stytch_error_type": None,
            "stytch_request_id": None,
        }
    ).data
    assert data["fields"] == {"a": ["b"]}
