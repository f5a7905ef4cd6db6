"""Every setting of ``STYTCH_DISCOVERY`` with its default, and the fixed values settings are
checked against (Stytch's hosts, the OAuth providers, the throttle scopes' rates).

Data only: ``conf`` reads the settings through these, ``checks`` validates them, the README and
docs/settings.md document them (tests compare the tables with these dicts).
"""

from __future__ import annotations

import ipaddress
from typing import Any

STYTCH_BASE_URLS = {
    "test": "https://test.stytch.com",
    "live": "https://api.stytch.com",
}

DEFAULT_THROTTLE_RATES: dict[str, str | None] = {
    "stytch_discovery.send": "5/min",
    "stytch_discovery.authenticate": "20/min",
    # Starting OAuth costs Stytch nothing, but keeps a flow in the cache for 10 minutes.
    "stytch_discovery.redirect_start": "30/min",  # OAuth discovery, SSO and OAuth starts
    "stytch_discovery.list": "60/min",
    "stytch_discovery.create": "10/hour",
    "stytch_discovery.exchange": "30/min",
    "stytch_discovery.cached": "120/min",
    "stytch_discovery.session": "120/min",
    "stytch_discovery.session_exchange": "30/min",
    "stytch_discovery.schema": "30/min",
    # Keyed per member (the pending step's): SMS costs money, and codes must not be guessable.
    "stytch_discovery.code_send": "10/hour",
    "stytch_discovery.code_attempt": "10/min",
    # Keyed per email address (besides the client's own scope): inboxes must not be flooded, and
    # one address's emailed code must not be guessed from many clients.
    "stytch_discovery.email_send": "10/hour",
    "stytch_discovery.email_attempt": "10/min",
}

#: The periods a rate may name (DRF's, by their first letter: ``"10/min"``, ``"10/hour"``).
RATE_PERIODS = ("s", "m", "h", "d")


def is_rate(value: Any, *, least: int = 0) -> bool:
    """A rate DRF's throttles parse, ``"<count>/<period>"`` (a second, minute, hour or day), whose
    count is at least ``least``."""
    if not isinstance(value, str) or value.count("/") != 1:
        return False
    count, period = value.split("/")
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    return count.isascii() and count.isdigit() and int(count) >= least and period[:1] in RATE_PERIODS


#: The OAuth providers whose discovery flow this app can start (Stytch's email-verifying ones).
OAUTH_DISCOVERY_PROVIDERS = ("google", "microsoft")
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: Any) -> tuple[IPNetwork, ...]:
    """``TRUSTED_PROXIES`` as networks; ValueError for anything but a list of addresses or CIDRs."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValueError("TRUSTED_PROXIES must be a list of IP addresses or CIDR networks.")
    networks = []
    for entry in value:
        if not isinstance(entry, str):
            raise ValueError(f"TRUSTED_PROXIES entry {entry!r} is not a string.")
        # strict: "10.0.0.1/8" is refused, a typo for a network or an address would otherwise widen.
        networks.append(ipaddress.ip_network(entry.strip(), strict=True))
    return tuple(networks)


#: Every key this app reads, with its default. ``checks.core`` warns about any other key.
DEFAULTS: dict[str, Any] = {
    "PROJECT_ID": None,
    "SECRET": None,
    "ENVIRONMENT": None,
    "BASE_URL": None,
    "CONNECT_TIMEOUT": 3.05,
    "READ_TIMEOUT": 10.0,
    "MAX_RETRIES": 2,
    "RETRY_BACKOFF": 0.2,
    "RETRY_DEADLINE": 15.0,
    "MAX_RETRY_AFTER": 5.0,
    "SESSION_FACTORY": None,
    "CACHE_ENABLED": True,
    "USER_RESOLVER": "stytch_discovery.users.default_user_resolver",
    "PRUNE_AFTER": 30 * 24 * 60 * 60,
    "IST_COOKIE_NAME": "stytch_discovery_ist",
    "SESSION_COOKIE_NAME": "stytch_session",
    "SESSION_JWT_COOKIE_NAME": "stytch_session_jwt",
    "PENDING_COOKIE_NAME": "stytch_discovery_pending",
    "ACCEPT_SDK_IST_COOKIE": True,
    "COOKIE_DOMAIN": None,
    "COOKIE_PATH": "/",
    "COOKIE_SAMESITE": "Lax",
    "COOKIE_SECURE": None,
    "RETURN_TOKENS_IN_BODY": False,
    "DISCOVERY_REDIRECT_URL": None,
    "LOGIN_REDIRECT_URL": "/",
    "ALLOWED_REDIRECT_HOSTS": [],
    "THROTTLE_RATES": {},
    # Wrong one-time codes per identity (an address, a member) before codes are refused: at most
    # 250 guesses at a 6-digit code in any 24 hours, a 1 in 4,000 chance (README, "Security").
    "WRONG_CODE_BUDGET": "10/hour",
    "TRUSTED_PROXIES": [],
    "SESSION_JWT_LEEWAY": 5.0,
    "SESSION_JWT_MAX_AGE": None,
    "JWKS_CACHE_SECONDS": 3600.0,
    "JWKS_REFETCH_COOLDOWN": 30.0,
    "VERIFIED_JWT_CACHE_SIZE": 10000,
    "MEMBER_RESOLVER": "stytch_discovery.users.default_member_resolver",
    "CREATE_USERS": True,
    "DJANGO_SESSION_LOGIN": False,
    "RBAC_POLICY_CACHE_SECONDS": 300.0,
    "ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS": False,
    "SESSION_DURATION_MINUTES": None,
    "MAX_SESSION_DURATION_MINUTES": None,
    "PRIMARY_MAGIC_LINK_REDIRECT_URL": None,
    "EMAIL_CODES_ENABLED": True,
    "EMAIL_CODE_EXPIRATION_MINUTES": None,
    "PUBLIC_TOKEN": None,
    "OAUTH_PROVIDERS": [],
    "OAUTH_DISCOVERY_REDIRECT_URL": None,
    "OAUTH_CUSTOM_SCOPES": {},
    "OAUTH_PROVIDER_PARAMS": {},
    "OAUTH_STATE_COOKIE_NAME": "stytch_discovery_oauth",
}
