"""A host's own views when Stytch fails the one call a request needs about its member session.

- Behind both ``StytchSessionMiddleware`` and ``StytchSessionAuthentication``, a request asks Stytch
  once: the middleware lets it go on anonymous, the DRF class answers the documented 5xx, and the
  outage report counts the request once.

Real HTTP to the fake Stytch, its faults making the outage; no retries, so one ask is one call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.test import Client

from stytch_discovery.conf import app_settings
from stytch_discovery.sessions.services import AUTHENTICATE_SESSION
from stytch_discovery.testing import FakeStytch
from tests.helpers.down_cache import Clock, clock
from tests.helpers.outages import STYTCH_TEXT, assert_reported_once_a_minute

__all__ = ["clock"]  # the fixture, imported for pytest

MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"
#: Not a JWT: only Stytch can say whose session it is.
TOKEN = "session-token-stytch-must-check"
READ_TIMEOUT = 0.3
REQUESTS = 4

#: (fault, the answer): Stytch down, too slow, answering what is not its JSON.
OUTAGES = [
    pytest.param({"status": 503, "error_message": STYTCH_TEXT}, (502, "stytch_unavailable"), id="down"),
    pytest.param({"latency_ms": 600}, (504, "stytch_timeout"), id="timeout"),
    pytest.param({"malformed": True}, (502, "stytch_bad_response"), id="bad-response"),
]


@pytest.fixture(autouse=True)
def _no_retries(fake_stytch: FakeStytch, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "MAX_RETRIES": 0,
        "READ_TIMEOUT": READ_TIMEOUT,
    }


def asks(fake: FakeStytch) -> int:
    return int(fake.stats()["requests"].get(AUTHENTICATE_SESSION, 0))


def with_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


def with_session_token() -> Client:
    client = Client()
    client.cookies[app_settings.SESSION_COOKIE_NAME] = TOKEN
    return client


def assert_refused(response: Any, status: int, code: str) -> None:
    assert (response.status_code, response["Content-Type"]) == (status, "application/json"), response.content
    body = response.json()
    assert (body["code"], set(body)) == (
        code,
        {"code", "message", "fields", "stytch_error_type", "stytch_request_id"},
    )


# -- the middleware and the DRF class: one ask ------------------------------------------------


@pytest.mark.parametrize(("fault", "answer"), OUTAGES)
def test_behind_the_middleware_and_the_drf_class_a_request_asks_stytch_once(
    fake_stytch: FakeStytch, settings: Any, db: None, fault: dict[str, Any], answer: tuple[int, str]
) -> None:
    with_middleware(settings)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, **fault)

    started = time.monotonic()
    response = with_session_token().get("/host/drf/me")
    waited = time.monotonic() - started

    assert_refused(response, *answer)
    assert asks(fake_stytch) == 1
    if answer[1] == "stytch_timeout":
        assert waited < 2 * READ_TIMEOUT  # one timeout waited for, not one per path


def test_behind_the_middleware_and_the_drf_class_the_report_counts_each_request_once(
    fake_stytch: FakeStytch, settings: Any, db: None, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with_middleware(settings)
    client = with_session_token()
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, status=503, error_message=STYTCH_TEXT)

    def get() -> None:
        assert_refused(client.get("/host/drf/me"), 502, "stytch_unavailable")

    for _ in range(REQUESTS):
        get()

    assert asks(fake_stytch) == REQUESTS
    # Each path logs its own line: the middleware let the request on, the view refused it.
    lines = [r.getMessage() for r in caplog.records if r.name == "stytch_discovery.sessions"]
    assert len([line for line in lines if "goes on anonymous" in line]) == REQUESTS
    assert len([line for line in lines if "-> 502 stytch_unavailable" in line]) == REQUESTS
    assert_reported_once_a_minute(
        caplog,
        clock,
        get,
        requests=REQUESTS,
        code="stytch_unavailable",
        consequence="StytchSessionMiddleware let the request go on anonymous",
        secrets=[TOKEN, app_settings.SECRET],
    )
