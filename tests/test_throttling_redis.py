"""The throttle's one-round-trip Redis path: exact counts, a window, a Retry-After from its TTL.

Needs Redis at ``REDIS_URL`` (default 127.0.0.1:6379, as ``test_load``); the local-memory
path is covered through the views in ``tests/api``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from stytch_discovery.throttling import StytchDiscoveryThrottle

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


class ListLike(APIView):
    throttle_scope = "stytch_discovery.list"


@pytest.fixture
def redis_cache() -> Iterator[None]:
    pytest.importorskip("redis")
    prefix = f"stytch-throttle-test-{uuid.uuid4().hex}"
    config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    with override_settings(CACHES={"default": {**config, "KEY_PREFIX": prefix}}):
        try:
            caches["default"].get("ping")
        except Exception as error:  # any connection failure means "no Redis here"
            pytest.fail(f"Redis at {REDIS_URL} does not answer: {error}")
        yield
        caches["default"].clear()


def attempt(view: APIView, *, address: str = "198.51.100.7") -> tuple[bool, StytchDiscoveryThrottle]:
    request = view.initialize_request(APIRequestFactory().post("/", REMOTE_ADDR=address))
    throttle = StytchDiscoveryThrottle()
    return throttle.allow_request(request, view), throttle


def test_exactly_the_rate_passes_then_retry_after_is_the_window_left(
    redis_cache: None, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "3/min"}}
    view = ListLike()
    outcomes = [attempt(view) for _ in range(5)]
    assert [allowed for allowed, _ in outcomes] == [True, True, True, False, False]
    assert outcomes[-1][1].remaining is not None  # the window's TTL came with the count
    assert 55 < outcomes[-1][1].wait() <= 60
    # Another client has its own window.
    assert attempt(view, address="198.51.100.8")[0] is True


def test_the_counter_expires_with_the_window(redis_cache: None, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "1/min"}}
    view = ListLike()
    allowed, throttle = attempt(view)
    assert allowed
    key = caches["default"].make_and_validate_key(str(throttle.key))
    client = caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]
    assert 0 < client.pttl(key) <= 60_000
