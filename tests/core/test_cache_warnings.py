"""The warnings of a failing Django cache: one per consequence a minute in each process, the
failures not logged counted into the next one, the exception's type only, thread-safe."""

from __future__ import annotations

import logging
import threading

import pytest

from stytch_discovery.internal import shared
from stytch_discovery.internal.failure_log import INTERVAL_SECONDS
from tests.helpers.down_cache import REDIS_PASSWORD, CacheDown, CacheOutage, Clock, cache_outage, clock

__all__ = ["cache_outage", "clock"]  # the fixtures, imported for pytest

INTERVAL = INTERVAL_SECONDS


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "stytch_discovery.cache"]


def fail(times: int, consequence: str = "a test goes on") -> None:
    for _ in range(times):
        shared.log_failure(CacheDown("the cache server does not answer"), consequence)


def test_failures_within_the_interval_log_once(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    fail(5)
    clock.now += INTERVAL - 0.01
    fail(1)

    assert logged(caplog) == ["Django's cache failed (CacheDown): a test goes on"]


def test_after_the_interval_the_next_warning_counts_the_ones_not_logged(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    fail(38)
    clock.now += INTERVAL

    fail(1)

    assert logged(caplog) == [
        "Django's cache failed (CacheDown): a test goes on",
        "Django's cache failed (CacheDown): a test goes on; 37 more since the last warning",
    ]


def test_the_count_starts_again_after_each_warning(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    fail(3)
    clock.now += INTERVAL
    fail(1)  # tells of the two before
    clock.now += INTERVAL
    fail(1)  # nothing was left unlogged since

    assert [message.rpartition(": ")[2] for message in logged(caplog)] == [
        "a test goes on",
        "a test goes on; 2 more since the last warning",
        "a test goes on",
    ]


def test_each_consequence_has_its_own_interval(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    fail(3, "the sign-in redirect is refused")
    fail(3, "this process fetches and keeps the JWKS itself")
    clock.now += INTERVAL
    fail(1, "the sign-in redirect is refused")

    assert logged(caplog) == [
        "Django's cache failed (CacheDown): the sign-in redirect is refused",
        "Django's cache failed (CacheDown): this process fetches and keeps the JWKS itself",
        "Django's cache failed (CacheDown): the sign-in redirect is refused; 2 more since the last warning",
    ]


def test_the_warning_names_the_type_never_the_text(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    text = f"Error connecting to redis://:{REDIS_PASSWORD}@10.0.0.7:6379/0"
    shared.log_failure(ConnectionError(text), "a test goes on")
    clock.now += INTERVAL
    shared.log_failure(TimeoutError(text), "a test goes on")

    assert [record.getMessage() for record in caplog.records] == [
        "Django's cache failed (ConnectionError): a test goes on",
        "Django's cache failed (TimeoutError): a test goes on",
    ]
    assert all(record.exc_info is None for record in caplog.records)  # no traceback with the text
    assert REDIS_PASSWORD not in caplog.text
    assert "10.0.0.7" not in caplog.text


def test_threads_failing_at_once_log_once_and_are_all_counted(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    threads, each = 8, 500
    start = threading.Barrier(threads)

    def worker() -> None:
        start.wait()
        fail(each)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert len(logged(caplog)) == 1

    clock.now += INTERVAL
    fail(1)

    assert logged(caplog)[-1].endswith(f"; {threads * each - 1} more since the last warning")


def test_a_cache_that_stays_down_warns_once_for_many_operations(
    cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    cache_outage.begin()
    for _ in range(5):  # five requests, each asking the cache once
        assert shared.SharedCache("a test goes on").get("stytch_discovery:test") is None
    clock.now += INTERVAL
    assert shared.SharedCache("a test goes on").get("stytch_discovery:test") is None

    cache_outage.assert_logged_safely(caplog)
    first, second = logged(caplog)
    assert second == f"{first}; 4 more since the last warning"
