"""Create's request rules (contract section 3.2), one row per rule."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import CREATE, Call, assert_stytch_error

SLUG_MESSAGE = (
    "The organization_slug must be at least 2 characters long and may only contain "
    "alphanumerics and the reserved characters '-', '.', '_', or '~'. At least one "
    "character must be alphanumeric."
)

INVALID: list[tuple[dict[str, Any], str]] = [
    ({"organization_slug": "a"}, "invalid_organization_slug"),
    ({"organization_slug": "a" * 129}, "invalid_organization_slug"),
    ({"organization_slug": "acme co"}, "invalid_organization_slug"),
    ({"organization_slug": "acme/co"}, "invalid_organization_slug"),
    ({"organization_slug": "--"}, "invalid_organization_slug"),
    ({"organization_slug": 12}, "invalid_argument"),
    ({"organization_name": "n" * 129}, "invalid_organization_name"),
    ({"organization_external_id": "has space"}, "invalid_organization_external_id"),
    ({"organization_external_id": "x" * 129}, "invalid_organization_external_id"),
    ({"organization_logo_url": "https://x.example/" + "a" * 2048}, "organization_logo_url_too_long"),
    ({"trusted_metadata": ["not", "object"]}, "metadata_invalid_format"),
    ({"trusted_metadata": {f"k{i}": i for i in range(21)}}, "metadata_too_many_keys"),
    ({"trusted_metadata": {"blob": "x" * 5000}}, "metadata_too_large"),
    ({"session_duration_minutes": 4}, "invalid_session_duration_minutes"),
    ({"session_duration_minutes": 527041}, "invalid_session_duration_minutes"),
    ({"session_duration_minutes": "60"}, "invalid_argument"),
    ({"session_duration_minutes": True}, "invalid_argument"),
    ({"session_custom_claims": {"blob": "x" * 4100}}, "custom_claims_too_large"),
    ({"session_custom_claims": {"https://stytch.com/session": {}}}, "stytch_claims_in_custom_claims"),
    ({"session_custom_claims": "claims"}, "invalid_argument"),
    ({"sso_jit_provisioning": "SOMETIMES"}, "invalid_argument"),
    ({"email_jit_provisioning": "ALL_ALLOWED"}, "invalid_argument"),
    ({"email_invites": "ALWAYS"}, "invalid_argument"),
    ({"auth_methods": "NOT_ALLOWED"}, "invalid_argument"),
    ({"mfa_policy": "ALWAYS"}, "invalid_organization_mfa_policy"),
    ({"mfa_methods": "NOT_ALLOWED"}, "invalid_argument"),
    ({"oauth_tenant_jit_provisioning": "ALL_ALLOWED"}, "invalid_argument"),
    ({"first_party_connected_apps_allowed_type": "x"}, "invalid_argument"),
    ({"third_party_connected_apps_allowed_type": "x"}, "invalid_argument"),
    ({"allowed_first_party_connected_apps": "app"}, "invalid_argument"),
    ({"allowed_third_party_connected_apps": [1]}, "invalid_argument"),
    ({"allowed_auth_methods": ["carrier_pigeon"]}, "invalid_organization_allowed_auth_methods"),
    ({"allowed_auth_methods": "sso"}, "invalid_organization_allowed_auth_methods"),
    ({"auth_methods": "RESTRICTED"}, "allowed_auth_methods_required_for_restricted"),
    ({"allowed_mfa_methods": ["email"]}, "invalid_organization_allowed_mfa_methods"),
    ({"mfa_methods": "RESTRICTED"}, "allowed_mfa_methods_required_for_restricted"),
    ({"email_allowed_domains": ["gmail.com"]}, "organization_settings_domain_too_common"),
    ({"email_allowed_domains": ["Outlook.com"]}, "organization_settings_domain_too_common"),
    ({"email_allowed_domains": ["not a domain"]}, "organization_settings_invalid_domain"),
    ({"email_allowed_domains": ["a.example", "A.example"]}, "organization_settings_duplicate_domain"),
    ({"allowed_oauth_tenants": {"google": ["x"]}}, "invalid_oauth_allowed_tenants_format"),
    ({"allowed_oauth_tenants": {"slack": "T1"}}, "invalid_oauth_allowed_tenants_format"),
    ({"allowed_oauth_tenants": ["slack"]}, "invalid_oauth_allowed_tenants_format"),
    ({"rbac_email_implicit_role_assignments": [{"domain": "a.example"}]}, "invalid_argument"),
    ({"rbac_email_implicit_role_assignments": [{"role_id": "r"}]}, "invalid_argument"),
    ({"rbac_email_implicit_role_assignments": {"domain": "a", "role_id": "r"}}, "invalid_argument"),
    ({"telemetry_id": 5}, "invalid_argument"),
]


@pytest.mark.parametrize(("fields", "error_type"), INVALID, ids=[e for _, e in INVALID])
def test_invalid_create_fields_are_400(call: Call, ist: str, fields: dict[str, Any], error_type: str) -> None:
    response = call(CREATE, {"intermediate_session_token": ist, **fields})
    body = assert_stytch_error(response, 400, error_type)
    if error_type == "invalid_organization_slug":
        assert body["error_message"] == SLUG_MESSAGE


@pytest.mark.parametrize("slug", ["ab", "a-", "~a", "acme.co_x~y-z", "A" * 128, "9" * 2])
def test_valid_slugs_are_accepted(call: Call, ist: str, slug: str) -> None:
    response = call(CREATE, {"intermediate_session_token": ist, "organization_slug": slug})
    assert response.status_code == 200, response.json()


def test_external_id_must_be_unique(call: Call, ist: str, fake: Any) -> None:
    fake.seed({"organizations": [{"organization_slug": "one", "organization_external_id": "e|1"}]})
    response = call(
        CREATE,
        {
            "intermediate_session_token": ist,
            "organization_slug": "two",
            "organization_external_id": "e|1",
        },
    )
    assert_stytch_error(response, 400, "organization_external_id_already_used")


def test_missing_ist_is_400_and_unknown_ist_is_404(call: Call) -> None:
    assert_stytch_error(call(CREATE, {"organization_slug": "acme"}), 400, "bad_request")
    unknown = call(CREATE, {"intermediate_session_token": "nope", "organization_slug": "acme"})
    assert_stytch_error(unknown, 404, "intermediate_session_not_found")


def test_empty_strings_count_as_not_given(call: Call, ist: str) -> None:
    response = call(
        CREATE, {"intermediate_session_token": ist, "organization_name": "", "organization_slug": ""}
    )
    assert response.json()["organization"]["organization_slug"] == "acme.example"


@pytest.mark.parametrize(("repeat", "status"), [(2042, 200), (2043, 400)])
def test_custom_claims_are_measured_in_utf8_bytes(call: Call, ist: str, repeat: int, status: int) -> None:
    """``{"city":"éé…"}`` is 11 bytes plus 2 per ``é``: 4095 bytes pass, 4097 do not."""
    response = call(
        CREATE, {"intermediate_session_token": ist, "session_custom_claims": {"city": "é" * repeat}}
    )
    if status == 200:
        assert response.status_code == 200, response.json()
    else:
        assert_stytch_error(response, 400, "custom_claims_too_large")
