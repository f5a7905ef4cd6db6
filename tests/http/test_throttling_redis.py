"""The throttle's one-round-trip Redis path: exact counts, a window, a Retry-After from its TTL.

Needs Redis at ``REDIS_URL`` (default 127.0.0.1:6379, as ``test_load``); the local-memory
path is covered through the views in ``tests/api``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from stytch_discovery.internal.http.throttling import StytchDiscoveryThrottle
from tests.helpers.redis import REDIS_CACHE, delete_prefixed, redis_cache, redis_client

__all__ = ["redis_cache"]  # the fixture, imported for pytest


class ListLike(APIView):
    throttle_scope = "stytch_discovery.list"


def attempt(view: APIView, *, address: str = "198.51.100.7") -> tuple[bool, StytchDiscoveryThrottle]:
    request = view.initialize_request(APIRequestFactory().post("/", REMOTE_ADDR=address))
    throttle = StytchDiscoveryThrottle()
    return throttle.allow_request(request, view), throttle


def test_exactly_the_rate_passes_then_retry_after_is_the_window_left(redis_cache: str, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "3/min"}}
    view = ListLike()
    outcomes = [attempt(view) for _ in range(5)]
    assert [allowed for allowed, _ in outcomes] == [True, True, True, False, False]
    assert outcomes[-1][1].remaining is not None  # the window's TTL came with the count
    assert 55 < outcomes[-1][1].wait() <= 60
    # Another client has its own window.
    assert attempt(view, address="198.51.100.8")[0] is True


def test_the_counter_expires_with_the_window(redis_cache: str, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "1/min"}}
    view = ListLike()
    allowed, throttle = attempt(view)
    assert allowed
    key = caches["default"].make_key(str(throttle.key))
    assert 0 < redis_client().pttl(key) <= 60_000


def test_the_key_carries_the_cache_prefix_so_projects_sharing_a_redis_count_apart(
    redis_cache: str, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "1/min"}}
    view = ListLike()
    allowed, throttle = attempt(view)
    assert allowed
    assert attempt(view)[0] is False
    assert redis_client().exists(f"{redis_cache}:1:{throttle.key}") == 1
    # A second project on the same Redis, same client IP, its own KEY_PREFIX: its own window.
    other = f"{redis_cache}-other"
    with override_settings(CACHES={"default": {**REDIS_CACHE, "KEY_PREFIX": other}}):
        try:
            assert attempt(view)[0] is True
        finally:
            delete_prefixed(other)


def test_a_script_flushed_from_redis_is_loaded_again(redis_cache: str, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "2/min"}}
    view = ListLike()
    assert attempt(view)[0] is True
    redis_client().script_flush()  # as after a Redis restart or failover: EVALSHA answers NOSCRIPT
    allowed, throttle = attempt(view)
    assert allowed  # the second of two, counted in the same window
    assert throttle.remaining is not None
    assert 55 < throttle.remaining <= 60
    assert attempt(view)[0] is False


def test_threads_with_their_own_connections_let_exactly_the_rate_through(
    redis_cache: str, settings: Any
) -> None:
    # Django gives each thread its own cache and so its own Redis connection: the requests race
    # at Redis as separate processes would.
    settings.STYTCH_DISCOVERY = {"THROTTLE_RATES": {"stytch_discovery.list": "50/min"}}
    view = ListLike()
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: attempt(view)[0], range(120)))
    assert outcomes.count(True) == 50
