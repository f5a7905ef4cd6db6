"""MFA at Stytch: SMS codes, authenticator apps (TOTP) and recovery codes.

Each function is one Stytch call. ``organization_id`` and ``member_id`` name the member; the
session fields say who is asking: an IST (the pending sign-in step), a session token or a session
JWT, at most one (send and create), exactly one (the authenticates and recover). A successful
authenticate or recover starts a member session: the member is linked to their Django user and
the organization cache refreshed, as after an exchange. Stytch consumes the IST then.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.internal.calls import call, payload
from stytch_discovery.sessions.services import session_payload, session_started, start_session
from stytch_discovery.sessions.types import MemberAuthentication

from .types import RecoveryCodeAuthentication, SmsOtpSent, TotpRegistration, authenticated

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SEND_SMS_OTP = "/v1/b2b/otps/sms/send"
AUTHENTICATE_SMS_OTP = "/v1/b2b/otps/sms/authenticate"
CREATE_TOTP = "/v1/b2b/totp"
AUTHENTICATE_TOTP = "/v1/b2b/totp/authenticate"
RECOVER = "/v1/b2b/recovery_codes/recover"

__all__ = [
    "authenticate_sms_otp",
    "authenticate_totp",
    "create_totp",
    "recover_with_recovery_code",
    "send_sms_otp",
]


def _credentials(
    intermediate_session_token: str | None,
    session_token: str | None,
    session_jwt: str | None,
    *,
    required: bool,
) -> dict[str, str | None]:
    given = [token for token in (intermediate_session_token, session_token, session_jwt) if token is not None]
    if len(given) > 1 or (required and not given):
        wanted = "exactly one" if required else "at most one"
        raise ValueError(f"Give {wanted} of intermediate_session_token, session_token, session_jwt.")
    return {
        "intermediate_session_token": intermediate_session_token,
        "session_token": session_token,
        "session_jwt": session_jwt,
    }


@sensitive_variables("intermediate_session_token", "session_token", "session_jwt", "body")
def send_sms_otp(
    *,
    organization_id: str,
    member_id: str,
    intermediate_session_token: str | None = None,
    session_token: str | None = None,
    session_jwt: str | None = None,
    mfa_phone_number: str | None = None,
    locale: str | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> SmsOtpSent:
    """Text the member a code (valid 2 minutes; a new one invalidates the last).

    ``mfa_phone_number`` (E.164) only for a member without a phone: Stytch links it to them.
    """
    body = payload(
        {
            "organization_id": organization_id,
            "member_id": member_id,
            "mfa_phone_number": mfa_phone_number,
            "locale": locale,
            **_credentials(intermediate_session_token, session_token, session_jwt, required=False),
        },
        extra,
    )
    return call(SEND_SMS_OTP, body, SmsOtpSent.from_json, stytch=stytch)


@sensitive_variables("intermediate_session_token", "session_token", "session_jwt", "body")
def create_totp(
    *,
    organization_id: str,
    member_id: str,
    intermediate_session_token: str | None = None,
    session_token: str | None = None,
    session_jwt: str | None = None,
    expiration_minutes: int | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> TotpRegistration:
    """Register an authenticator app: its secret, QR code and recovery codes, to show once.

    The registration waits ``expiration_minutes`` (Stytch: 5..1440, default 60) for its first code
    (``authenticate_totp``), which activates it.
    """
    body = payload(
        {
            "organization_id": organization_id,
            "member_id": member_id,
            "expiration_minutes": expiration_minutes,
            **_credentials(intermediate_session_token, session_token, session_jwt, required=False),
        },
        extra,
    )
    return call(CREATE_TOTP, body, TotpRegistration.from_json, stytch=stytch)


@sensitive_variables("code", "intermediate_session_token", "session_token", "session_jwt", "body")
def _authenticate_code(
    path: str,
    /,
    *,
    organization_id: str,
    member_id: str,
    code: str,
    intermediate_session_token: str | None = None,
    session_token: str | None = None,
    session_jwt: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    set_mfa_enrollment: str | None = None,
    set_default_mfa: bool | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
) -> MemberAuthentication:
    """Check a one-time ``code``, texted or from an app: always a session (an IST given is consumed)."""
    return start_session(
        path,
        {
            "organization_id": organization_id,
            "member_id": member_id,
            "code": code,
            **_credentials(intermediate_session_token, session_token, session_jwt, required=True),
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "set_mfa_enrollment": set_mfa_enrollment,
            "set_default_mfa": set_default_mfa,
            "telemetry_id": telemetry_id,
        },
        extra,
        parse=authenticated,
        user=user,
        stytch=stytch,
    )


#: The texted code and the authenticator app's code take the same fields: one body, two paths.
authenticate_sms_otp = partial(_authenticate_code, AUTHENTICATE_SMS_OTP)
authenticate_sms_otp.__doc__ = (
    "Check the texted ``code``; the answer is always a session (an IST given is consumed)."
)
authenticate_totp = partial(_authenticate_code, AUTHENTICATE_TOTP)
authenticate_totp.__doc__ = "Check an authenticator app's ``code``; the answer is always a session."


@sensitive_variables("recovery_code", "intermediate_session_token", "session_token", "session_jwt", "body")
def recover_with_recovery_code(
    *,
    organization_id: str,
    member_id: str,
    recovery_code: str,
    intermediate_session_token: str | None = None,
    session_token: str | None = None,
    session_jwt: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    telemetry_id: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
) -> RecoveryCodeAuthentication:
    """Spend one recovery code (it works once) for a session; says how many are left."""
    body = session_payload(
        {
            "organization_id": organization_id,
            "member_id": member_id,
            "recovery_code": recovery_code,
            **_credentials(intermediate_session_token, session_token, session_jwt, required=True),
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
            "telemetry_id": telemetry_id,
        },
        extra,
    )
    result = call(RECOVER, body, RecoveryCodeAuthentication.from_json, stytch=stytch)
    session_started(result.authentication, created=False, user=user)
    return result
