"""The throttle's counting on the local-memory cache (Redis has ``test_throttling_redis``).

What is pinned: exactly N per window, a scope or rate of None is not throttled, the view's
``throttle_subject`` keys the count, ``wait()`` tells the window left, and a cache that keeps
losing the counter lets requests through rather than refusing everyone.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from stytch_discovery.internal.http.throttling import StytchDiscoveryThrottle

SCOPE = "stytch_discovery.list"


class Scoped(APIView):
    throttle_scope: str | None = SCOPE


class Unscoped(APIView):
    throttle_scope = None


class PerSubject(APIView):
    throttle_scope = SCOPE

    def throttle_subject(self) -> str:
        return "member:42"


@pytest.fixture
def rate(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "THROTTLE_RATES": {SCOPE: "3/min"}}


def attempt(
    view: APIView, *, address: str = "198.51.100.7", throttle: StytchDiscoveryThrottle | None = None
) -> tuple[bool, StytchDiscoveryThrottle]:
    request = view.initialize_request(APIRequestFactory().post("/", REMOTE_ADDR=address))
    throttle = throttle or StytchDiscoveryThrottle()
    return throttle.allow_request(request, view), throttle


def test_exactly_n_pass_in_a_window(rate: None) -> None:
    outcomes = [attempt(Scoped()) for _ in range(5)]
    assert [allowed for allowed, _ in outcomes] == [True, True, True, False, False]
    last = outcomes[-1][1]
    assert last.remaining is None  # no TTL from the local-memory cache: read from the window's end
    assert 55 < last.wait() <= 60


def test_each_client_address_has_its_own_count(rate: None) -> None:
    for _ in range(3):
        attempt(Scoped())
    assert attempt(Scoped())[0] is False
    assert attempt(Scoped(), address="198.51.100.8")[0] is True


def test_the_throttle_subject_keys_the_count_whatever_the_address(rate: None) -> None:
    statuses = [attempt(PerSubject(), address=f"198.51.100.{index}")[0] for index in range(4)]
    assert statuses == [True, True, True, False]
    assert "member:42" in str(attempt(PerSubject())[1].key)


def test_a_view_without_a_scope_is_never_throttled(rate: None) -> None:
    assert all(attempt(Unscoped())[0] for _ in range(10))


def test_a_scope_whose_rate_is_none_is_not_throttled(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "THROTTLE_RATES": {SCOPE: None}}
    outcomes = [attempt(Scoped()) for _ in range(10)]
    assert all(allowed for allowed, _ in outcomes)
    assert outcomes[0][1].rate is None


def test_a_scope_without_a_rate_is_not_throttled(settings: Any) -> None:
    view = Scoped()
    view.throttle_scope = "stytch_discovery.no_such_scope"
    assert all(attempt(view)[0] for _ in range(10))


class ForgetfulCache:
    """A cache that never keeps a counter: every ``incr`` finds none."""

    def __init__(self, *, adds: bool) -> None:
        self.adds, self.calls = adds, 0

    def incr(self, key: str) -> int:
        self.calls += 1
        raise ValueError(key)

    def add(self, key: str, value: int, timeout: int) -> bool:
        return self.adds

    def set(self, key: str, value: Any, timeout: int) -> None:
        pass


@pytest.mark.parametrize("adds", [True, False])
def test_a_cache_that_keeps_losing_the_counter_lets_the_request_through(rate: None, adds: bool) -> None:
    throttle = StytchDiscoveryThrottle()
    cache = ForgetfulCache(adds=adds)
    throttle.cache = cache  # type: ignore[assignment]
    for _ in range(5):
        assert attempt(Scoped(), throttle=throttle)[0] is True
    assert cache.calls == 15  # three tries per request, then give up


class RacedCache(ForgetfulCache):
    """Another request opens the window between this one's ``incr`` and ``add``."""

    def __init__(self) -> None:
        super().__init__(adds=False)
        self.touched: list[str] = []

    def incr(self, key: str) -> int:
        self.calls += 1
        if self.calls == 1:
            raise ValueError(key)
        return 4

    def touch(self, key: str, timeout: int) -> None:
        self.touched.append(key)


def test_a_window_opened_by_another_request_is_counted_in(rate: None) -> None:
    throttle = StytchDiscoveryThrottle()
    cache = RacedCache()
    throttle.cache = cache  # type: ignore[assignment]
    assert attempt(Scoped(), throttle=throttle)[0] is False  # the 4th of 3
    assert cache.calls == 2
    assert cache.touched == []  # only the window's first request sets its lifetime


def test_wait_without_a_recorded_window_end_is_the_whole_period(rate: None) -> None:
    allowed, throttle = attempt(Scoped())
    assert allowed
    throttle.cache.delete(f"{throttle.key}:until")
    assert throttle.wait() == 60.0


class RecreatingCache(ForgetfulCache):
    """An ``incr`` that finds the window open at 0 (its counts taken back), or, its ``:until`` gone
    too, that recreated a key which expired under it, with no timeout (as Redis's own ``incr``)."""

    def __init__(self, until: float | None) -> None:
        super().__init__(adds=False)
        self.until = until
        self.touched: list[str] = []

    def incr(self, key: str) -> int:
        return 1

    def get(self, key: str) -> float | None:
        return self.until

    def touch(self, key: str, timeout: int) -> None:
        self.touched.append(key)


@pytest.mark.parametrize(("until", "touched"), [(None, True), (-1.0, True), (3600.0, False)])
def test_a_first_count_gives_the_window_its_period_only_when_the_window_is_gone(
    rate: None, until: float | None, touched: bool
) -> None:
    throttle = StytchDiscoveryThrottle()
    cache = RecreatingCache(until if until is None else throttle.timer() + until)
    throttle.cache = cache  # type: ignore[assignment]
    assert attempt(Scoped(), throttle=throttle)[0] is True
    assert bool(cache.touched) is touched
