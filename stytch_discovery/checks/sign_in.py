"""System checks of the sign-in features: member sessions' middleware and duration, MFA and
emailed codes' throttles, the public token and OAuth providers, and what SSO and OAuth starts need."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from stytch_discovery.conf import app_settings
from stytch_discovery.defaults import OAUTH_DISCOVERY_PROVIDERS
from stytch_discovery.internal.net import http_url
from stytch_discovery.internal.rules import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from stytch_discovery.sessions import policy

from .caches import default_cache
from .core import is_count

_MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"
_DJANGO_AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
_DJANGO_SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"


def check_sessions() -> Iterable[CheckMessage]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    both = _MIDDLEWARE in middleware and _DJANGO_AUTH_MIDDLEWARE in middleware
    if both and middleware.index(_MIDDLEWARE) < middleware.index(_DJANGO_AUTH_MIDDLEWARE):
        yield Warning(
            "StytchSessionMiddleware comes before AuthenticationMiddleware, which then replaces "
            "the member's request.user with the Django session's.",
            hint=f"Move {_MIDDLEWARE!r} after {_DJANGO_AUTH_MIDDLEWARE!r}.",
            id="stytch_discovery.W008",
        )
    if app_settings.get("DJANGO_SESSION_LOGIN") is True and _DJANGO_SESSION_MIDDLEWARE not in middleware:
        yield Error(
            "DJANGO_SESSION_LOGIN needs Django's sessions: SessionMiddleware is not in MIDDLEWARE.",
            hint="Add django.contrib.sessions and its middleware, or turn DJANGO_SESSION_LOGIN off.",
            id="stytch_discovery.E023",
        )


#: The settings of how long the sessions this app starts last (``sessions.policy``).
_DURATION_SETTINGS = ("SESSION_DURATION_MINUTES", "MAX_SESSION_DURATION_MINUTES")


def _is_session_length(minutes: object) -> bool:
    """Whole minutes within Stytch's bounds (``True`` is an int to Python, not a duration)."""
    return is_count(minutes) and MIN_SESSION_MINUTES <= cast(int, minutes) <= MAX_SESSION_MINUTES


def check_session_policy() -> Iterable[CheckMessage]:
    given = {name: app_settings.get(name) for name in _DURATION_SETTINGS}
    malformed = [
        name for name, minutes in given.items() if minutes is not None and not _is_session_length(minutes)
    ]
    for name in malformed:
        yield Error(
            f"STYTCH_DISCOVERY[{name!r}] must be None or a whole number of minutes from "
            f"{MIN_SESSION_MINUTES} to {MAX_SESSION_MINUTES} (Stytch's bounds), not {given[name]!r}.",
            id="stytch_discovery.E025",
        )
    default, maximum = given["SESSION_DURATION_MINUTES"], given["MAX_SESSION_DURATION_MINUTES"]
    if malformed or maximum is None:
        return
    if (default or policy.STYTCH_DEFAULT_MINUTES) > maximum:
        said = str(default) if default else f"None (Stytch's {policy.STYTCH_DEFAULT_MINUTES} minutes)"
        yield Error(
            f"STYTCH_DISCOVERY['SESSION_DURATION_MINUTES'] is {said}: sessions nobody sized would "
            f"outlast the MAX_SESSION_DURATION_MINUTES ({maximum}) a request may ask for.",
            hint=f"Set SESSION_DURATION_MINUTES to at most {maximum}, or raise the maximum.",
            id="stytch_discovery.E026",
        )


#: The throttle scopes that keep one-time codes from being guessed or sent in bulk.
CODE_SCOPES = ("stytch_discovery.code_send", "stytch_discovery.code_attempt")


def check_mfa() -> Iterable[CheckMessage]:
    url = app_settings.get("PRIMARY_MAGIC_LINK_REDIRECT_URL")
    if url is not None and http_url(url) is None:
        yield Error(
            "STYTCH_DISCOVERY['PRIMARY_MAGIC_LINK_REDIRECT_URL'] must be an http(s) URL or None.",
            hint="None points organization magic links at this app's primary/magic-links/authenticate.",
            id="stytch_discovery.E050",
        )
    rates = app_settings.get("THROTTLE_RATES")
    disabled = [
        scope for scope in CODE_SCOPES if isinstance(rates, dict) and scope in rates and rates[scope] is None
    ]
    if disabled and not settings.DEBUG:
        yield Warning(
            f"THROTTLE_RATES disables {', '.join(disabled)} while DEBUG is False: one-time codes "
            "could be guessed, or texted in bulk at your cost.",
            hint="Give these scopes a rate (the defaults are 10/hour to send, 10/min to try).",
            id="stytch_discovery.W020",
        )


#: Per email address: without them one address's inbox can be flooded, or its code guessed.
EMAIL_SCOPES = ("stytch_discovery.email_send", "stytch_discovery.email_attempt")
#: Stytch's bounds for ``discovery_expiration_minutes`` of an emailed discovery code.
EMAIL_CODE_MINUTES = (2, 15)


def check_email_codes() -> Iterable[CheckMessage]:
    minutes = app_settings.get("EMAIL_CODE_EXPIRATION_MINUTES")
    low, high = EMAIL_CODE_MINUTES
    if minutes is not None and not (is_count(minutes) and low <= minutes <= high):
        yield Error(
            f"STYTCH_DISCOVERY['EMAIL_CODE_EXPIRATION_MINUTES'] must be None or {low} to {high} "
            f"(Stytch's bounds), not {minutes!r}.",
            id="stytch_discovery.E064",
        )
    rates = app_settings.get("THROTTLE_RATES")
    disabled = [
        scope for scope in EMAIL_SCOPES if isinstance(rates, dict) and scope in rates and rates[scope] is None
    ]
    if disabled and not settings.DEBUG:
        yield Warning(
            f"THROTTLE_RATES disables {', '.join(disabled)} while DEBUG is False: one address can "
            "be sent codes and links in bulk, or its code guessed from many clients.",
            hint="Give these scopes a rate (the defaults are 10/hour to send, 10/min to try).",
            id="stytch_discovery.W032",
        )


def check_public_token() -> Iterable[CheckMessage]:
    token = app_settings.get("PUBLIC_TOKEN")
    if token is not None and not (isinstance(token, str) and token.startswith("public-token-")):
        yield Error(
            "STYTCH_DISCOVERY['PUBLIC_TOKEN'] must be a Stytch public token ('public-token-…') or None.",
            id="stytch_discovery.E060",
        )
        return
    providers = app_settings.get("OAUTH_PROVIDERS")
    public = app_settings.PUBLIC_TOKEN
    if providers and isinstance(providers, (list, tuple)) and not public:
        yield Error(
            "OAUTH_PROVIDERS is set but there is no public token: OAuth cannot start.",
            hint="Set STYTCH_DISCOVERY['PUBLIC_TOKEN'] or the STYTCH_PUBLIC_TOKEN environment variable.",
            id="stytch_discovery.E060",
        )
    if public and app_settings.get("ENVIRONMENT") in (None, "test", "live"):
        kind = "live" if public.startswith("public-token-live-") else "test"
        if kind != app_settings.ENVIRONMENT:
            yield Warning(
                f"The public token is a {kind} token but the environment is {app_settings.ENVIRONMENT}.",
                hint="Use the public token of the same project and environment as PROJECT_ID.",
                id="stytch_discovery.W030",
            )


def check_oauth_providers() -> Iterable[CheckMessage]:
    providers = app_settings.get("OAUTH_PROVIDERS")
    if (
        not isinstance(providers, (list, tuple))
        or not all(provider in OAUTH_DISCOVERY_PROVIDERS for provider in providers)
        or len(set(providers)) != len(providers)
    ):
        yield Error(
            f"STYTCH_DISCOVERY['OAUTH_PROVIDERS'] must be a list of distinct providers among "
            f"{', '.join(OAUTH_DISCOVERY_PROVIDERS)}, not {providers!r}.",
            id="stytch_discovery.E061",
        )
        providers = ()
    url = app_settings.get("OAUTH_DISCOVERY_REDIRECT_URL")
    if url is not None and http_url(url) is None:
        yield Error(
            "STYTCH_DISCOVERY['OAUTH_DISCOVERY_REDIRECT_URL'] must be an http(s) URL or None.",
            hint="None points Stytch at this app's discovery/oauth/authenticate on the host that asked.",
            id="stytch_discovery.E062",
        )
    elif url is None and providers and not settings.DEBUG:
        yield Warning(
            "OAUTH_PROVIDERS is set without OAUTH_DISCOVERY_REDIRECT_URL: the callback is derived "
            "from each request's host, which must match a Discovery redirect URL of your Stytch "
            "project exactly.",
            hint="Set OAUTH_DISCOVERY_REDIRECT_URL to the callback URL registered with Stytch.",
            id="stytch_discovery.W033",
        )
    yield from check_per_provider(providers)


def _is_scope_list(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(
        isinstance(scope, str) and scope and " " not in scope for scope in value
    )


def _is_param_dict(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and key.isidentifier() and isinstance(item, str) for key, item in value.items()
    )


def check_per_provider(providers: Iterable[str]) -> Iterable[CheckMessage]:
    shapes = {
        "OAUTH_CUSTOM_SCOPES": (_is_scope_list, "a list of scopes (no spaces)"),
        "OAUTH_PROVIDER_PARAMS": (_is_param_dict, "a dict of parameter names to strings"),
    }
    for name, (is_valid, shape) in shapes.items():
        value = app_settings.get(name)
        if not isinstance(value, dict) or not all(is_valid(item) for item in value.values()):
            yield Error(
                f"STYTCH_DISCOVERY[{name!r}] must map each provider to {shape}.",
                id="stytch_discovery.E063",
            )
            continue
        unused = sorted(set(value) - set(providers))
        if unused:
            yield Warning(
                f"STYTCH_DISCOVERY[{name!r}] names providers that are not in OAUTH_PROVIDERS: "
                f"{', '.join(map(str, unused))}; they are ignored.",
                id="stytch_discovery.W031",
            )


def check_primary_redirects() -> Iterable[CheckMessage]:
    """SSO and OAuth primary steps: the cookies must survive the way back, the start must be found."""
    if not app_settings.PUBLIC_TOKEN:
        return
    if app_settings.get("COOKIE_SAMESITE") == "Strict":
        yield Warning(
            'COOKIE_SAMESITE = "Strict" with a public token: the browser comes back from SSO and '
            "OAuth through another site, so it would not send the sign-in's cookies, and every "
            "SSO or OAuth primary step would fail.",
            hint='Use "Lax" (the default), or "None" with Secure cookies.',
            id="stytch_discovery.W035",
        )
    backend = str(default_cache().get("BACKEND", ""))
    if backend.endswith(".DummyCache"):
        yield Error(
            "The default cache is DummyCache: SSO and OAuth starts, kept there until their callback, "
            "would never be found, so every SSO or OAuth primary step would be refused.",
            hint="Use a real cache shared by every process (Redis, Memcached, the database).",
            id="stytch_discovery.E065",
        )
    elif backend.endswith(".LocMemCache") and not settings.DEBUG:
        yield Warning(
            "The default cache is the local-memory cache: with several processes, Stytch's redirect "
            "back from SSO or OAuth may reach one that never saw its start (and throttles count "
            "per process).",
            hint="Use a cache every process shares (Redis, Memcached), as docs/deploying.md shows.",
            id="stytch_discovery.W036",
        )
