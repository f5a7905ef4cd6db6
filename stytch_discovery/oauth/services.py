"""Discovery by OAuth at Stytch: where the browser starts, and trading the callback's token.

The start is a browser redirect to Stytch's public endpoint (the public token, no secret): no call
from here. The callback's token is traded with the PKCE verifier, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import authenticate_discovery
from stytch_discovery.internal import calls
from stytch_discovery.internal.calls import payload

from .types import OAuthDiscoveryAuthentication

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

OAUTH_DISCOVERY_START = "/v1/b2b/public/oauth/{provider}/discovery/start"
AUTHENTICATE_DISCOVERY_OAUTH = "/v1/b2b/oauth/discovery/authenticate"

__all__ = ["authenticate_discovery_oauth", "oauth_discovery_start_url"]


def oauth_discovery_start_url(
    *,
    provider: str,
    discovery_redirect_url: str | None = None,
    pkce_code_challenge: str | None = None,
    custom_scopes: Sequence[str] = (),
    provider_params: Mapping[str, str] | None = None,
    public_token: str | None = None,
) -> str:
    """The URL that starts ``provider``'s discovery flow in the browser (``BASE_URL``'s host).

    ``provider_params`` go as ``provider_<name>`` (``{"prompt": "select_account"}``); scopes are
    joined by spaces, as Stytch reads them.
    """
    query = payload(
        {
            "public_token": calls.public_token(public_token),
            "discovery_redirect_url": discovery_redirect_url,
            "pkce_code_challenge": pkce_code_challenge,
            "custom_scopes": " ".join(custom_scopes) or None,
        },
        {f"provider_{name}": value for name, value in (provider_params or {}).items()},
    )
    path = OAUTH_DISCOVERY_START.format(provider=quote(provider, safe=""))
    return f"{app_settings.BASE_URL}{path}?{urlencode(query)}"


@sensitive_variables("discovery_oauth_token", "pkce_code_verifier", "body")
def authenticate_discovery_oauth(
    *,
    discovery_oauth_token: str,
    pkce_code_verifier: str | None = None,
    extra: Mapping[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
    stytch: StytchClient | None = None,
) -> OAuthDiscoveryAuthentication:
    """Trade the callback's discovery OAuth token (single use) for an IST and its organizations."""
    body = payload(
        {"discovery_oauth_token": discovery_oauth_token, "pkce_code_verifier": pkce_code_verifier}, extra
    )
    return authenticate_discovery(
        AUTHENTICATE_DISCOVERY_OAUTH, body, OAuthDiscoveryAuthentication.from_json, user=user, stytch=stytch
    )
