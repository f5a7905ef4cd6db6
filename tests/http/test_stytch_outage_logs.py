"""What Stytch failing every request writes to the logs: each request its own line at WARNING, the
failure once a minute per process at ERROR (naming the code, Stytch's error type and the endpoint,
counting the ones it left out, never a token, the secret or Stytch's text), and nothing on Django's
request logger, which logs every 5xx at ERROR and by default mails each to the admins."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import EXCHANGE_INTERMEDIATE_SESSION
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, seed_orgs
from tests.helpers.down_cache import Clock, clock, without_throttles
from tests.helpers.outages import STYTCH_TEXT, assert_reported_once_a_minute, loud

__all__ = ["clock"]  # the fixture, imported for pytest

REQUESTS = 5
EXCHANGE = "discovery/intermediate-sessions/exchange"

FAILURES = [
    pytest.param({"status": 503}, 502, "stytch_unavailable", id="5xx"),
    pytest.param({"drop": True}, 502, "stytch_unavailable", id="dropped"),
    pytest.param({"malformed": True}, 502, "stytch_bad_response", id="not-json"),
    pytest.param({"latency_ms": 1500}, 504, "stytch_timeout", id="too-slow"),
    # The server's own fault fails every request alike too, so it is reported the same way.
    pytest.param({"status": 401}, 502, "stytch_misconfigured", id="misconfigured"),
]


@pytest.fixture
def failing(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "READ_TIMEOUT": 0.2, "MAX_RETRIES": 0}


@pytest.mark.parametrize(("fault", "status", "code"), FAILURES)
def test_stytch_failing_every_request_is_reported_once_a_minute(
    api: APIClient,
    fake_stytch: FakeStytch,
    failing: None,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    fault: dict[str, Any],
    status: int,
    code: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    seed_orgs(fake_stytch)
    if "status" in fault:
        fault = {**fault, "error_message": STYTCH_TEXT}
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, count=100, **fault)
    tokens: list[str] = []

    def exchange() -> None:
        tokens.append(ist_cookie(api, fake_stytch))
        response = post(api, EXCHANGE, {"organization_id": "acme"})
        assert (response.status_code, response.json()["code"]) == (status, code), response.content

    for _ in range(REQUESTS):
        exchange()

    lines = [
        r
        for r in caplog.records
        if r.name == "stytch_discovery.views" and f"-> {status} {code}" in r.getMessage()
    ]
    assert len(lines) == REQUESTS
    assert {line.levelno for line in lines} == {logging.WARNING}
    assert_reported_once_a_minute(
        caplog,
        clock,
        exchange,
        requests=REQUESTS,
        code=code,
        consequence="intermediate-session-exchange refused the request",
        secrets=[*tokens, app_settings.SECRET],
    )
    assert len([r for r in loud(caplog) if r.name == "stytch_discovery.views"]) == REQUESTS + 2


def test_no_credentials_is_reported_once_a_minute(
    api: APIClient,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.delenv("STYTCH_SECRET", raising=False)
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "SECRET": None}
    without_throttles(settings)  # the send throttle would refuse the sixth first

    def send() -> None:
        response = post(api, "discovery/magic-links/send", {"email_address": EMAIL})
        assert (response.status_code, response.json()["code"]) == (503, "stytch_not_configured")

    for _ in range(REQUESTS):
        send()

    assert_reported_once_a_minute(
        caplog,
        clock,
        send,
        requests=REQUESTS,
        code="stytch_not_configured",
        consequence="magic-link-send refused the request",
        secrets=[],
    )
    lines = [r for r in caplog.records if r.name == "stytch_discovery.views"]
    assert [line.levelno for line in lines] == [logging.WARNING] * (REQUESTS + 2)


def test_a_rate_limit_is_no_outage_report(
    api: APIClient, fake_stytch: FakeStytch, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Stytch's 429 may be one address's limit, not the service's; Django logs a 429 at WARNING."""
    caplog.set_level(logging.DEBUG)
    seed_orgs(fake_stytch)
    fake_stytch.add_fault(EXCHANGE_INTERMEDIATE_SESSION, count=100, retry_after=7)
    for _ in range(REQUESTS):
        ist_cookie(api, fake_stytch)
        assert post(api, EXCHANGE, {"organization_id": "acme"}).status_code == 429

    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    lines = [
        r
        for r in caplog.records
        if r.name == "stytch_discovery.views" and "429 stytch_rate_limited" in r.getMessage()
    ]
    assert [line.levelno for line in lines] == [logging.WARNING] * REQUESTS


def test_a_link_target_reports_the_outage_too(
    fake_stytch: FakeStytch, db: None, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A link target answers with a redirect (which Django does not log), and reports the outage."""
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault("/v1/b2b/magic_links/discovery/authenticate", count=100, status=503)
    browser = APIClient()
    for _ in range(REQUESTS):
        response = browser.get("/api/stytch/discovery/magic-links/authenticate", {"token": "a" * 44})
        assert response.status_code == 302
        assert response["Location"].endswith("stytch_discovery_error=stytch_unavailable")

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage().rpartition(": ")[2]) for r in errors] == [
        ("stytch_discovery.client", "magic-link-authenticate refused the request")
    ]
