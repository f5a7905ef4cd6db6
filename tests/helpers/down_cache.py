"""Django's default cache down, as when its server does not answer, in three forms.

``DownCache`` is a backend whose every call raises (for the suites run without the ``load`` group,
so without redis-py); ``DEAD_REDIS`` is Django's own ``RedisCache`` on a port nothing listens on,
its URL carrying a password as a production ``REDIS_URL`` may: no log line may show either.
``FailingCache`` is the local-memory cache failing on one call of a request, its Nth: a server
that goes away between two calls.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient

from stytch_discovery.defaults import DEFAULT_THROTTLE_RATES
from stytch_discovery.internal import shared
from stytch_discovery.internal.failure_log import FailureLog
from stytch_discovery.internal.http import outages


class CacheDown(ConnectionError):
    """What the cache client raised."""


#: The calls of Django's cache API (the ones a backend implements).
CACHE_CALLS = frozenset(
    {"add", "get", "set", "touch", "delete", "incr", "decr", "get_many", "has_key", "clear"}
)


class DownCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def __getattribute__(self, name: str) -> Any:
        if name in CACHE_CALLS:
            raise CacheDown("the cache server does not answer")
        return super().__getattribute__(name)


class FailingCache(LocMemCache):
    """The local-memory cache, whose call number ``fail_on`` (counted from ``reset``, from 1) raises
    and whose others answer. Class-level, since Django builds a backend per thread and per test."""

    calls = 0
    fail_on: int | None = None

    @classmethod
    def reset(cls, fail_on: int | None = None) -> None:
        cls.calls, cls.fail_on = 0, fail_on

    def __getattribute__(self, name: str) -> Any:
        if name in CACHE_CALLS:
            cls = type(self)
            cls.calls += 1
            if cls.calls == cls.fail_on:
                raise CacheDown("the cache server does not answer")
        return super().__getattribute__(name)


REDIS_PASSWORD = "cache-password-never-logged"
DEAD_REDIS_URL = f"redis://:{REDIS_PASSWORD}@127.0.0.1:1/0"
#: Caches that are down: every call fails, as when the cache server does not answer.
DOWN_CACHE = {"default": {"BACKEND": "tests.helpers.down_cache.DownCache"}}
#: Django's own Redis backend on a port nothing listens on (needs redis-py, the load group).
DEAD_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS_URL}
}
HAS_REDIS = importlib.util.find_spec("redis") is not None
NEEDS_REDIS = pytest.mark.skipif(
    not HAS_REDIS, reason="needs redis-py (the load group); cache_down covers it"
)


@dataclass(frozen=True)
class Outage:
    """A way for Django's cache to be down, and the exception type its client raises then."""

    caches: dict[str, Any]
    error_name: str
    #: A part of the exception's own message.
    error_text: str


OUTAGES = [
    pytest.param(Outage(DOWN_CACHE, "CacheDown", "does not answer"), id="cache_down"),
    pytest.param(
        Outage(DEAD_REDIS, "ConnectionError", "Connection refused"), id="redis_down", marks=NEEDS_REDIS
    ),
]


@dataclass(frozen=True)
class CacheOutage:
    """What the ``cache_outage`` fixture gives: ``begin()`` takes the cache down from then on."""

    outage: Outage
    settings: Any

    def begin(self) -> None:
        self.settings.CACHES = self.outage.caches

    def assert_logged_safely(self, caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
        """The outage was logged, naming the exception's type, each consequence once (a test takes
        less than the warnings' interval); no log line shows a secret, the cache's URL or the
        exception's message (which may hold the URL)."""
        warnings = [r.getMessage() for r in caplog.records if r.name == "stytch_discovery.cache"]
        assert warnings, "the outage was not logged"
        assert len(set(warnings)) == len(warnings), warnings
        assert all(self.outage.error_name in message for message in warnings), warnings
        for forbidden in (*secrets, DEAD_REDIS_URL, REDIS_PASSWORD, self.outage.error_text):
            assert forbidden
            assert forbidden not in caplog.text
            assert all(forbidden not in record.getMessage() for record in caplog.records)
        assert not [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


@pytest.fixture(params=OUTAGES)
def cache_outage(
    request: pytest.FixtureRequest, settings: Any, caplog: pytest.LogCaptureFixture
) -> CacheOutage:
    """Django's default cache about to go down (``begin()``), each way of ``OUTAGES`` in turn."""
    caplog.set_level(logging.DEBUG)
    return CacheOutage(request.param, settings)


@dataclass
class Clock:
    """Monotonic seconds that move only when a test says so."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock of the failures logged once a minute (the cache's, ``internal.shared``, and
    Stytch's, ``internal.http.outages``), moved by the test."""
    clock = Clock()
    monkeypatch.setattr(shared, "failure_warnings", FailureLog(shared.logger, clock))
    monkeypatch.setattr(outages, "reports", FailureLog(outages.logger, clock))
    return clock


def without_throttles(settings: Any) -> None:
    """Every throttle scope off (a project that throttles at its proxy), so that a request reaches
    what follows the throttle: with the cache down, a throttle answers 503 ``throttle_unavailable``."""
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": dict.fromkeys(DEFAULT_THROTTLE_RATES),
    }


def redirect_browser(settings: Any, public_token: str) -> APIClient:
    """A browser for the redirect flows (OAuth with Google, SSO) with the throttles off, whose
    server errors come back as answers: what the OAuth and SSO cache-down tests start from."""
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": public_token,
        "OAUTH_PROVIDERS": ["google"],
    }
    without_throttles(settings)
    client = APIClient()
    client.raise_request_exception = False
    return client
