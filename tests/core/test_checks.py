"""Every system check id fires on a bad value and stays quiet on good ones."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from stytch_discovery import checks
from stytch_discovery.checks import check_settings

GOOD: dict[str, Any] = {
    "PROJECT_ID": "project-test-00000000-0000-4000-8000-000000000000",
    "SECRET": "secret-test-checks",
    "BASE_URL": "http://127.0.0.1:8765",
}
LIVE_ID = "project-live-00000000-0000-4000-8000-000000000000"
PUBLIC_TOKEN = "public-token-test-00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def _no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STYTCH_PROJECT_ID", raising=False)
    monkeypatch.delenv("STYTCH_SECRET", raising=False)
    monkeypatch.delenv("STYTCH_PUBLIC_TOKEN", raising=False)


DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
REDIS = {"default": {"BACKEND": REDIS_BACKEND, "LOCATION": "redis://x", "OPTIONS": TIMEOUTS}}


def ids_for(
    settings: Any, overrides: dict[str, Any], debug: bool = False, caches: dict[str, Any] = REDIS
) -> set[str]:
    # A cache every process shares unless a test says otherwise: W036 and E065 are about it.
    settings.CACHES = caches
    settings.DEBUG = debug
    settings.STYTCH_DISCOVERY = {**GOOD, **overrides}
    return {str(message.id) for message in check_settings()}


#: (check id, STYTCH_DISCOVERY overrides, DEBUG) that must fire exactly that id.
BAD: list[tuple[str, dict[str, Any], bool]] = [
    ("E001", {"PROJECT_ID": None}, False),
    ("E001", {"PROJECT_ID": 1234}, False),
    ("E002", {"SECRET": ""}, False),
    ("E002", {"SECRET": ["not", "a", "string"]}, False),
    ("E003", {"ENVIRONMENT": "production"}, False),
    ("E004", {"BASE_URL": "ftp://stytch.example"}, False),
    ("E004", {"BASE_URL": "not a url"}, False),
    ("E004", {"BASE_URL": 8765}, False),
    ("E004", {"BASE_URL": "http://[::1"}, False),  # Python's URL parser raises on it
    ("E005", {"BASE_URL": "http://stytch.example"}, False),
    ("E005", {"BASE_URL": "http://10.0.0.5:8765"}, False),
    ("E006", {"CONNECT_TIMEOUT": 0}, False),
    ("E006", {"READ_TIMEOUT": -1}, False),
    ("E006", {"READ_TIMEOUT": "10"}, False),
    ("E006", {"READ_TIMEOUT": True}, False),
    ("E007", {"MAX_RETRIES": -1}, False),
    ("E007", {"MAX_RETRIES": 1.5}, False),
    ("E007", {"MAX_RETRIES": True}, False),
    ("E008", {"RETRY_BACKOFF": -0.1}, False),
    ("E008", {"RETRY_DEADLINE": 0}, False),
    ("E008", {"MAX_RETRY_AFTER": -1}, False),
    ("E010", {"CACHE_ENABLED": "yes"}, False),
    ("E010", {"ACCEPT_SDK_IST_COOKIE": 1}, False),
    ("E010", {"RETURN_TOKENS_IN_BODY": None}, False),
    ("E011", {"USER_RESOLVER": "no_such_module.resolve"}, False),
    ("E011", {"USER_RESOLVER": "stytch_discovery.conf.DEFAULTS"}, False),
    ("E011", {"USER_RESOLVER": ""}, False),
    ("E017", {"SESSION_FACTORY": "no_such_module.make_session"}, False),
    ("E017", {"SESSION_FACTORY": "stytch_discovery.conf.DEFAULTS"}, False),
    ("E017", {"SESSION_FACTORY": 7}, False),
    ("E018", {"SESSION_JWT_LEEWAY": -1}, False),
    ("E018", {"SESSION_JWT_MAX_AGE": 0}, False),
    ("E018", {"SESSION_JWT_MAX_AGE": "300"}, False),
    ("E019", {"JWKS_CACHE_SECONDS": 0}, False),
    ("E019", {"JWKS_REFETCH_COOLDOWN": -1}, False),
    ("E020", {"VERIFIED_JWT_CACHE_SIZE": -1}, False),
    ("E020", {"VERIFIED_JWT_CACHE_SIZE": 1.5}, False),
    ("E021", {"RBAC_POLICY_CACHE_SECONDS": 301}, False),
    ("E021", {"RBAC_POLICY_CACHE_SECONDS": -1}, False),
    ("E022", {"MEMBER_RESOLVER": "no_such_module.resolve"}, False),
    ("E010", {"CREATE_USERS": "no"}, False),
    ("E010", {"DJANGO_SESSION_LOGIN": 1}, False),
    ("E012", {"PENDING_COOKIE_NAME": "stytch_session"}, False),
    ("E012", {"IST_COOKIE_NAME": ""}, False),
    ("E012", {"SESSION_JWT_COOKIE_NAME": "line\nbreak"}, False),
    ("E012", {"SESSION_COOKIE_NAME": "same", "SESSION_JWT_COOKIE_NAME": "same"}, False),
    ("E013", {"COOKIE_SAMESITE": "lax"}, False),
    ("E014", {"ALLOWED_REDIRECT_HOSTS": "app.example"}, False),
    ("E014", {"ALLOWED_REDIRECT_HOSTS": ["app.example", 7]}, False),
    ("E015", {"LOGIN_REDIRECT_URL": 5}, False),
    ("E015", {"DISCOVERY_REDIRECT_URL": ["https://app.example"]}, False),
    ("E015", {"LOGIN_REDIRECT_URL": "http://["}, False),  # every redirect to it would be a 500
    ("E015", {"DISCOVERY_REDIRECT_URL": "https://[x]/app"}, False),
    ("E016", {"THROTTLE_RATES": "10/min"}, False),
    ("E016", {"THROTTLE_RATES": {"stytch_discovery.send": "fast"}}, False),
    ("E016", {"THROTTLE_RATES": {"stytch_discovery.send": "ten/min"}}, False),
    ("E016", {"THROTTLE_RATES": {"stytch_discovery.send": "10/century"}}, False),
    ("E016", {"THROTTLE_RATES": {"stytch_discovery.send": 10}}, False),
    ("E016", {"THROTTLE_RATES": {"stytch_discovery.send": "\u00b2/min"}}, False),  # a digit int() refuses
    ("E027", {"WRONG_CODE_BUDGET": None}, False),  # it cannot be turned off
    ("E027", {"WRONG_CODE_BUDGET": "0/hour"}, False),  # nor spent in advance
    ("E027", {"WRONG_CODE_BUDGET": "10/fortnight"}, False),
    ("E027", {"WRONG_CODE_BUDGET": "ten/hour"}, False),
    ("E027", {"WRONG_CODE_BUDGET": 10}, False),
    ("W007", {"THROTTLE_RATES": {"stytch_discovery.sendd": "5/min"}}, False),
    ("W007", {"THROTTLE_RATES": {"send": "5/min"}}, False),
    ("E024", {"TRUSTED_PROXIES": "10.0.0.0/8"}, False),
    ("E024", {"TRUSTED_PROXIES": ["10.0.0.300"]}, False),
    ("E040", {"PRUNE_AFTER": 0}, False),
    ("E040", {"PRUNE_AFTER": "30 days"}, False),
    ("E040", {"PRUNE_AFTER": True}, False),
    ("E040", {"PRUNE_AFTER": timedelta(0)}, False),
    ("W001", {"BASE_URL": None}, False),
    ("W002", {"ENVIRONMENT": "live"}, False),
    ("W002", {"PROJECT_ID": LIVE_ID, "ENVIRONMENT": "test"}, True),
    ("W003", {"SECERT": "typo"}, False),
    ("W004", {"COOKIE_SAMESITE": "None"}, True),
    ("W005", {"COOKIE_SECURE": False}, False),
    ("W006", {"RETURN_TOKENS_IN_BODY": True}, False),
    # The sessions this app starts: how long they last, and who chooses their claims.
    ("E010", {"ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS": "no"}, True),
    ("E025", {"SESSION_DURATION_MINUTES": 4}, True),
    ("E025", {"SESSION_DURATION_MINUTES": 527041}, True),
    ("E025", {"SESSION_DURATION_MINUTES": "60"}, True),
    ("E025", {"SESSION_DURATION_MINUTES": True}, True),
    ("E025", {"SESSION_DURATION_MINUTES": 60.0}, True),
    ("E025", {"MAX_SESSION_DURATION_MINUTES": 0}, True),
    ("E025", {"MAX_SESSION_DURATION_MINUTES": "480"}, True),
    ("E025", {"SESSION_DURATION_MINUTES": 30, "MAX_SESSION_DURATION_MINUTES": 527041}, True),
    ("E026", {"SESSION_DURATION_MINUTES": 481, "MAX_SESSION_DURATION_MINUTES": 480}, True),
    ("E026", {"MAX_SESSION_DURATION_MINUTES": 30}, True),  # None: Stytch's 60 minutes
    ("E050", {"PRIMARY_MAGIC_LINK_REDIRECT_URL": "ftp://example.com/cb"}, True),
    ("E050", {"PRIMARY_MAGIC_LINK_REDIRECT_URL": 42}, True),
    ("E050", {"PRIMARY_MAGIC_LINK_REDIRECT_URL": "https://[x]/cb"}, True),
    ("W020", {"THROTTLE_RATES": {"stytch_discovery.code_attempt": None}}, False),
    ("W020", {"THROTTLE_RATES": {"stytch_discovery.code_send": None}}, False),
    # Other discovery entry points: emailed codes and OAuth.
    ("E060", {"PUBLIC_TOKEN": "secret-test-not-public"}, True),
    ("E060", {"PUBLIC_TOKEN": 7}, True),
    ("E060", {"OAUTH_PROVIDERS": ["google"]}, True),
    ("E061", {"OAUTH_PROVIDERS": ["github"], "PUBLIC_TOKEN": PUBLIC_TOKEN}, True),
    ("E061", {"OAUTH_PROVIDERS": "google", "PUBLIC_TOKEN": PUBLIC_TOKEN}, True),
    ("E061", {"OAUTH_PROVIDERS": ["google", "google"], "PUBLIC_TOKEN": PUBLIC_TOKEN}, True),
    ("E062", {"OAUTH_DISCOVERY_REDIRECT_URL": "/relative/callback"}, True),
    ("E062", {"OAUTH_DISCOVERY_REDIRECT_URL": 5}, True),
    ("E062", {"OAUTH_DISCOVERY_REDIRECT_URL": "http://["}, True),
    ("E063", {"OAUTH_CUSTOM_SCOPES": ["openid"]}, True),
    ("E063", {"OAUTH_CUSTOM_SCOPES": {"google": "a b"}}, True),
    ("E063", {"OAUTH_CUSTOM_SCOPES": {"google": ["two words"]}}, True),
    ("E063", {"OAUTH_PROVIDER_PARAMS": {"google": {"prompt": 1}}}, True),
    ("E063", {"OAUTH_PROVIDER_PARAMS": {"google": {"not-a-name": "x"}}}, True),
    ("E064", {"EMAIL_CODE_EXPIRATION_MINUTES": 1}, True),
    ("E064", {"EMAIL_CODE_EXPIRATION_MINUTES": 16}, True),
    ("E064", {"EMAIL_CODE_EXPIRATION_MINUTES": "10"}, True),
    ("E010", {"EMAIL_CODES_ENABLED": "yes"}, True),
    ("E012", {"OAUTH_STATE_COOKIE_NAME": "stytch_session"}, True),
    ("W030", {"PUBLIC_TOKEN": "public-token-live-00000000-0000-4000-8000-000000000000"}, True),
    ("W031", {"OAUTH_PROVIDER_PARAMS": {"microsoft": {"prompt": "select_account"}}}, True),
    ("W032", {"THROTTLE_RATES": {"stytch_discovery.email_send": None}}, False),
    ("W032", {"THROTTLE_RATES": {"stytch_discovery.email_attempt": None}}, False),
    ("W033", {"OAUTH_PROVIDERS": ["google"], "PUBLIC_TOKEN": PUBLIC_TOKEN}, False),
    ("W035", {"PUBLIC_TOKEN": "public-token-test-checks", "COOKIE_SAMESITE": "Strict"}, True),
]


def test_the_entry_point_settings_that_work_raise_nothing(settings: Any) -> None:
    working = {
        "PUBLIC_TOKEN": PUBLIC_TOKEN,
        "OAUTH_PROVIDERS": ["google", "microsoft"],
        "OAUTH_DISCOVERY_REDIRECT_URL": "https://app.example/api/stytch/discovery/oauth/authenticate",
        "OAUTH_CUSTOM_SCOPES": {"google": ["https://www.googleapis.com/auth/calendar.readonly"]},
        "OAUTH_PROVIDER_PARAMS": {"google": {"prompt": "select_account"}, "microsoft": {"domain_hint": "x"}},
        "EMAIL_CODE_EXPIRATION_MINUTES": 15,
        "EMAIL_CODES_ENABLED": False,
    }
    assert ids_for(settings, working, False) == set()
    assert ids_for(settings, {"EMAIL_CODE_EXPIRATION_MINUTES": 2}, False) == set()


@pytest.mark.parametrize(
    "policy",
    [
        {"SESSION_DURATION_MINUTES": 5, "MAX_SESSION_DURATION_MINUTES": 5},
        {"SESSION_DURATION_MINUTES": 480, "MAX_SESSION_DURATION_MINUTES": 480},
        {"SESSION_DURATION_MINUTES": 527040},
        {"MAX_SESSION_DURATION_MINUTES": 60},  # Stytch's default is within it
        {"SESSION_DURATION_MINUTES": 30, "MAX_SESSION_DURATION_MINUTES": 30},
        {"ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS": True},
    ],
)
def test_session_policies_that_hold_together_raise_nothing(settings: Any, policy: dict[str, Any]) -> None:
    assert ids_for(settings, policy, True) == set()


def test_the_public_token_may_come_from_the_environment(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STYTCH_PUBLIC_TOKEN", PUBLIC_TOKEN)
    assert ids_for(settings, {"OAUTH_PROVIDERS": ["microsoft"]}, True) == set()


def test_w020_is_quiet_under_debug_and_when_the_code_scopes_keep_a_rate(settings: Any) -> None:
    disabled = {"THROTTLE_RATES": {"stytch_discovery.code_attempt": None}}
    other = {"THROTTLE_RATES": {"stytch_discovery.list": None, "stytch_discovery.code_send": "1/min"}}

    assert "stytch_discovery.W020" not in ids_for(settings, disabled, True)
    assert "stytch_discovery.W020" not in ids_for(settings, other, False)
    assert ids_for(settings, {"PRIMARY_MAGIC_LINK_REDIRECT_URL": "https://app.example/cb"}, True) == set()


@pytest.mark.parametrize(("expected", "overrides", "debug"), BAD)
def test_bad_value_fires_exactly_its_check(
    settings: Any, expected: str, overrides: dict[str, Any], debug: bool
) -> None:
    assert ids_for(settings, overrides, debug) == {f"stytch_discovery.{expected}"}


def test_every_check_id_has_a_bad_value_here() -> None:
    source = "".join(module.read_text() for module in Path(checks.__file__).parent.glob("*.py"))
    declared = set(re.findall(r"stytch_discovery\.([EW]\d{3})", source))

    # E009, the MIDDLEWARE and the cache checks have tests of their own below; W010 (Django's
    # proxy settings) in tests/http/test_client_address.py.
    declared_elsewhere = {"E009", "W008", "E023", "E065", "W036", "W037", "W010"}
    assert declared == {expected for expected, _, _ in BAD} | declared_elsewhere


MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"


@pytest.mark.parametrize(
    ("middleware", "fires"),
    [([SESSIONS, AUTH, MIDDLEWARE], False), ([SESSIONS, MIDDLEWARE, AUTH], True), ([SESSIONS, AUTH], False)],
    ids=["after", "before", "absent"],
)
def test_w008_the_middleware_must_follow_authentication(
    settings: Any, middleware: list[str], fires: bool
) -> None:
    settings.MIDDLEWARE = middleware

    assert ("stytch_discovery.W008" in ids_for(settings, {})) is fires


@pytest.mark.parametrize(("middleware", "fires"), [([SESSIONS, AUTH], False), ([AUTH], True)])
def test_e023_django_session_login_needs_sessions(settings: Any, middleware: list[str], fires: bool) -> None:
    settings.MIDDLEWARE = middleware

    assert ("stytch_discovery.E023" in ids_for(settings, {"DJANGO_SESSION_LOGIN": True})) is fires
    assert "stytch_discovery.E023" not in ids_for(settings, {"DJANGO_SESSION_LOGIN": False})


PUBLIC = {"PUBLIC_TOKEN": "public-token-test-checks"}


@pytest.mark.parametrize(
    ("caches", "overrides", "debug", "expected"),
    [
        (DUMMY, PUBLIC, True, {"stytch_discovery.E065"}),
        (LOCMEM, PUBLIC, False, {"stytch_discovery.W036"}),
        (LOCMEM, PUBLIC, True, set()),
        (REDIS, PUBLIC, False, set()),
        (DUMMY, {}, False, set()),  # no SSO or OAuth without a public token: nothing kept there
    ],
    ids=["dummy", "locmem", "locmem-under-debug", "redis", "no-public-token"],
)
def test_sso_and_oauth_starts_need_a_cache_every_process_shares(
    settings: Any, caches: dict[str, Any], overrides: dict[str, Any], debug: bool, expected: set[str]
) -> None:
    assert ids_for(settings, overrides, debug, caches) == expected


class SlowerRedisCache(RedisCache):
    """A project's own subclass of Django's backend, which reads the same OPTIONS."""


def redis_cache(backend: str = REDIS_BACKEND, location: Any = "redis://redis:6379/0", **options: Any) -> Any:
    return {"default": {"BACKEND": backend, "LOCATION": location, "OPTIONS": options}}


@pytest.mark.parametrize(
    ("caches", "missing"),
    [
        pytest.param(redis_cache(), ["socket_connect_timeout", "socket_timeout"], id="no-options"),
        pytest.param(
            {"default": {"BACKEND": REDIS_BACKEND, "LOCATION": "redis://redis:6379/0"}},
            ["socket_connect_timeout", "socket_timeout"],
            id="no-options-key",
        ),
        pytest.param(redis_cache(socket_connect_timeout=0.5), ["socket_timeout"], id="connect-only"),
        pytest.param(redis_cache(socket_timeout=0.5), ["socket_connect_timeout"], id="read-only"),
        pytest.param(
            redis_cache(socket_connect_timeout=0.5, socket_timeout=None), ["socket_timeout"], id="none"
        ),
        pytest.param(
            redis_cache(socket_connect_timeout=0, socket_timeout=0.5), ["socket_connect_timeout"], id="0"
        ),
        pytest.param(
            redis_cache(socket_connect_timeout=True, socket_timeout=0.5),
            ["socket_connect_timeout"],
            id="bool",
        ),
        pytest.param(
            redis_cache(socket_connect_timeout="0.5", socket_timeout=0.5),
            ["socket_connect_timeout"],
            id="str",
        ),
        pytest.param(
            redis_cache(f"{__name__}.SlowerRedisCache"),
            ["socket_connect_timeout", "socket_timeout"],
            id="subclass",
        ),
        pytest.param(
            redis_cache(location="redis://redis:6379/0?socket_timeout=0.5"),
            ["socket_connect_timeout"],
            id="read-in-the-url",
        ),
        pytest.param(
            redis_cache(
                location="redis://a:6379/0?socket_timeout=1,redis://b:6379/0", socket_connect_timeout=1
            ),
            ["socket_timeout"],
            id="one-url-of-two",
        ),
        pytest.param(
            redis_cache(location="redis://redis:6379/0?socket_timeout=soon", socket_connect_timeout=1),
            ["socket_timeout"],
            id="bad-number-in-the-url",
        ),
        # django-redis (not installed here: found by its path) names them in capitals.
        pytest.param(
            redis_cache("django_redis.cache.RedisCache", SOCKET_TIMEOUT=1),
            ["SOCKET_CONNECT_TIMEOUT"],
            id="django-redis",
        ),
        pytest.param(
            redis_cache("django_redis.cache.RedisCache", **TIMEOUTS),
            ["SOCKET_CONNECT_TIMEOUT", "SOCKET_TIMEOUT"],
            id="django-redis-with-djangos-names",
        ),
    ],
)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_w037_a_redis_cache_needs_socket_timeouts(
    settings: Any, caches: dict[str, Any], missing: list[str], debug: bool
) -> None:
    settings.CACHES = caches
    settings.DEBUG = debug
    settings.STYTCH_DISCOVERY = GOOD

    (message,) = check_settings()

    assert message.id == "stytch_discovery.W037"
    assert f"without {' and '.join(missing)} (" in message.msg
    assert "docs/deploying.md" in str(message.hint)


@pytest.mark.parametrize(
    "caches",
    [
        pytest.param(REDIS, id="both"),
        pytest.param(redis_cache(socket_connect_timeout=1, socket_timeout=2.5), id="numbers"),
        pytest.param(redis_cache(f"{__name__}.SlowerRedisCache", **TIMEOUTS), id="subclass"),
        pytest.param(
            redis_cache(location="rediss://redis:6379/0?socket_connect_timeout=0.5&socket_timeout=0.5"),
            id="in-the-url",
        ),
        pytest.param(
            redis_cache(
                location=["redis://a/0?socket_timeout=1", "redis://b/0?socket_timeout=2"],
                socket_connect_timeout=1,
            ),
            id="every-url-of-a-list",
        ),
        pytest.param(
            redis_cache("django_redis.cache.RedisCache", SOCKET_CONNECT_TIMEOUT=0.5, SOCKET_TIMEOUT=0.5),
            id="django-redis",
        ),
        pytest.param(LOCMEM, id="locmem"),
        pytest.param({"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}}, id="database"),
        pytest.param(redis_cache("no_such_package.RedisCache"), id="an-unknown-backend"),
        pytest.param({}, id="no-default-cache"),
    ],
)
def test_w037_is_quiet_with_timeouts_or_without_redis(settings: Any, caches: dict[str, Any]) -> None:
    assert ids_for(settings, {}, False, caches) == set()


def test_w037_never_shows_the_redis_url(settings: Any) -> None:
    url = "redis://:cache-password-of-w037@redis.internal:6379/0"
    settings.CACHES = redis_cache(location=url)
    settings.STYTCH_DISCOVERY = GOOD

    (message,) = check_settings()

    for forbidden in (url, "cache-password-of-w037", "redis.internal"):
        assert forbidden not in f"{message.msg} {message.hint}"


def test_settings_that_are_not_a_dict_fire_e009_alone(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = [("PROJECT_ID", "x")]

    assert [message.id for message in check_settings()] == ["stytch_discovery.E009"]


@pytest.mark.parametrize(
    ("overrides", "debug"),
    [
        pytest.param({}, False, id="baseline"),
        pytest.param({"PROJECT_ID": LIVE_ID, "BASE_URL": None}, False, id="live-inferred"),
        pytest.param(
            {"PROJECT_ID": LIVE_ID, "ENVIRONMENT": "live", "BASE_URL": None}, False, id="live-explicit"
        ),
        pytest.param({"BASE_URL": None}, True, id="test-env-under-debug"),
        pytest.param({"BASE_URL": "https://stytch.example.com/"}, False, id="https-base-url"),
        pytest.param({"BASE_URL": "http://localhost:8765"}, False, id="localhost"),
        pytest.param({"BASE_URL": "http://[::1]:8765"}, False, id="ipv6-loopback"),
        pytest.param(
            {"CONNECT_TIMEOUT": 1, "READ_TIMEOUT": 0.5, "RETRY_BACKOFF": 0, "MAX_RETRY_AFTER": 0},
            False,
            id="numbers",
        ),
        pytest.param({"MAX_RETRIES": 0, "RETRY_DEADLINE": 1}, False, id="no-retries"),
        pytest.param({"CACHE_ENABLED": False, "ACCEPT_SDK_IST_COOKIE": False}, False, id="booleans"),
        pytest.param({"USER_RESOLVER": "stytch_discovery.cache.default_user_resolver"}, False, id="resolver"),
        pytest.param({"USER_RESOLVER": "stytch_discovery.users.default_user_resolver"}, False, id="users"),
        pytest.param({"SESSION_FACTORY": "requests.Session"}, False, id="session-factory"),
        pytest.param(
            {"SESSION_JWT_LEEWAY": 0, "SESSION_JWT_MAX_AGE": 60, "RBAC_POLICY_CACHE_SECONDS": 300},
            False,
            id="session-numbers",
        ),
        pytest.param({"VERIFIED_JWT_CACHE_SIZE": 0}, False, id="no-verified-jwt-table"),
        pytest.param({"IST_COOKIE_NAME": "ist", "SESSION_COOKIE_NAME": "sess"}, False, id="cookie-names"),
        pytest.param({"COOKIE_SAMESITE": "Strict"}, False, id="samesite-strict"),
        pytest.param({"COOKIE_SAMESITE": "None", "COOKIE_SECURE": True}, False, id="samesite-none-secure"),
        pytest.param({"COOKIE_SECURE": False}, True, id="insecure-cookies-under-debug"),
        pytest.param({"RETURN_TOKENS_IN_BODY": True}, True, id="tokens-in-body-under-debug"),
        pytest.param(
            {
                "ALLOWED_REDIRECT_HOSTS": ("app.example",),
                "LOGIN_REDIRECT_URL": "/app/",
                "DISCOVERY_REDIRECT_URL": "https://app.example/authenticate",
            },
            False,
            id="redirects",
        ),
        pytest.param({"TRUSTED_PROXIES": ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]}, False, id="proxies"),
        pytest.param({"PRUNE_AFTER": timedelta(days=7)}, False, id="prune-timedelta"),
        pytest.param({"PRUNE_AFTER": 3600.5}, False, id="prune-seconds"),
        pytest.param(
            {"THROTTLE_RATES": {"stytch_discovery.send": None, "stytch_discovery.list": "100/day"}},
            False,
            id="throttles",
        ),
        pytest.param({"WRONG_CODE_BUDGET": "20/day"}, False, id="code-budget"),
    ],
)
def test_good_values_are_quiet(settings: Any, overrides: dict[str, Any], debug: bool) -> None:
    assert ids_for(settings, overrides, debug) == set()


def test_credentials_from_the_environment_are_enough(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYTCH_PROJECT_ID", GOOD["PROJECT_ID"])
    monkeypatch.setenv("STYTCH_SECRET", GOOD["SECRET"])
    settings.DEBUG = False
    settings.STYTCH_DISCOVERY = {"BASE_URL": GOOD["BASE_URL"]}

    assert check_settings() == []


def test_every_message_has_a_hint_or_a_clear_text(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {"PROJECT_ID": None, "SECRET": None, "BASE_URL": "http://stytch.example"}

    messages = check_settings()

    assert {message.id for message in messages} == {
        "stytch_discovery.E001",
        "stytch_discovery.E002",
        "stytch_discovery.E005",
    }
    assert all(message.hint for message in messages)


@pytest.mark.django_db  # the model checks of JSONField ask the database about its features
def test_checks_are_registered_with_django(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**GOOD, "COOKIE_SAMESITE": "sideways"}

    with pytest.raises(SystemCheckError, match=r"stytch_discovery\.E013"):
        call_command("check")
