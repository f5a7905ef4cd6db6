"""Stytch error types the fake answers with, and their canonical messages.

Strings and statuses follow the wire contract (shared/docs/stytch-contract.md, section 5.3).
Where the contract marks a status as a guess, the fake picks the one that real Stytch uses for
the nearest confirmed case:

* every "not found" condition (IST, session, magic link, organization) is a 404;
* every validation failure of a request field is a 400;
* PKCE failures are 400, credentials failures are 401, rate limiting is 429.

Error types that the contract does not name at all (the fake needed one anyway) are marked
"fake's choice" below.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "bad_request": "The request body could not be parsed.",
    "invalid_argument": "A request field has the wrong type or value.",
    "unauthorized_credentials": "Unauthorized credentials.",
    "route_not_found": "The requested route was not found.",
    "method_not_allowed": "The HTTP method is not allowed for this route.",
    "too_many_requests": "Too many requests have been made.",
    "internal_server_error": (
        "Oops, something seems to have gone wrong, please reach out to support@stytch.com "
        "to let us know what went wrong."
    ),
    "server_unavailable": "The server is temporarily unavailable.",
    "intermediate_session_not_found": "Intermediate session could not be found.",
    "session_not_found": "Session could not be found.",
    "member_not_found": "Member could not be found.",
    "session_authorization_error": (
        "The Member is not authorized to perform the requested action on that resource."
    ),
    "session_authorization_tenancy_error": (
        "The authorization check names an organization other than the session's."
    ),
    "insufficient_factors_for_session_exchange": (
        "The session's factors cannot join this organization: only an existing membership "
        "(active, pending or invited) can be entered by session exchange."
    ),
    "unable_to_parse_session_jwt": "The session JWT could not be parsed or verified.",
    "no_session_arguments": (
        "One of intermediate_session_token, session_token or session_jwt must be provided."
    ),
    "too_many_session_arguments": (
        "Only one of intermediate_session_token, session_token or session_jwt may be provided."
    ),
    "magic_link_not_found": (
        "The magic link could not be authenticated because it was either already used or "
        "expired. Send another magic link to this user."
    ),
    "pkce_mismatch": "The PKCE code verifier does not match the PKCE code challenge.",
    "pkce_expected_code_verifier": "This magic link was sent with PKCE: a code verifier is required.",
    "pkce_did_not_expect_code_verifier": (
        "This magic link was sent without PKCE: a code verifier was not expected."
    ),
    "invalid_email": "Email format is invalid.",
    "email_not_found": "No passcode was sent to this email address.",
    "otp_code_not_found": "The passcode is incorrect. Please try again.",
    "unable_to_auth_otp_code": (
        "The passcode could not be authenticated because it was either already used or expired. "
        "Send another passcode to this user."
    ),
    # MFA (sessions contract §B.3; the contract's wording where it gives one).
    "invalid_phone_number": ("The phone number is invalid. Ensure the phone number is in the E.164 format."),
    "invalid_phone_number_country_code": (
        "The phone number's country code is invalid, unsupported, or disabled."
    ),
    "duplicate_member_phone_number": (
        "A member with the specified phone number already exists for this organization."
    ),
    "duplicate_member_phone_number_for_member": (
        "The member already has a different phone number; a new mfa_phone_number cannot be given."
    ),
    "member_phone_number_not_found": (
        "The member has no phone number. Provide an mfa_phone_number to send a passcode to."
    ),
    "member_session_member_id_mismatch": (
        "The session belongs to a different member than the member_id provided."
    ),
    "action_available_only_once_primary_authentication_is_met": (
        "This action is only available once the organization's primary authentication requirements are met."
    ),
    "operation_restricted_by_organization_mfa_methods": (
        "The organization's allowed_mfa_methods do not include this method."
    ),
    "session_enforced_factor_matching_session_required": (
        "The member already has an MFA factor: a session authenticated with one of the member's "
        "factors is required to add another."
    ),
    "active_totp_exists": "The member already has an active TOTP registration.",
    "pending_totp_exists": (
        "The member already has a pending TOTP registration. Authenticate it, or wait for it to expire."
    ),
    "totp_not_found": "TOTP registration could not be found.",
    "expired_totp": "The TOTP registration has expired. Create a new one.",
    "invalid_totp_code": "The TOTP code format is invalid: it must be 6 digits.",
    "unable_to_authenticate_totp": (
        "The TOTP code could not be authenticated because it is incorrect or expired."
    ),
    "totp_code_already_authenticated": (
        "This TOTP code has already been used. Wait for the next code and try again."
    ),
    "recovery_code_used_as_totp_code": (
        "A recovery code was provided where a TOTP code is expected. Use the recovery codes endpoint instead."
    ),
    "totp_code_used_as_recovery_code": (
        "A TOTP code was provided where a recovery code is expected. Use the TOTP authenticate "
        "endpoint instead."
    ),
    "invalid_recovery_code": (
        "The recovery code format is invalid: it must be three groups of four lowercase letters "
        "or digits, as in xxxx-xxxx-xxxx."
    ),
    "no_active_recovery_code_backed_factor": (
        "The member has no active factor backed by recovery codes (an authenticator app)."
    ),
    "unable_to_authenticate_recovery_code": (
        "The recovery code could not be authenticated because it is incorrect or already used."
    ),
    "no_discovery_redirect_url_set": (
        "No discovery redirect URL was provided and no default discovery redirect URL is set."
    ),
    "invalid_discovery_redirect_url": "The discovery_redirect_url must be an http(s) URL.",
    "organization_not_found": "Organization could not be found.",
    "invalid_intermediate_session_token_for_organization": (
        "The intermediate session token cannot be used to join this organization."
    ),
    "organization_slug_already_used": (
        "The provided organization_slug is already used in another organization."
    ),
    "invalid_organization_slug": (
        "The organization_slug must be at least 2 characters long and may only contain "
        "alphanumerics and the reserved characters '-', '.', '_', or '~'. At least one "
        "character must be alphanumeric."
    ),
    "invalid_organization_name": "The organization_name must be between 1 and 128 characters.",
    # Fake's choice: the contract names no error type for external-id problems.
    "invalid_organization_external_id": (
        "The organization_external_id must be 1 to 128 characters from alphanumerics and '.', "
        "'_', '-' or '|'."
    ),
    "organization_external_id_already_used": (
        "The provided organization_external_id is already used in another organization."
    ),
    "organization_logo_url_too_long": "The organization_logo_url is too long.",
    "metadata_invalid_format": "trusted_metadata must be a JSON object.",
    "metadata_too_large": "trusted_metadata is too large.",
    "metadata_too_many_keys": "trusted_metadata has too many keys.",
    "invalid_session_duration_minutes": "session_duration_minutes must be between 5 and 527040.",
    "custom_claims_too_large": "session_custom_claims cannot exceed 4 kilobytes.",
    "stytch_claims_in_custom_claims": (
        "session_custom_claims cannot contain claims in the https://stytch.com/ namespace."
    ),
    "organization_settings_domain_too_common": (
        "Common email domains cannot be used in email_allowed_domains."
    ),
    "organization_settings_invalid_domain": "email_allowed_domains contains an invalid domain.",
    "organization_settings_duplicate_domain": "email_allowed_domains contains a duplicate domain.",
    "invalid_organization_allowed_auth_methods": "allowed_auth_methods contains an invalid value.",
    "invalid_organization_allowed_mfa_methods": "allowed_mfa_methods contains an invalid value.",
    "allowed_auth_methods_required_for_restricted": (
        "allowed_auth_methods is required when auth_methods is RESTRICTED."
    ),
    "allowed_mfa_methods_required_for_restricted": (
        "allowed_mfa_methods is required when mfa_methods is RESTRICTED."
    ),
    "invalid_organization_mfa_policy": "mfa_policy must be REQUIRED_FOR_ALL or OPTIONAL.",
    "invalid_oauth_allowed_tenants_format": (
        "allowed_oauth_tenants must map slack, hubspot or github to a list of tenant ids."
    ),
    "oauth_token_not_found": "OAuth Token could not be found.",
    "sso_token_not_found": "SSO token could not be found: it is unknown, used or expired.",
    "no_login_redirect_urls_set": (
        "No login_redirect_url or signup_redirect_url was given (the fake has no dashboard defaults)."
    ),
    "invalid_login_redirect_url": "The login_redirect_url must be an http(s) URL.",
    "invalid_signup_redirect_url": "The signup_redirect_url must be an http(s) URL.",
    "email_jit_provisioning_not_allowed": (
        "This email is no member of the organization and may not join it."
    ),
    "operation_restricted_by_organization_auth_methods": (
        "The organization's allowed_auth_methods do not include this method."
    ),
    # Fake's choices for the OAuth and SSO starts and the fake identity provider's page.
    "invalid_public_token": "The public_token is not this project's.",
    "oauth_provider_not_supported": "The fake serves OAuth with google and microsoft only.",
    "oauth_flow_not_found": "This sign-in is unknown, finished or expired: start again.",
    "connection_not_found": "No SSO connection has this connection_id.",
    "sso_jit_provisioning_not_allowed": (
        "This email is no member of the organization, whose sso_jit_provisioning forbids joining."
    ),
    # Fake's choice, for seeding two members with one email in one organization.
    "duplicate_member_email": "A member with this email address already exists.",
    # Fake's choice, for a JWKS request naming another project.
    "project_not_found": "Project could not be found.",
    # Fake's choice, for /_fake/keys/retire with a kid the fake never published.
    "signing_key_not_found": "No published signing key has this kid.",
}

# The error_type a fault answers with when the rule names only a status.
DEFAULT_ERROR_TYPES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized_credentials",
    404: "route_not_found",
    405: "method_not_allowed",
    429: "too_many_requests",
    500: "internal_server_error",
}


def default_error_type(status: int) -> str:
    if status in DEFAULT_ERROR_TYPES:
        return DEFAULT_ERROR_TYPES[status]
    return "server_unavailable" if status >= 500 else "bad_request"


class ApiError(Exception):
    """A Stytch error answer: the HTTP layer turns it into the error envelope."""

    def __init__(
        self, status: int, error_type: str, message: str | None = None, *, injected: bool = False
    ) -> None:
        """``injected``: a fault rule's error (or one read back from an answer), of whatever type
        the test names; any other must be a type of ``MESSAGES``, so none answers a generic text."""
        if error_type not in MESSAGES and not injected:
            raise KeyError(f"the fake's error type {error_type!r} has no message in MESSAGES")
        self.status = status
        self.error_type = error_type
        self.message = message or MESSAGES.get(error_type) or f"Injected fault: {error_type}."
        super().__init__(f"{status} {error_type}: {self.message}")

    def envelope(self, request_id: str) -> dict[str, object]:
        return {
            "status_code": self.status,
            "request_id": request_id,
            "error_type": self.error_type,
            "error_message": self.message,
            "error_url": f"https://stytch.com/docs/b2b/api/errors/{self.status}#{self.error_type}",
        }


def invalid_argument(message: str) -> ApiError:
    return ApiError(400, "invalid_argument", message)
