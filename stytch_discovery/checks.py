"""System checks for ``settings.STYTCH_DISCOVERY``; every message has an id listed in the README."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from .conf import (
    DEFAULTS,
    OAUTH_DISCOVERY_PROVIDERS,
    STYTCH_BASE_URLS,
    app_settings,
    infer_environment,
    parse_networks,
)
from .internal.net import is_loopback

Check = Callable[[], Iterable[CheckMessage]]

_NUMBER_SETTINGS = {
    # name: (id, smallest allowed value, strictly greater?)
    "CONNECT_TIMEOUT": ("stytch_discovery.E006", 0.0, True),
    "READ_TIMEOUT": ("stytch_discovery.E006", 0.0, True),
    "RETRY_BACKOFF": ("stytch_discovery.E008", 0.0, False),
    "RETRY_DEADLINE": ("stytch_discovery.E008", 0.0, True),
    "MAX_RETRY_AFTER": ("stytch_discovery.E008", 0.0, False),
    "SESSION_JWT_LEEWAY": ("stytch_discovery.E018", 0.0, False),
    "JWKS_CACHE_SECONDS": ("stytch_discovery.E019", 0.0, True),
    "JWKS_REFETCH_COOLDOWN": ("stytch_discovery.E019", 0.0, False),
    "RBAC_POLICY_CACHE_SECONDS": ("stytch_discovery.E021", 0.0, False),
}
#: Stytch's RBAC guide: refresh the policy every five minutes (JWTs, with their roles, live as long).
MAX_RBAC_POLICY_SECONDS = 300
_COOKIE_NAME_SETTINGS = (
    "IST_COOKIE_NAME",
    "SESSION_COOKIE_NAME",
    "SESSION_JWT_COOKIE_NAME",
    "PENDING_COOKIE_NAME",
    "OAUTH_STATE_COOKIE_NAME",
)
_BOOL_SETTINGS = (
    "CACHE_ENABLED",
    "ACCEPT_SDK_IST_COOKIE",
    "RETURN_TOKENS_IN_BODY",
    "CREATE_USERS",
    "DJANGO_SESSION_LOGIN",
    "EMAIL_CODES_ENABLED",
)


def _check_shape() -> Iterable[CheckMessage]:
    value = getattr(settings, "STYTCH_DISCOVERY", {})
    if not isinstance(value, dict):
        yield Error(
            "STYTCH_DISCOVERY must be a dict.",
            hint="Set STYTCH_DISCOVERY = {'PROJECT_ID': ..., 'SECRET': ...}.",
            id="stytch_discovery.E009",
        )
        return
    for key in sorted(set(value) - set(DEFAULTS)):
        yield Warning(
            f"STYTCH_DISCOVERY has an unknown key {key!r}; it is ignored.",
            hint="Check the spelling against the settings table in the README.",
            id="stytch_discovery.W003",
        )


def _check_credentials() -> Iterable[CheckMessage]:
    project_id = app_settings.PROJECT_ID
    if not project_id or not isinstance(project_id, str):
        yield Error(
            "No Stytch project id is configured.",
            hint="Set STYTCH_DISCOVERY['PROJECT_ID'] or the STYTCH_PROJECT_ID environment variable.",
            id="stytch_discovery.E001",
        )
    secret = app_settings.SECRET
    if not secret or not isinstance(secret, str):
        yield Error(
            "No Stytch secret is configured.",
            hint="Set STYTCH_DISCOVERY['SECRET'] or the STYTCH_SECRET environment variable.",
            id="stytch_discovery.E002",
        )


def _check_environment() -> Iterable[CheckMessage]:
    explicit = app_settings.get("ENVIRONMENT")
    if explicit is not None and explicit not in STYTCH_BASE_URLS:
        yield Error(
            f"STYTCH_DISCOVERY['ENVIRONMENT'] must be 'test', 'live' or None, not {explicit!r}.",
            hint="Leave it unset to infer it from the project id, or set BASE_URL for a custom host.",
            id="stytch_discovery.E003",
        )
        return
    project_id = app_settings.PROJECT_ID
    inferred = infer_environment(project_id)
    if explicit and project_id and explicit != inferred:
        yield Warning(
            f"ENVIRONMENT is {explicit!r} but the project id looks like a {inferred!r} project.",
            hint="Stytch rejects test ids on the live host and live ids on the test host.",
            id="stytch_discovery.W002",
        )
    if app_settings.ENVIRONMENT == "test" and not app_settings.get("BASE_URL") and not settings.DEBUG:
        yield Warning(
            "The Stytch test environment is in use while DEBUG is False.",
            hint="Use a project-live- id in production, or silence stytch_discovery.W001 on staging.",
            id="stytch_discovery.W001",
        )


def _check_base_url() -> Iterable[CheckMessage]:
    base_url = app_settings.get("BASE_URL")
    if base_url is None:
        return
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        yield Error(
            f"STYTCH_DISCOVERY['BASE_URL'] is not an http(s) URL: {base_url!r}.",
            hint="Use e.g. 'https://test.stytch.com' or the fake's 'http://127.0.0.1:8765'.",
            id="stytch_discovery.E004",
        )
    elif parts.scheme == "http" and not is_loopback(parts.hostname):
        yield Error(
            "STYTCH_DISCOVERY['BASE_URL'] uses plain http to a host that is not loopback.",
            hint="The project secret travels in every request: use https.",
            id="stytch_discovery.E005",
        )


def _check_numbers() -> Iterable[CheckMessage]:
    for name, (check_id, floor, strict) in _NUMBER_SETTINGS.items():
        value = app_settings.get(name)
        if not _is_number(value) or (value <= floor if strict else value < floor):
            bound = "a positive" if strict else "a non-negative"
            yield Error(
                f"STYTCH_DISCOVERY[{name!r}] must be {bound} number of seconds, not {value!r}.",
                id=check_id,
            )
    max_age = app_settings.get("SESSION_JWT_MAX_AGE")
    if max_age is not None and not (_is_number(max_age) and max_age > 0):
        yield Error(
            f"STYTCH_DISCOVERY['SESSION_JWT_MAX_AGE'] must be None or a positive number of seconds, "
            f"not {max_age!r}.",
            id="stytch_discovery.E018",
        )
    size = app_settings.get("VERIFIED_JWT_CACHE_SIZE")
    if not _is_count(size):
        yield Error(
            f"STYTCH_DISCOVERY['VERIFIED_JWT_CACHE_SIZE'] must be a non-negative integer, not {size!r}.",
            hint="0 turns the table of verified JWTs off.",
            id="stytch_discovery.E020",
        )
    policy_seconds = app_settings.get("RBAC_POLICY_CACHE_SECONDS")
    if _is_number(policy_seconds) and policy_seconds > MAX_RBAC_POLICY_SECONDS:
        yield Error(
            f"STYTCH_DISCOVERY['RBAC_POLICY_CACHE_SECONDS'] may be at most {MAX_RBAC_POLICY_SECONDS}.",
            hint="Role changes must reach the checks within five minutes, as Stytch's JWTs do.",
            id="stytch_discovery.E021",
        )
    retries = app_settings.get("MAX_RETRIES")
    if not _is_count(retries):
        yield Error(
            f"STYTCH_DISCOVERY['MAX_RETRIES'] must be a non-negative integer, not {retries!r}.",
            id="stytch_discovery.E007",
        )


def _is_count(value: object) -> bool:
    """A non-negative int (``True`` is an int to Python, not a count to a reader)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_types() -> Iterable[CheckMessage]:
    for name in _BOOL_SETTINGS:
        if not isinstance(app_settings.get(name), bool):
            yield Error(f"STYTCH_DISCOVERY[{name!r}] must be True or False.", id="stytch_discovery.E010")
    if not _importable_callable(app_settings.get("USER_RESOLVER")):
        yield Error(
            f"STYTCH_DISCOVERY['USER_RESOLVER'] is not an importable callable: "
            f"{app_settings.get('USER_RESOLVER')!r}.",
            hint="Give a dotted path such as 'myproject.stytch.resolve_user'.",
            id="stytch_discovery.E011",
        )
    if not _importable_callable(app_settings.get("MEMBER_RESOLVER")):
        yield Error(
            f"STYTCH_DISCOVERY['MEMBER_RESOLVER'] is not an importable callable: "
            f"{app_settings.get('MEMBER_RESOLVER')!r}.",
            hint="Give a dotted path such as 'myproject.stytch.user_for_member'.",
            id="stytch_discovery.E022",
        )
    factory = app_settings.get("SESSION_FACTORY")
    if factory is not None and not _importable_callable(factory):
        yield Error(
            f"STYTCH_DISCOVERY['SESSION_FACTORY'] is not an importable callable: {factory!r}.",
            hint="Give a dotted path to a function returning a requests.Session, or None.",
            id="stytch_discovery.E017",
        )


def _importable_callable(path: object) -> bool:
    try:
        return callable(import_string(path))  # type: ignore[arg-type]  # a bad type is what we report
    except (ImportError, TypeError, ValueError, AttributeError):
        return False


def _check_cookies() -> Iterable[CheckMessage]:
    names = [app_settings.get(name) for name in _COOKIE_NAME_SETTINGS]
    if not all(isinstance(name, str) and name and name.isprintable() for name in names):
        yield Error("Cookie names must be non-empty strings.", id="stytch_discovery.E012")
    elif len(set(names)) != len(names):
        yield Error(
            "IST_COOKIE_NAME, SESSION_COOKIE_NAME, SESSION_JWT_COOKIE_NAME, PENDING_COOKIE_NAME and "
            "OAUTH_STATE_COOKIE_NAME must differ.",
            id="stytch_discovery.E012",
        )
    samesite = app_settings.get("COOKIE_SAMESITE")
    if samesite not in ("Lax", "Strict", "None"):
        yield Error(
            f"STYTCH_DISCOVERY['COOKIE_SAMESITE'] must be 'Lax', 'Strict' or 'None', not {samesite!r}.",
            id="stytch_discovery.E013",
        )
    elif samesite == "None" and not app_settings.COOKIE_SECURE:
        yield Warning(
            "COOKIE_SAMESITE is 'None' but cookies are not Secure; browsers will drop them.",
            id="stytch_discovery.W004",
        )
    if app_settings.get("COOKIE_SECURE") is False and not settings.DEBUG:
        yield Warning(
            "COOKIE_SECURE is False while DEBUG is False: tokens may travel over plain http.",
            id="stytch_discovery.W005",
        )
    if app_settings.RETURN_TOKENS_IN_BODY is True and not settings.DEBUG:
        yield Warning(
            "RETURN_TOKENS_IN_BODY puts session tokens where JavaScript can read them.",
            hint="Prefer the HttpOnly cookies unless a non-browser client needs the tokens.",
            id="stytch_discovery.W006",
        )


def _check_redirects() -> Iterable[CheckMessage]:
    hosts = app_settings.get("ALLOWED_REDIRECT_HOSTS")
    if not isinstance(hosts, (list, tuple)) or not all(isinstance(h, str) for h in hosts):
        yield Error(
            "STYTCH_DISCOVERY['ALLOWED_REDIRECT_HOSTS'] must be a list of host names.",
            id="stytch_discovery.E014",
        )
    for name in ("LOGIN_REDIRECT_URL", "DISCOVERY_REDIRECT_URL"):
        value = app_settings.get(name)
        if value is not None and not isinstance(value, str):
            yield Error(f"STYTCH_DISCOVERY[{name!r}] must be a string URL.", id="stytch_discovery.E015")


def _check_prune_after() -> Iterable[CheckMessage]:
    value = app_settings.get("PRUNE_AFTER")
    if isinstance(value, timedelta):
        valid = value > timedelta(0)
    else:
        valid = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    if not valid:
        yield Error(
            f"STYTCH_DISCOVERY['PRUNE_AFTER'] must be a positive number of seconds or a timedelta, "
            f"not {value!r}.",
            id="stytch_discovery.E040",
        )


def _check_throttles() -> Iterable[CheckMessage]:
    rates: Any = app_settings.get("THROTTLE_RATES")
    if not isinstance(rates, dict):
        yield Error("STYTCH_DISCOVERY['THROTTLE_RATES'] must be a dict.", id="stytch_discovery.E016")
        return
    for scope, rate in rates.items():
        valid = rate is None or (
            isinstance(rate, str)
            and rate.count("/") == 1
            and rate.split("/")[0].isdigit()
            and rate.split("/")[1][:1] in ("s", "m", "h", "d")
        )
        if not valid:
            yield Error(
                f"Throttle rate {rate!r} for {scope!r} is not like '10/min' or None.",
                id="stytch_discovery.E016",
            )


def _behind_a_proxy() -> list[str]:
    """The Django and DRF settings that say requests come through a proxy."""
    signs = [
        name
        for name in ("SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT")
        if getattr(settings, name, None)
    ]
    rest_framework = getattr(settings, "REST_FRAMEWORK", None)
    if isinstance(rest_framework, dict) and rest_framework.get("NUM_PROXIES") is not None:
        signs.append("REST_FRAMEWORK['NUM_PROXIES']")
    return signs


def _check_proxies() -> Iterable[CheckMessage]:
    value = app_settings.get("TRUSTED_PROXIES")
    try:
        parse_networks(value)
    except ValueError as error:
        yield Error(
            f"STYTCH_DISCOVERY['TRUSTED_PROXIES'] is malformed: {error}",
            hint="A list such as ['10.0.0.0/8', '192.0.2.7']: the proxies in front of Django.",
            id="stytch_discovery.E024",
        )
        return
    signs = _behind_a_proxy()
    if signs and not value:
        yield Warning(
            f"{', '.join(signs)} say this site is behind a proxy, but TRUSTED_PROXIES is empty: "
            "throttles count every request by the proxy's address, so all clients share one limit.",
            hint="List the proxies' addresses or networks in STYTCH_DISCOVERY['TRUSTED_PROXIES'] "
            "(X-Forwarded-For is believed only for those hops); NUM_PROXIES is not read.",
            id="stytch_discovery.W010",
        )


_MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"
_DJANGO_AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
_DJANGO_SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"


def _check_sessions() -> Iterable[CheckMessage]:
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


#: The throttle scopes that keep one-time codes from being guessed or sent in bulk.
CODE_SCOPES = ("stytch_discovery.code_send", "stytch_discovery.code_attempt")


def _check_mfa() -> Iterable[CheckMessage]:
    url = app_settings.get("PRIMARY_MAGIC_LINK_REDIRECT_URL")
    if url is not None and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")):
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


def _check_email_codes() -> Iterable[CheckMessage]:
    minutes = app_settings.get("EMAIL_CODE_EXPIRATION_MINUTES")
    low, high = EMAIL_CODE_MINUTES
    if minutes is not None and not (_is_count(minutes) and low <= minutes <= high):
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


def _check_public_token() -> Iterable[CheckMessage]:
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


def _check_oauth_providers() -> Iterable[CheckMessage]:
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
    if url is not None and (not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")):
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
    yield from _check_per_provider(providers)


def _is_scope_list(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(
        isinstance(scope, str) and scope and " " not in scope for scope in value
    )


def _is_param_dict(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and key.isidentifier() and isinstance(item, str) for key, item in value.items()
    )


def _check_per_provider(providers: Iterable[str]) -> Iterable[CheckMessage]:
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


def _check_primary_redirects() -> Iterable[CheckMessage]:
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
    backend = str((getattr(settings, "CACHES", None) or {}).get("default", {}).get("BACKEND", ""))
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


CHECKS: tuple[Check, ...] = (
    _check_credentials,
    _check_environment,
    _check_base_url,
    _check_numbers,
    _check_types,
    _check_cookies,
    _check_redirects,
    _check_throttles,
    _check_proxies,
    _check_prune_after,
    _check_sessions,
    _check_mfa,
    _check_email_codes,
    _check_public_token,
    _check_oauth_providers,
    _check_primary_redirects,
)


def check_settings(**kwargs: Any) -> list[CheckMessage]:
    """Validate ``STYTCH_DISCOVERY``; registered in ``AppConfig.ready``."""
    messages = list(_check_shape())
    if any(message.id == "stytch_discovery.E009" for message in messages):
        return messages
    for check in CHECKS:
        messages.extend(check())
    return messages
