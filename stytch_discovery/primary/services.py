"""Organization-scoped primary authentication at Stytch: email magic links and email codes, and
the SSO and OAuth redirects (their start URLs, built here, and the authenticates of their tokens).

Sending is ``login_or_signup`` for one organization (a member logs in; an email that may join by
domain signs up). Authenticating with the pending step's IST adds the factor to it: when the
organization's requirements are then met, Stytch consumes the IST and answers a session; else it
answers the same IST with what is still needed (MFA, typically). Either way the answer is a
``MemberAuthentication``, as from an exchange. Given ``member_id`` (a pending step's member), an
authenticate refuses an answer about anyone else with ``StytchDiscoveryIdentityMismatch`` before
anything of theirs is linked or cached, and revokes the session Stytch started for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.internal import calls
from stytch_discovery.internal.calls import call, payload
from stytch_discovery.internal.net import with_query
from stytch_discovery.internal.parsing import JSON
from stytch_discovery.sessions.services import start_session
from stytch_discovery.sessions.types import MemberAuthentication

from .types import LoginEmailSent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SEND_LOGIN_MAGIC_LINK = "/v1/b2b/magic_links/email/login_or_signup"
AUTHENTICATE_MAGIC_LINK = "/v1/b2b/magic_links/authenticate"
SEND_LOGIN_EMAIL_OTP = "/v1/b2b/otps/email/login_or_signup"
AUTHENTICATE_EMAIL_OTP = "/v1/b2b/otps/email/authenticate"
#: Public (browser) start URLs: no secret, the project's public token instead.
SSO_START = "/v1/public/sso/start"
OAUTH_START = "/v1/b2b/public/oauth/{provider}/start"
AUTHENTICATE_SSO = "/v1/b2b/sso/authenticate"
AUTHENTICATE_OAUTH = "/v1/b2b/oauth/authenticate"
#: The OAuth providers a primary step can start here (Stytch's B2B email-verifying ones).
OAUTH_PROVIDERS = ("google", "microsoft")

__all__ = [
    "authenticate_email_otp",
    "authenticate_magic_link",
    "authenticate_oauth",
    "authenticate_sso",
    "oauth_start_url",
    "send_login_email_otp",
    "send_login_magic_link",
    "sso_start_url",
]


def send_login_magic_link(
    *,
    organization_id: str,
    email_address: str,
    login_redirect_url: str | None = None,
    signup_redirect_url: str | None = None,
    pkce_code_challenge: str | None = None,
    login_template_id: str | None = None,
    signup_template_id: str | None = None,
    locale: str | None = None,
    login_expiration_minutes: int | None = None,
    signup_expiration_minutes: int | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> LoginEmailSent:
    """Email a magic link for ``organization_id`` (its target: ``login_redirect_url``)."""
    body = payload(
        {
            "organization_id": organization_id,
            "email_address": email_address,
            "login_redirect_url": login_redirect_url,
            "signup_redirect_url": signup_redirect_url,
            "pkce_code_challenge": pkce_code_challenge,
            "login_template_id": login_template_id,
            "signup_template_id": signup_template_id,
            "locale": locale,
            "login_expiration_minutes": login_expiration_minutes,
            "signup_expiration_minutes": signup_expiration_minutes,
        },
        extra,
    )
    return call(SEND_LOGIN_MAGIC_LINK, body, LoginEmailSent.from_json, stytch=stytch)


@sensitive_variables("magic_links_token", "intermediate_session_token", "pkce_code_verifier", "body")
def authenticate_magic_link(
    *,
    magic_links_token: str,
    intermediate_session_token: str | None = None,
    pkce_code_verifier: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    locale: str | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    member_id: str | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Prove an organization magic link (single use), adding it to the IST when one is given."""
    return start_session(
        AUTHENTICATE_MAGIC_LINK,
        {
            "magic_links_token": magic_links_token,
            "intermediate_session_token": intermediate_session_token,
            "pkce_code_verifier": pkce_code_verifier,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
        user=user,
        member_id=member_id,
        stytch=stytch,
    )


def send_login_email_otp(
    *,
    organization_id: str,
    email_address: str,
    login_template_id: str | None = None,
    signup_template_id: str | None = None,
    locale: str | None = None,
    login_expiration_minutes: int | None = None,
    signup_expiration_minutes: int | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> LoginEmailSent:
    """Email a 6-digit code for ``organization_id``."""
    body = payload(
        {
            "organization_id": organization_id,
            "email_address": email_address,
            "login_template_id": login_template_id,
            "signup_template_id": signup_template_id,
            "locale": locale,
            "login_expiration_minutes": login_expiration_minutes,
            "signup_expiration_minutes": signup_expiration_minutes,
        },
        extra,
    )
    return call(SEND_LOGIN_EMAIL_OTP, body, LoginEmailSent.from_json, stytch=stytch)


@sensitive_variables("code", "intermediate_session_token", "body")
def authenticate_email_otp(
    *,
    organization_id: str,
    email_address: str,
    code: str,
    intermediate_session_token: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    locale: str | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    member_id: str | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Check an emailed code, adding it to the IST when one is given."""
    return start_session(
        AUTHENTICATE_EMAIL_OTP,
        {
            "organization_id": organization_id,
            "email_address": email_address,
            "code": code,
            "intermediate_session_token": intermediate_session_token,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
        user=user,
        member_id=member_id,
        stytch=stytch,
    )


def sso_start_url(
    *,
    connection_id: str,
    login_redirect_url: str,
    signup_redirect_url: str | None = None,
    pkce_code_challenge: str | None = None,
    public_token: str | None = None,
    base_url: str | None = None,
) -> str:
    """Where to send the browser to sign in through the SSO connection ``connection_id``.

    Stytch sends it on to the identity provider, then back to ``login_redirect_url`` (or
    ``signup_redirect_url`` for a new member) with ``?stytch_token_type=sso&token=…``.
    """
    query = payload(
        {
            "connection_id": connection_id,
            "public_token": calls.public_token(public_token),
            "login_redirect_url": login_redirect_url,
            "signup_redirect_url": signup_redirect_url or login_redirect_url,
            "pkce_code_challenge": pkce_code_challenge,
        }
    )
    return with_query((base_url or app_settings.BASE_URL) + SSO_START, **query)


def oauth_start_url(
    *,
    provider: str,
    organization_id: str,
    login_redirect_url: str,
    signup_redirect_url: str | None = None,
    pkce_code_challenge: str | None = None,
    login_hint: str | None = None,
    public_token: str | None = None,
    base_url: str | None = None,
) -> str:
    """Where to send the browser to sign in to ``organization_id`` with ``provider`` (google, microsoft).

    It comes back to ``login_redirect_url`` (or ``signup_redirect_url``) with
    ``?stytch_token_type=oauth&token=…``. ``login_hint`` (Stytch's ``provider_login_hint``)
    suggests the account to the provider.
    """
    if provider not in OAUTH_PROVIDERS:
        raise ValueError(f"provider must be one of {', '.join(OAUTH_PROVIDERS)}.")
    query = payload(
        {
            "public_token": calls.public_token(public_token),
            "organization_id": organization_id,
            "login_redirect_url": login_redirect_url,
            "signup_redirect_url": signup_redirect_url or login_redirect_url,
            "pkce_code_challenge": pkce_code_challenge,
            "provider_login_hint": login_hint,
        }
    )
    path = OAUTH_START.format(provider=provider)
    return with_query((base_url or app_settings.BASE_URL) + path, **query)


@sensitive_variables("sso_token", "intermediate_session_token", "pkce_code_verifier", "body")
def authenticate_sso(
    *,
    sso_token: str,
    intermediate_session_token: str | None = None,
    pkce_code_verifier: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    locale: str | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    member_id: str | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Prove an SSO token (single use), adding it to the IST when one is given."""
    return start_session(
        AUTHENTICATE_SSO,
        {
            "sso_token": sso_token,
            "intermediate_session_token": intermediate_session_token,
            "pkce_code_verifier": pkce_code_verifier,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
        user=user,
        member_id=member_id,
        stytch=stytch,
    )


def _without_provider_values(data: JSON) -> MemberAuthentication:
    """The answer minus ``provider_values``: the provider's access, refresh and ID tokens."""
    return MemberAuthentication.from_json(
        {key: value for key, value in data.items() if key != "provider_values"}
    )


@sensitive_variables("oauth_token", "intermediate_session_token", "pkce_code_verifier", "body")
def authenticate_oauth(
    *,
    oauth_token: str,
    intermediate_session_token: str | None = None,
    pkce_code_verifier: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    locale: str | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    member_id: str | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Prove an organization OAuth token (single use), adding it to the IST when one is given.

    The provider's own tokens (``provider_values``) are dropped from the result: this app never
    calls the provider's API, so it keeps no credential for it.
    """
    return start_session(
        AUTHENTICATE_OAUTH,
        {
            "oauth_token": oauth_token,
            "intermediate_session_token": intermediate_session_token,
            "pkce_code_verifier": pkce_code_verifier,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "locale": locale,
            "telemetry_id": telemetry_id,
        },
        extra,
        parse=_without_provider_values,
        user=user,
        member_id=member_id,
        stytch=stytch,
    )
