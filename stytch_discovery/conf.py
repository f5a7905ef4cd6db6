"""Typed settings over ``settings.STYTCH_DISCOVERY``, read at access time.

Nothing is cached, so ``override_settings`` and pytest-django's ``settings`` fixture
just work. Every key is documented in the README and validated by ``stytch_discovery.checks``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from django.conf import settings

from .defaults import (
    DEFAULT_THROTTLE_RATES,
    DEFAULTS,
    OAUTH_DISCOVERY_PROVIDERS,
    STYTCH_BASE_URLS,
    IPNetwork,
    is_rate,
    parse_networks,
)


def infer_environment(project_id: object) -> str:
    """``"live"`` for ``project-live-…`` ids, as the official SDKs decide; anything else is test.

    Takes any value because a misconfigured id must reach the system checks, not crash them.
    """
    return "live" if isinstance(project_id, str) and project_id.startswith("project-live-") else "test"


class StytchDiscoverySettings:
    """One typed property per setting; each read goes to ``django.conf.settings``."""

    def _raw(self) -> dict[str, Any]:
        value = getattr(settings, "STYTCH_DISCOVERY", None)
        return value if isinstance(value, dict) else {}

    def get(self, name: str) -> Any:
        return self._raw().get(name, DEFAULTS[name])

    def _optional_minutes(self, name: str) -> int | None:
        """A number of minutes that None leaves to Stytch."""
        value = self.get(name)
        return None if value is None else int(value)

    # -- credentials and where Stytch is --------------------------------------------------

    @property
    def PROJECT_ID(self) -> str | None:
        return self.get("PROJECT_ID") or os.environ.get("STYTCH_PROJECT_ID") or None

    @property
    def SECRET(self) -> str | None:
        return self.get("SECRET") or os.environ.get("STYTCH_SECRET") or None

    @property
    def ENVIRONMENT(self) -> str:
        """``"test"`` or ``"live"``: explicit, else inferred from the project id like the SDKs."""
        explicit = self.get("ENVIRONMENT")
        if explicit:
            return str(explicit)
        return infer_environment(self.PROJECT_ID)

    @property
    def BASE_URL(self) -> str:
        """The Stytch API root without a trailing slash; ``BASE_URL`` wins over the environment."""
        explicit = self.get("BASE_URL")
        if explicit:
            return str(explicit).rstrip("/")
        return STYTCH_BASE_URLS.get(self.ENVIRONMENT, STYTCH_BASE_URLS["test"])

    # -- transport ---------------------------------------------------------------------------

    @property
    def CONNECT_TIMEOUT(self) -> float:
        return float(self.get("CONNECT_TIMEOUT"))

    @property
    def READ_TIMEOUT(self) -> float:
        return float(self.get("READ_TIMEOUT"))

    @property
    def MAX_RETRIES(self) -> int:
        return int(self.get("MAX_RETRIES"))

    @property
    def RETRY_BACKOFF(self) -> float:
        return float(self.get("RETRY_BACKOFF"))

    @property
    def RETRY_DEADLINE(self) -> float:
        return float(self.get("RETRY_DEADLINE"))

    @property
    def MAX_RETRY_AFTER(self) -> float:
        return float(self.get("MAX_RETRY_AFTER"))

    @property
    def SESSION_FACTORY(self) -> str | None:
        """Dotted path to a callable returning the ``requests.Session`` the client pools."""
        value = self.get("SESSION_FACTORY")
        return str(value) if value else None

    # -- cache -------------------------------------------------------------------------------

    @property
    def CACHE_ENABLED(self) -> bool:
        return bool(self.get("CACHE_ENABLED"))

    @property
    def USER_RESOLVER(self) -> str:
        return str(self.get("USER_RESOLVER"))

    @property
    def PRUNE_AFTER(self) -> timedelta:
        """Default age for ``stytch_discovery_prune``: seconds, or a ``timedelta``."""
        value = self.get("PRUNE_AFTER")
        return value if isinstance(value, timedelta) else timedelta(seconds=float(value))

    # -- tokens in cookies -------------------------------------------------------------------

    @property
    def IST_COOKIE_NAME(self) -> str:
        return str(self.get("IST_COOKIE_NAME"))

    @property
    def SESSION_COOKIE_NAME(self) -> str:
        return str(self.get("SESSION_COOKIE_NAME"))

    @property
    def SESSION_JWT_COOKIE_NAME(self) -> str:
        return str(self.get("SESSION_JWT_COOKIE_NAME"))

    @property
    def PENDING_COOKIE_NAME(self) -> str:
        """Signed cookie holding the step Stytch asked for (no token in it)."""
        return str(self.get("PENDING_COOKIE_NAME"))

    @property
    def ACCEPT_SDK_IST_COOKIE(self) -> bool:
        return bool(self.get("ACCEPT_SDK_IST_COOKIE"))

    @property
    def COOKIE_DOMAIN(self) -> str | None:
        value = self.get("COOKIE_DOMAIN")
        return str(value) if value else None

    @property
    def COOKIE_PATH(self) -> str:
        return str(self.get("COOKIE_PATH"))

    @property
    def COOKIE_SAMESITE(self) -> str:
        return str(self.get("COOKIE_SAMESITE"))

    @property
    def COOKIE_SECURE(self) -> bool:
        """Explicit, else ``Secure`` everywhere except under ``DEBUG``."""
        value = self.get("COOKIE_SECURE")
        return (not settings.DEBUG) if value is None else bool(value)

    @property
    def RETURN_TOKENS_IN_BODY(self) -> bool:
        return bool(self.get("RETURN_TOKENS_IN_BODY"))

    # -- magic links and redirects -----------------------------------------------------------

    @property
    def DISCOVERY_REDIRECT_URL(self) -> str | None:
        value = self.get("DISCOVERY_REDIRECT_URL")
        return str(value) if value else None

    @property
    def PRIMARY_MAGIC_LINK_REDIRECT_URL(self) -> str | None:
        """Where an organization-scoped magic link points; None: this app's view on the asking host."""
        value = self.get("PRIMARY_MAGIC_LINK_REDIRECT_URL")
        return str(value) if value else None

    @property
    def LOGIN_REDIRECT_URL(self) -> str:
        return str(self.get("LOGIN_REDIRECT_URL"))

    @property
    def ALLOWED_REDIRECT_HOSTS(self) -> list[str]:
        return [str(host) for host in self.get("ALLOWED_REDIRECT_HOSTS")]

    # -- other discovery entry points: emailed codes, OAuth ------------------------------------

    @property
    def EMAIL_CODES_ENABLED(self) -> bool:
        return bool(self.get("EMAIL_CODES_ENABLED"))

    @property
    def EMAIL_CODE_EXPIRATION_MINUTES(self) -> int | None:
        """Minutes an emailed discovery code lives (Stytch: 2 to 15); None: Stytch's default, 10."""
        return self._optional_minutes("EMAIL_CODE_EXPIRATION_MINUTES")

    @property
    def PUBLIC_TOKEN(self) -> str | None:
        """The project's public token: OAuth starts in the browser, at Stytch's public endpoint."""
        return self.get("PUBLIC_TOKEN") or os.environ.get("STYTCH_PUBLIC_TOKEN") or None

    @property
    def OAUTH_PROVIDERS(self) -> list[str]:
        """The OAuth providers offered for discovery, in the order given (none by default).

        Names this app cannot start are left out (E061 reports them), so no route is missing.
        """
        value = self.get("OAUTH_PROVIDERS")
        names = value if isinstance(value, (list, tuple)) else ()
        return [provider for provider in dict.fromkeys(names) if provider in OAUTH_DISCOVERY_PROVIDERS]

    @property
    def OAUTH_DISCOVERY_REDIRECT_URL(self) -> str | None:
        """Where Stytch sends the browser back after OAuth; None: this app's callback on the asking host."""
        value = self.get("OAUTH_DISCOVERY_REDIRECT_URL")
        return str(value) if value else None

    def oauth_custom_scopes(self, provider: str) -> list[str]:
        """``OAUTH_CUSTOM_SCOPES[provider]``; a malformed setting (E063) counts as none."""
        value = self.get("OAUTH_CUSTOM_SCOPES")
        scopes = value.get(provider, ()) if isinstance(value, dict) else ()
        return [str(scope) for scope in scopes] if isinstance(scopes, (list, tuple)) else []

    def oauth_provider_params(self, provider: str) -> dict[str, str]:
        """``OAUTH_PROVIDER_PARAMS[provider]``; a malformed setting (E063) counts as none."""
        value = self.get("OAUTH_PROVIDER_PARAMS")
        params = value.get(provider, {}) if isinstance(value, dict) else {}
        return {str(key): str(item) for key, item in params.items()} if isinstance(params, dict) else {}

    @property
    def OAUTH_STATE_COOKIE_NAME(self) -> str:
        """Signed HttpOnly cookie binding an OAuth start to its callback (a state id, no token)."""
        return str(self.get("OAUTH_STATE_COOKIE_NAME"))

    # -- member sessions ---------------------------------------------------------------------

    @property
    def SESSION_JWT_LEEWAY(self) -> float:
        """Seconds of clock difference with Stytch tolerated on ``exp``/``iat``/``nbf``."""
        return float(self.get("SESSION_JWT_LEEWAY"))

    @property
    def SESSION_JWT_MAX_AGE(self) -> float | None:
        """A JWT issued longer ago than this (seconds) is checked with Stytch; None: no limit."""
        value = self.get("SESSION_JWT_MAX_AGE")
        return None if value is None else float(value)

    @property
    def JWKS_CACHE_SECONDS(self) -> float:
        return float(self.get("JWKS_CACHE_SECONDS"))

    @property
    def JWKS_REFETCH_COOLDOWN(self) -> float:
        return float(self.get("JWKS_REFETCH_COOLDOWN"))

    @property
    def VERIFIED_JWT_CACHE_SIZE(self) -> int:
        return int(self.get("VERIFIED_JWT_CACHE_SIZE"))

    @property
    def MEMBER_RESOLVER(self) -> str:
        return str(self.get("MEMBER_RESOLVER"))

    @property
    def CREATE_USERS(self) -> bool:
        return bool(self.get("CREATE_USERS"))

    @property
    def DJANGO_SESSION_LOGIN(self) -> bool:
        return bool(self.get("DJANGO_SESSION_LOGIN"))

    @property
    def RBAC_POLICY_CACHE_SECONDS(self) -> float:
        return float(self.get("RBAC_POLICY_CACHE_SECONDS"))

    # -- the sessions this app starts (sessions.policy) --------------------------------------

    @property
    def ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS(self) -> bool:
        """Whether a request may choose the custom claims signed into its session JWT.

        Only ``True`` turns it on: a malformed value (E010) must not open it.
        """
        return self.get("ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS") is True

    @property
    def SESSION_DURATION_MINUTES(self) -> int | None:
        """Minutes a session lasts when the request does not say; None: Stytch's default, 60."""
        return self._optional_minutes("SESSION_DURATION_MINUTES")

    @property
    def MAX_SESSION_DURATION_MINUTES(self) -> int | None:
        """The longest session a request may ask for; None: Stytch's longest, 527040 (366 days)."""
        return self._optional_minutes("MAX_SESSION_DURATION_MINUTES")

    # -- throttling --------------------------------------------------------------------------

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:
        """App defaults overlaid with the project's ``THROTTLE_RATES`` (``None`` disables one)."""
        return {**DEFAULT_THROTTLE_RATES, **self.get("THROTTLE_RATES")}

    @property
    def WRONG_CODE_BUDGET(self) -> str:
        """Wrong one-time codes one identity may enter per period (``"10/hour"``) before its codes are
        refused until the period ends. A malformed value (E027) counts as the default: never none."""
        value = self.get("WRONG_CODE_BUDGET")
        return str(value) if is_rate(value, least=1) else str(DEFAULTS["WRONG_CODE_BUDGET"])

    @property
    def TRUSTED_PROXIES(self) -> tuple[IPNetwork, ...]:
        """The proxies whose ``X-Forwarded-For`` hop is believed; none (the default): REMOTE_ADDR.

        A malformed value (system check E024) trusts no one, the safe side.
        """
        try:
            return parse_networks(self.get("TRUSTED_PROXIES"))
        except ValueError:
            return ()


app_settings = StytchDiscoverySettings()
