"""The discovery magic link at Stytch: send it, and trade its token for an IST."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import authenticate_discovery
from stytch_discovery.internal.calls import call, payload

from .types import MagicLinkAuthentication, MagicLinkSent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SEND_DISCOVERY_MAGIC_LINK = "/v1/b2b/magic_links/email/discovery/send"
AUTHENTICATE_DISCOVERY_MAGIC_LINK = "/v1/b2b/magic_links/discovery/authenticate"

__all__ = ["authenticate_discovery_magic_link", "send_discovery_magic_link"]


@sensitive_variables("body")
def send_discovery_magic_link(
    *,
    email_address: str,
    discovery_redirect_url: str | None = None,
    pkce_code_challenge: str | None = None,
    login_template_id: str | None = None,
    locale: str | None = None,
    discovery_expiration_minutes: int | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> MagicLinkSent:
    """Email a discovery magic link; the redirect defaults to ``DISCOVERY_REDIRECT_URL``."""
    body = payload(
        {
            "email_address": email_address,
            "discovery_redirect_url": discovery_redirect_url or app_settings.DISCOVERY_REDIRECT_URL,
            "pkce_code_challenge": pkce_code_challenge,
            "login_template_id": login_template_id,
            "locale": locale,
            "discovery_expiration_minutes": discovery_expiration_minutes,
        },
        extra,
    )
    return call(
        SEND_DISCOVERY_MAGIC_LINK,
        body,
        lambda data: MagicLinkSent(email_address=email_address, request_id=data["request_id"]),
        stytch=stytch,
    )


@sensitive_variables("token", "pkce_code_verifier", "body")
def authenticate_discovery_magic_link(
    *,
    token: str,
    pkce_code_verifier: str | None = None,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
) -> MagicLinkAuthentication:
    """Trade a discovery magic-link token (single use) for an IST and its organizations."""
    body = payload({"discovery_magic_links_token": token, "pkce_code_verifier": pkce_code_verifier})
    return authenticate_discovery(
        AUTHENTICATE_DISCOVERY_MAGIC_LINK, body, MagicLinkAuthentication.from_json, user=user, stytch=stytch
    )
