"""Assertions on what Stytch failing every request writes to the logs (``internal.http.outages``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import pytest

from stytch_discovery.internal.failure_log import INTERVAL_SECONDS
from tests.helpers.down_cache import Clock

#: Stytch's own words in a fault's answer: never in a log line (they may name the person).
STYTCH_TEXT = "Stytch's own words about ada@acme.example"


def loud(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Every record at WARNING or above, from any logger."""
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


def assert_reported_once_a_minute(
    caplog: pytest.LogCaptureFixture,
    clock: Clock,
    again: Callable[[], None],
    *,
    requests: int,
    code: str,
    consequence: str,
    secrets: Iterable[str | None],
) -> None:
    """The ``requests`` so far logged the failure at ERROR once, on ``stytch_discovery.client``,
    and nothing on ``django.request``; ``again()`` a minute later logs it once more, with the count
    of those left out. No line shows a token, the secret or Stytch's text."""
    assert not [r for r in caplog.records if r.name == "django.request"], "Django logged the answers"
    reported = errors(caplog)
    assert len(reported) == 1, [f"{r.name} {r.levelname} {r.getMessage()}" for r in reported[:4]]
    first = reported[0]
    assert first.name == "stytch_discovery.client"
    message = first.getMessage()
    assert message.startswith(f"Stytch failed ({code}"), message
    assert message.endswith(f"): {consequence}"), message

    clock.now += INTERVAL_SECONDS - 0.01
    again()
    assert len(errors(caplog)) == 1  # still within the minute
    clock.now += 0.01
    again()

    assert [record.getMessage() for record in errors(caplog)] == [
        message,
        f"{message}; {requests} more since the last warning",
    ]
    assert not [r for r in caplog.records if r.name == "django.request"]
    for secret in (*secrets, STYTCH_TEXT):
        assert secret
        assert secret not in caplog.text
