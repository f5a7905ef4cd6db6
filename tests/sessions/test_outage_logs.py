"""A host's own views while Stytch fails every request that must ask it about the session (the
remote ``sessions/authenticate`` fallback): behind ``StytchSessionAuthentication``, a permission
class or a decorator the answer is the documented 5xx, logged by this app once per request at
WARNING and kept off Django's request logger, the outage reported at ERROR once a minute; behind
the middleware the request goes on anonymous, and the outage is reported the same way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stytch_discovery.conf import app_settings
from stytch_discovery.sessions.services import AUTHENTICATE_SESSION
from stytch_discovery.testing import FakeStytch
from tests.helpers.down_cache import Clock, clock
from tests.helpers.outages import STYTCH_TEXT, assert_reported_once_a_minute, errors
from tests.helpers.sessions import OPAQUE_TOKEN, signed_in_reader, with_session_token

__all__ = ["clock"]  # the fixture, imported for pytest

REQUESTS = 5


def opaque_token_holder(fake: FakeStytch) -> Client:
    return with_session_token()


def reader(fake: FakeStytch) -> Client:
    client, _ = signed_in_reader(fake)
    return client


#: (path, the client, who refuses the request: the name of the host's view)
REFUSING = [
    pytest.param("/host/drf/me", opaque_token_holder, "tests.testapp.views.MemberView", id="authentication"),
    pytest.param(
        "/host/drf/remote-documents",
        reader,
        "tests.testapp.views.RemoteDocumentsView",
        id="remote-permission",
    ),
    pytest.param("/host/plain/me", opaque_token_holder, "tests.testapp.views.plain_member", id="decorator"),
]


def host_lines(caplog: pytest.LogCaptureFixture, fragment: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "stytch_discovery.sessions" and fragment in r.getMessage()]


@pytest.mark.parametrize(("path", "make_client", "view"), REFUSING)
def test_a_host_view_stytch_fails_for_logs_each_request_once_and_the_outage_once_a_minute(
    fake_stytch: FakeStytch,
    db: None,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    path: str,
    make_client: Callable[[FakeStytch], Client],
    view: str,
) -> None:
    client = make_client(fake_stytch)
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, status=503, error_message=STYTCH_TEXT)

    def get() -> None:
        response = client.get(path)
        assert (response.status_code, response.json()["code"]) == (502, "stytch_unavailable"), (
            response.content
        )

    for _ in range(REQUESTS):
        get()

    lines = host_lines(caplog, f"stytch_discovery {view} -> 502 stytch_unavailable")
    assert [line.levelno for line in lines] == [logging.WARNING] * REQUESTS
    assert_reported_once_a_minute(
        caplog,
        clock,
        get,
        requests=REQUESTS,
        code="stytch_unavailable",
        consequence=f"{view} refused the request",
        secrets=[
            OPAQUE_TOKEN,
            app_settings.SECRET,
            *(morsel.value for morsel in client.cookies.values() if morsel.value),
        ],
    )
    assert len(host_lines(caplog, "-> 502 stytch_unavailable")) == REQUESTS + 2


def test_behind_the_middleware_requests_go_on_anonymous_and_the_outage_is_reported_once_a_minute(
    fake_stytch: FakeStytch, settings: Any, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    client = with_session_token()
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, status=503, error_message=STYTCH_TEXT)

    def get() -> None:
        response = client.get("/host/plain/whoami")
        assert (response.status_code, response.json()["member_id"]) == (200, None)

    for _ in range(REQUESTS):
        get()

    assert len(host_lines(caplog, "not verified")) == REQUESTS
    assert_reported_once_a_minute(
        caplog,
        clock,
        get,
        requests=REQUESTS,
        code="stytch_unavailable",
        consequence="StytchSessionMiddleware let the request go on anonymous",
        secrets=[OPAQUE_TOKEN, app_settings.SECRET],
    )


def test_a_host_views_rate_limited_check_is_logged_per_request_and_not_reported(
    fake_stytch: FakeStytch, db: None, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = with_session_token()
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, retry_after=7)
    for _ in range(REQUESTS):
        assert client.get("/host/drf/me").status_code == 429

    assert not errors(caplog)
    lines = host_lines(caplog, "-> 429 stytch_rate_limited")
    assert [line.levelno for line in lines] == [logging.WARNING] * REQUESTS
