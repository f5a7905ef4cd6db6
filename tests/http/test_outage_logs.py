"""What a Redis outage writes to the logs while every request meets it: the refusals (503
``throttle_unavailable``, ``cache_unavailable``) log the outage once a minute per process, at
ERROR, naming the exception's type only, and count the ones they left out; not an error per
request (nor Django's request logger's, which would mail every one to the admins)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.internal.failure_log import INTERVAL_SECONDS
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, seed_orgs
from tests.helpers.down_cache import CacheOutage, Clock, cache_outage, clock, redirect_browser
from tests.helpers.redirects import error_of, start

__all__ = ["cache_outage", "clock"]  # the fixtures, imported for pytest

REQUESTS = 50


def loud(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Every record at WARNING or above, from any logger."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def outcome_lines(caplog: pytest.LogCaptureFixture, code: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "stytch_discovery.views" and r.getMessage().endswith(code)]


def assert_one_error_a_minute(
    caplog: pytest.LogCaptureFixture, cache_outage: CacheOutage, clock: Clock, again: Any, consequence: str
) -> None:
    """The requests so far logged the outage once; a request a minute later logs it again, with
    the count of those left out."""
    records = loud(caplog)
    assert len(records) == 1, [f"{r.name} {r.levelname} {r.getMessage()}" for r in records[:4]]
    first = records[0]
    assert (first.name, first.levelno) == ("stytch_discovery.cache", logging.ERROR)
    assert first.getMessage() == f"Django's cache failed ({cache_outage.outage.error_name}): {consequence}"
    cache_outage.assert_logged_safely(caplog)

    clock.now += INTERVAL_SECONDS
    again()

    assert [record.getMessage() for record in loud(caplog)] == [
        first.getMessage(),
        f"{first.getMessage()}; {REQUESTS - 1} more since the last warning",
    ]
    cache_outage.assert_logged_safely(caplog)


def test_throttles_log_an_outage_once_a_minute(
    db: None, cache_outage: CacheOutage, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = APIClient()
    client.raise_request_exception = False
    cache_outage.begin()

    def send() -> None:
        response = post(client, "discovery/magic-links/send", {"email_address": EMAIL})
        assert (response.status_code, response.json()["code"]) == (503, "throttle_unavailable")

    for _ in range(REQUESTS):
        send()

    assert_one_error_a_minute(
        caplog, cache_outage, clock, send, "requests are refused with 503 throttle_unavailable"
    )
    # Each request still has its outcome line, at INFO, as every answer does.
    lines = outcome_lines(caplog, "-> 503 throttle_unavailable")
    assert len(lines) == REQUESTS + 1
    assert {line.levelno for line in lines} == {logging.INFO}


def test_redirect_starts_log_an_outage_once_a_minute(
    db: None,
    fake_stytch: FakeStytch,
    settings: Any,
    cache_outage: CacheOutage,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    browser = redirect_browser(settings, fake_stytch.public_token)
    seed_orgs(fake_stytch)
    cache_outage.begin()

    def begin() -> None:
        assert error_of(start(browser, "discovery/oauth/google/start", next="/app")) == "cache_unavailable"

    for _ in range(REQUESTS):
        begin()

    assert_one_error_a_minute(caplog, cache_outage, clock, begin, "the sign-in redirect is refused")
    assert len(outcome_lines(caplog, "-> 503 cache_unavailable")) == REQUESTS + 1
