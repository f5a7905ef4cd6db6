"""System checks of the settings every feature shares: credentials, Stytch's host, numbers, types,
cookies, redirects, throttles, proxies and the cache's pruning."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from stytch_discovery.conf import app_settings, infer_environment
from stytch_discovery.defaults import (
    DEFAULT_THROTTLE_RATES,
    DEFAULTS,
    STYTCH_BASE_URLS,
    is_rate,
    parse_networks,
)
from stytch_discovery.internal.net import http_url, is_loopback, split_url

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
    "ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS",
)


def check_shape() -> Iterable[CheckMessage]:
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


def check_credentials() -> Iterable[CheckMessage]:
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


def check_environment() -> Iterable[CheckMessage]:
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


def check_base_url() -> Iterable[CheckMessage]:
    base_url = app_settings.get("BASE_URL")
    if base_url is None:
        return
    parts = http_url(base_url)
    if parts is None or not parts.hostname:
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


def check_numbers() -> Iterable[CheckMessage]:
    for name, (check_id, floor, strict) in _NUMBER_SETTINGS.items():
        value = app_settings.get(name)
        if not is_number(value) or (value <= floor if strict else value < floor):
            bound = "a positive" if strict else "a non-negative"
            yield Error(
                f"STYTCH_DISCOVERY[{name!r}] must be {bound} number of seconds, not {value!r}.",
                id=check_id,
            )
    max_age = app_settings.get("SESSION_JWT_MAX_AGE")
    if max_age is not None and not (is_number(max_age) and max_age > 0):
        yield Error(
            f"STYTCH_DISCOVERY['SESSION_JWT_MAX_AGE'] must be None or a positive number of seconds, "
            f"not {max_age!r}.",
            id="stytch_discovery.E018",
        )
    size = app_settings.get("VERIFIED_JWT_CACHE_SIZE")
    if not is_count(size):
        yield Error(
            f"STYTCH_DISCOVERY['VERIFIED_JWT_CACHE_SIZE'] must be a non-negative integer, not {size!r}.",
            hint="0 turns the table of verified JWTs off.",
            id="stytch_discovery.E020",
        )
    policy_seconds = app_settings.get("RBAC_POLICY_CACHE_SECONDS")
    if is_number(policy_seconds) and policy_seconds > MAX_RBAC_POLICY_SECONDS:
        yield Error(
            f"STYTCH_DISCOVERY['RBAC_POLICY_CACHE_SECONDS'] may be at most {MAX_RBAC_POLICY_SECONDS}.",
            hint="Role changes must reach the checks within five minutes, as Stytch's JWTs do.",
            id="stytch_discovery.E021",
        )
    retries = app_settings.get("MAX_RETRIES")
    if not is_count(retries):
        yield Error(
            f"STYTCH_DISCOVERY['MAX_RETRIES'] must be a non-negative integer, not {retries!r}.",
            id="stytch_discovery.E007",
        )


def is_count(value: object) -> bool:
    """A non-negative int (``True`` is an int to Python, not a count to a reader)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_types() -> Iterable[CheckMessage]:
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


def check_cookies() -> Iterable[CheckMessage]:
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


def check_redirects() -> Iterable[CheckMessage]:
    hosts = app_settings.get("ALLOWED_REDIRECT_HOSTS")
    if not isinstance(hosts, (list, tuple)) or not all(isinstance(h, str) for h in hosts):
        yield Error(
            "STYTCH_DISCOVERY['ALLOWED_REDIRECT_HOSTS'] must be a list of host names.",
            id="stytch_discovery.E014",
        )
    for name in ("LOGIN_REDIRECT_URL", "DISCOVERY_REDIRECT_URL"):
        value = app_settings.get(name)
        if value is not None and split_url(value) is None:
            yield Error(
                f"STYTCH_DISCOVERY[{name!r}] must be a string URL Python can parse, not {value!r}.",
                id="stytch_discovery.E015",
            )


def check_prune_after() -> Iterable[CheckMessage]:
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


def check_throttles() -> Iterable[CheckMessage]:
    rates: Any = app_settings.get("THROTTLE_RATES")
    if not isinstance(rates, dict):
        yield Error("STYTCH_DISCOVERY['THROTTLE_RATES'] must be a dict.", id="stytch_discovery.E016")
        return
    for scope, rate in rates.items():
        if not (rate is None or is_rate(rate)):
            yield Error(
                f"Throttle rate {rate!r} for {scope!r} is not like '10/min' or None.",
                id="stytch_discovery.E016",
            )
        if scope not in DEFAULT_THROTTLE_RATES:
            # No view counts under a scope of its own making: a typo would leave the default rate on.
            yield Warning(
                f"STYTCH_DISCOVERY['THROTTLE_RATES'] names an unknown scope {scope!r}; it is ignored.",
                hint="Check the spelling against the throttle scopes in docs/settings.md.",
                id="stytch_discovery.W007",
            )


def check_code_budget() -> Iterable[CheckMessage]:
    budget = app_settings.get("WRONG_CODE_BUDGET")
    if not is_rate(budget, least=1):
        yield Error(
            f"STYTCH_DISCOVERY['WRONG_CODE_BUDGET'] must be a rate like '10/hour' (a count of at "
            f"least 1 per s, min, hour or day), not {budget!r}; "
            f"{DEFAULTS['WRONG_CODE_BUDGET']!r} counts meanwhile.",
            hint="The wrong one-time codes one identity may enter per period; the README shows the odds.",
            id="stytch_discovery.E027",
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


def check_proxies() -> Iterable[CheckMessage]:
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
            f"{', '.join(signs)} {'says' if len(signs) == 1 else 'say'} this site is behind a proxy, "
            "but TRUSTED_PROXIES is empty: throttles count every request by the proxy's address, "
            "so all clients share one limit.",
            hint="List the proxies' addresses or networks in STYTCH_DISCOVERY['TRUSTED_PROXIES'] "
            "(X-Forwarded-For is believed only for those hops); NUM_PROXIES is not read.",
            id="stytch_discovery.W010",
        )
