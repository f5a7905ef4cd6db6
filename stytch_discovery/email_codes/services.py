"""Discovery by emailed code at Stytch: send a code, and trade it for an IST.

Only the last code sent to an address works: a new send invalidates the earlier ones (Stytch's
rule). A code is single use; the IST it buys lists the organizations, as a magic link's does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import authenticate_discovery
from stytch_discovery.internal.calls import call, payload

from .types import EmailCodeAuthentication, EmailCodeSent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SEND_DISCOVERY_EMAIL_OTP = "/v1/b2b/otps/email/discovery/send"
AUTHENTICATE_DISCOVERY_EMAIL_OTP = "/v1/b2b/otps/email/discovery/authenticate"

__all__ = ["authenticate_discovery_email_otp", "send_discovery_email_otp"]


def send_discovery_email_otp(
    *,
    email_address: str,
    login_template_id: str | None = None,
    locale: str | None = None,
    discovery_expiration_minutes: int | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> EmailCodeSent:
    """Email a discovery code; it lives ``EMAIL_CODE_EXPIRATION_MINUTES`` unless told otherwise."""
    body = payload(
        {
            "email_address": email_address,
            "login_template_id": login_template_id,
            "locale": locale,
            "discovery_expiration_minutes": discovery_expiration_minutes
            or app_settings.EMAIL_CODE_EXPIRATION_MINUTES,
        },
        extra,
    )
    return call(
        SEND_DISCOVERY_EMAIL_OTP,
        body,
        lambda data: EmailCodeSent(email_address=email_address, request_id=data["request_id"]),
        stytch=stytch,
    )


@sensitive_variables("code", "body")
def authenticate_discovery_email_otp(
    *,
    email_address: str,
    code: str,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
) -> EmailCodeAuthentication:
    """Trade an emailed discovery code (single use) for an IST and its organizations."""
    body = payload({"email_address": email_address, "code": code})
    return authenticate_discovery(
        AUTHENTICATE_DISCOVERY_EMAIL_OTP, body, EmailCodeAuthentication.from_json, user=user, stytch=stytch
    )
