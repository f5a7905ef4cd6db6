"""Every entry of ``STYTCH_ERROR_TYPES``, answered by the fake Stytch over real HTTP.

Each Stytch error type is injected on the exchange call with a 400 (429 for Stytch's own rate
limit): the table, not Stytch's status, must decide the answer, so a dropped entry falls back on
``stytch_rejected`` and fails here. The expected table is restated here, so a changed entry fails
too; a new entry must be added here (and to the README's codes if it brings a new code).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.discovery.services import EXCHANGE_INTERMEDIATE_SESSION
from stytch_discovery.internal.http.errors import CODES, status_of
from stytch_discovery.internal.http.stytch_errors import STYTCH_ERROR_TYPES
from stytch_discovery.testing import FakeStytch
from tests.core.test_public_api import section
from tests.helpers.api import ist_cookie, post, seed_orgs, stytch_calls

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
EXCHANGE = "discovery/intermediate-sessions/exchange"
#: The table as documented: Stytch's error type -> our code. Restated, so a changed entry fails.
EXPECTED: dict[str, str] = {
    "intermediate_session_not_found": "intermediate_session_invalid",
    "session_not_found": "session_invalid",
    "session_authorization_error": "permission_denied",
    "session_authorization_tenancy_error": "organization_mismatch",
    "unable_to_parse_session_jwt": "session_invalid",
    "invalid_session_token": "session_invalid",
    "magic_link_not_found": "magic_link_invalid",
    "unable_to_auth_magic_link": "magic_link_invalid",
    "pkce_mismatch": "magic_link_invalid",
    "pkce_expected_code_verifier": "magic_link_invalid",
    "pkce_did_not_expect_code_verifier": "magic_link_invalid",
    "organization_slug_already_used": "organization_slug_taken",
    "organization_external_id_already_used": "organization_external_id_taken",
    "organization_not_found": "organization_not_found",
    "invalid_intermediate_session_token_for_organization": "organization_access_denied",
    "email_jit_provisioning_not_allowed": "organization_access_denied",
    "invalid_email_for_jit_provisioning": "organization_access_denied",
    "oauth_tenant_jit_provisioning_not_allowed": "organization_access_denied",
    "insufficient_factors_for_session_exchange": "organization_access_denied",
    "unauthorized_credentials": "stytch_misconfigured",
    "unauthorized_project_id_test": "stytch_misconfigured",
    "unauthorized_project_id_live": "stytch_misconfigured",
    "test_id_used_in_live_environment": "stytch_misconfigured",
    "live_id_used_in_test_environment": "stytch_misconfigured",
    "project_not_found": "stytch_misconfigured",
    "route_not_found": "stytch_misconfigured",
    "method_not_allowed": "stytch_misconfigured",
    "no_discovery_redirect_url_set": "stytch_misconfigured",
    "no_default_discovery_redirect_url_set": "stytch_misconfigured",
    "invalid_discovery_redirect_url": "stytch_misconfigured",
    "too_many_requests": "stytch_rate_limited",
    "otp_code_not_found": "code_invalid",
    "invalid_totp_code": "code_invalid",
    "unable_to_authenticate_totp": "code_invalid",
    "recovery_code_used_as_totp_code": "code_invalid",
    "unable_to_auth_otp_code": "code_expired",
    "totp_code_already_authenticated": "code_expired",
    "expired_totp": "code_expired",
    "unable_to_authenticate_recovery_code": "recovery_code_invalid",
    "invalid_recovery_code": "recovery_code_invalid",
    "totp_code_used_as_recovery_code": "recovery_code_invalid",
    "invalid_phone_number": "phone_number_invalid",
    "invalid_phone_number_country_code": "phone_number_invalid",
    "unsubscribed_phone_number": "phone_number_invalid",
    "duplicate_member_phone_number": "phone_number_taken",
    "duplicate_member_phone_number_for_member": "phone_number_taken",
    "active_totp_exists": "totp_exists",
    "pending_totp_exists": "totp_exists",
    "secondary_factor_not_found": "mfa_factor_missing",
    "default_mfa_member_missing_factor": "mfa_factor_missing",
    "no_active_recovery_code_backed_factor": "mfa_factor_missing",
    "recovery_codes_not_found": "mfa_factor_missing",
    "member_phone_number_not_found": "mfa_factor_missing",
    "totp_not_found": "mfa_factor_missing",
    "session_enforced_factor_matching_session_required": "mfa_factor_missing",
    "invalid_mfa_default_method": "auth_method_not_allowed",
    "operation_restricted_by_organization_mfa_methods": "auth_method_not_allowed",
    "operation_restricted_by_organization_auth_methods": "auth_method_not_allowed",
    "action_available_only_once_primary_authentication_is_met": "step_not_pending",
    "member_session_member_id_mismatch": "intermediate_session_invalid",
    "session_on_code_does_not_match_session_passed_in": "intermediate_session_invalid",
    # Emailed discovery codes, OAuth discovery, SSO and OAuth as the primary step.
    "oauth_token_not_found": "oauth_invalid",
    "oauth_discovery_flow_callback_error": "oauth_invalid",
    "oauth_flow_callback_error": "oauth_invalid",
    "oauth_invalid_state": "oauth_invalid",
    "oauth_state_mismatch": "oauth_invalid",
    "oauth_state_used": "oauth_invalid",
    "oauth_unverified_email": "oauth_email_unverified",
    "sso_token_not_found": "redirect_token_invalid",
    "expired_saml_response": "redirect_token_invalid",
    "expired_oidc_response": "redirect_token_invalid",
    "duplicate_saml_response": "redirect_token_invalid",
    "failed_saml_response": "identity_provider_error",
    "invalid_saml_response": "identity_provider_error",
    "invalid_saml_response_email": "identity_provider_error",
    "invalid_signature_saml_response": "identity_provider_error",
    "missing_signature_saml_response": "identity_provider_error",
    "invalid_audience_saml_response": "identity_provider_error",
    "invalid_xml_saml_response": "identity_provider_error",
    "not_yet_valid_saml_response": "identity_provider_error",
    "unsolicited_saml_response": "identity_provider_error",
    "missing_saml_response": "identity_provider_error",
    "missing_saml_relay_state": "identity_provider_error",
    "missing_saml_csrf_cookie": "identity_provider_error",
    "saml_csrf_cookie_mismatch": "identity_provider_error",
    "saml_certificate_mismatch": "identity_provider_error",
    "oidc_auth_code_error": "identity_provider_error",
    "oidc_invalid_callback_request": "identity_provider_error",
    "oidc_invalid_userinfo": "identity_provider_error",
    "oidc_response_email_missing": "identity_provider_error",
    "oidc_response_subject_missing": "identity_provider_error",
    "oidc_response_subject_mismatch": "identity_provider_error",
    "oidc_response_unverified_email": "identity_provider_error",
    "oidc_user_not_assigned_to_app_in_idp": "identity_provider_error",
    "unsolicited_oidc_response": "identity_provider_error",
    "missing_oidc_state_param": "identity_provider_error",
    "missing_oidc_csrf_cookie": "identity_provider_error",
    "oidc_csrf_cookie_mismatch": "identity_provider_error",
    "no_sso_connection_exists_for_organization": "sso_connection_missing",
    "requires_active_sso_connection": "sso_connection_missing",
    "sso_connection_not_found": "sso_connection_missing",
    "saml_connection_not_found": "sso_connection_missing",
    "oidc_connection_not_found": "sso_connection_missing",
    "external_connection_not_active": "sso_connection_missing",
    "connection_not_found": "sso_connection_missing",
    "indeterminate_sso_connection_for_organization": "sso_connection_required",
    "missing_sso_connection_locator": "sso_connection_required",
    "sso_connection_organization_mismatch": "organization_access_denied",
    "invalid_connection_for_jit_provisioning": "organization_access_denied",
    "sso_jit_provisioning_not_allowed": "organization_access_denied",
    "public_token_not_found": "stytch_misconfigured",
    "invalid_public_token_id": "stytch_misconfigured",
    "public_token_required": "stytch_misconfigured",
    "project_has_no_public_tokens": "stytch_misconfigured",
    "no_login_redirect_urls_set": "stytch_misconfigured",
    "no_signup_redirect_urls_set": "stytch_misconfigured",
    "no_match_for_provided_sso_url": "stytch_misconfigured",
    "invalid_login_sso_url": "stytch_misconfigured",
    "invalid_signup_sso_url": "stytch_misconfigured",
    "invalid_pkce_code_challenge": "stytch_misconfigured",
    "invalid_pkce_code_verifier": "stytch_misconfigured",
}
#: The field a code's message is shown next to (``errors._CONFLICT_FIELDS``, restated as the contract).
FIELD_OF = {
    "organization_slug_taken": "organization_slug",
    "organization_external_id_taken": "organization_external_id",
    "phone_number_taken": "mfa_phone_number",
    "phone_number_invalid": "mfa_phone_number",
    "code_invalid": "code",
    "code_expired": "code",
    "recovery_code_invalid": "recovery_code",
}


def stytch_status(error_type: str) -> int:
    return 429 if error_type == "too_many_requests" else 400


def readme_error_rows() -> dict[str, int]:
    """``code -> status`` from the README's error table."""
    rows = re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", section("Errors"), flags=re.MULTILINE)
    return {code: int(status) for status, code in rows}


def test_the_table_is_the_documented_one_and_names_only_known_codes() -> None:
    assert STYTCH_ERROR_TYPES == EXPECTED
    assert set(EXPECTED.values()) <= set(CODES)


@pytest.mark.parametrize("code", sorted(set(EXPECTED.values())))
def test_every_mapped_code_is_in_the_readme_with_its_status(code: str) -> None:
    assert readme_error_rows().get(code) == status_of(code)


@pytest.mark.parametrize(("error_type", "code"), sorted(EXPECTED.items()))
def test_each_stytch_error_type_answers_its_code(
    api: APIClient, fake_stytch: FakeStytch, error_type: str, code: str
) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    fake_stytch.add_fault(
        EXCHANGE_INTERMEDIATE_SESSION, status=stytch_status(error_type), error_type=error_type
    )

    response = post(api, EXCHANGE, {"organization_id": "acme"})

    assert response.status_code == status_of(code), response.content
    data: dict[str, Any] = response.json()
    assert set(data) == ERROR_KEYS
    assert data["code"] == code
    assert data["message"] == CODES[code][1]
    assert data["stytch_error_type"] == error_type
    assert data["stytch_request_id"]
    expected_fields = {FIELD_OF[code]: [CODES[code][1]]} if code in FIELD_OF else {}
    assert data["fields"] == expected_fields
    if status_of(code) == 429:
        assert int(response["Retry-After"]) >= 1
    else:
        assert "Retry-After" not in response
    assert stytch_calls(fake_stytch) == 1  # a mapped refusal is never retried


@pytest.mark.parametrize(("status", "code"), [(400, "stytch_rejected"), (429, "stytch_rate_limited")])
def test_an_unlisted_error_type_falls_back_on_stytchs_status(
    api: APIClient, fake_stytch: FakeStytch, status: int, code: str
) -> None:
    assert "some_new_error_type" not in STYTCH_ERROR_TYPES
    seed_orgs(fake_stytch)
    ist_cookie(api, fake_stytch)
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, status=status, error_type="some_new_error_type")
    data = post(api, EXCHANGE, {"organization_id": "acme"}).json()
    assert data["code"] == code
    assert data["stytch_error_type"] == "some_new_error_type"
