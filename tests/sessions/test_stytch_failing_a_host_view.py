"""A host's own views when Stytch fails the one call a request needs about its member session.

- Behind both ``StytchSessionMiddleware`` and ``StytchSessionAuthentication``, a request asks Stytch
  once: the middleware lets it go on anonymous, the DRF class answers the documented 5xx, and the
  outage report counts the request once.
- A member not linked yet whose JWT verified here costs a Stytch call the first time the view reads
  ``request.user``: failing, it is the documented refusal (502/504, or 401 when the session died at
  Stytch), in a DRF view, a plain view behind the middleware and a decorated one; never a 500 (and
  its traceback, and its mail to the admins), never a user.
- Read only while the view's answer renders (a lazy DRF view's browsable page, a template), the
  failure is that answer too.

Real HTTP to the fake Stytch, its faults making the outage; no retries, so one ask is one call.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.test import Client

from stytch_discovery.conf import app_settings
from stytch_discovery.models import StytchMember
from stytch_discovery.sessions.services import AUTHENTICATE_SESSION, revoke_session
from stytch_discovery.testing import FakeStytch
from tests.helpers.down_cache import Clock, clock
from tests.helpers.outages import STYTCH_TEXT, assert_reported_once_a_minute
from tests.helpers.sessions import (
    OPAQUE_TOKEN,
    seed_member_of,
    started_elsewhere,
    with_session_cookies,
    with_session_token,
)

__all__ = ["clock"]  # the fixture, imported for pytest

MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"
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


def assert_refused(response: Any, status: int, code: str) -> None:
    assert (response.status_code, response["Content-Type"]) == (status, "application/json"), response.content
    body = response.json()
    assert (body["code"], set(body)) == (
        code,
        {"code", "message", "fields", "stytch_error_type", "stytch_request_id"},
    )


def django_request_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Django's "Internal Server Error" with its traceback, or a 5xx not marked as logged: each
    mailed to the admins under Django's default ``LOGGING``."""
    return [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


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
        secrets=[OPAQUE_TOKEN, app_settings.SECRET],
    )


# -- request.user of a member not linked yet ----------------------------------------------------


@pytest.fixture
def unlinked(fake_stytch: FakeStytch, db: None) -> dict[str, Any]:
    """A session started at Stytch directly (a frontend SDK): its JWT verifies here, but who its
    member is only Stytch can say, the first time a view reads ``request.user``."""
    organizations = seed_member_of(fake_stytch, "acme")
    return started_elsewhere(fake_stytch, organizations["acme"])


def unlinked_browser(settings: Any, unlinked: dict[str, Any], *, middleware: bool) -> Client:
    """A browser holding the unlinked member's cookies, the middleware installed or not."""
    if middleware:
        with_middleware(settings)
    return with_session_cookies(Client(), unlinked)


#: (path, whether the middleware is installed): a DRF view, a plain view behind the middleware,
#: a decorated plain view; each reads request.user in the view.
READING_THE_USER = [
    pytest.param("/host/drf/me", False, id="drf"),
    pytest.param("/host/plain/whoami", True, id="middleware"),
    pytest.param("/host/plain/me", False, id="decorator"),
    pytest.param("/host/drf/me", True, id="drf-and-middleware"),
]


@pytest.mark.parametrize(("path", "middleware"), READING_THE_USER)
@pytest.mark.parametrize(("fault", "answer"), OUTAGES[:2])
def test_a_user_stytch_cannot_name_is_the_documented_refusal_not_a_500(
    fake_stytch: FakeStytch,
    unlinked: dict[str, Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    path: str,
    middleware: bool,
    fault: dict[str, Any],
    answer: tuple[int, str],
) -> None:
    client = unlinked_browser(settings, unlinked, middleware=middleware)
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, **fault)

    response = client.get(path)

    assert_refused(response, *answer)
    assert asks(fake_stytch) == 1  # once, however many times the view reads request.user
    assert not StytchMember.objects.exists()  # no one was guessed at
    assert not django_request_errors(caplog)
    assert any(f"-> {answer[0]} {answer[1]}" in record.getMessage() for record in caplog.records)
    for secret in (unlinked["session_token"], unlinked["session_jwt"], STYTCH_TEXT):
        assert secret not in caplog.text
    assert not response.cookies  # an outage signs no one out


@pytest.mark.parametrize(("path", "middleware"), READING_THE_USER)
def test_a_user_whose_session_died_at_stytch_is_a_401_that_deletes_the_cookies(
    fake_stytch: FakeStytch,
    unlinked: dict[str, Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    path: str,
    middleware: bool,
) -> None:
    client = unlinked_browser(settings, unlinked, middleware=middleware)
    revoke_session(session_token=unlinked["session_token"])  # its JWT still verifies here

    response = client.get(path)

    assert_refused(response, 401, "session_invalid")
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'
    for name in (app_settings.SESSION_COOKIE_NAME, app_settings.SESSION_JWT_COOKIE_NAME):
        assert (response.cookies[name].value, response.cookies[name]["max-age"]) == ("", 0)
    assert not StytchMember.objects.exists()
    assert not django_request_errors(caplog)


@pytest.mark.parametrize(("path", "middleware"), READING_THE_USER)
def test_once_stytch_answers_the_member_is_linked_and_the_view_answers(
    fake_stytch: FakeStytch, unlinked: dict[str, Any], settings: Any, path: str, middleware: bool
) -> None:
    """The same requests without the fault: what the refusals above stand in for."""

    response = unlinked_browser(settings, unlinked, middleware=middleware).get(path)

    assert response.status_code == 200, response.content
    assert response.json()["user"] == unlinked["member"]["email_address"]
    assert StytchMember.objects.get().member_id == unlinked["member"]["member_id"]


def test_a_user_stytch_cannot_name_read_after_the_answer_leaves_the_answer_and_is_anonymous(
    fake_stytch: FakeStytch, unlinked: dict[str, Any], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A middleware of the host's, outside ours, reads request.user once the view has answered:
    too late to refuse, and no reason for a 500; the answer stands, the user is anonymous."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.testapp.middleware.UserHeaderMiddleware", MIDDLEWARE]
    client = with_session_cookies(Client(), unlinked)
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, status=503, error_message=STYTCH_TEXT)

    response = client.get("/host/plain/session")

    assert response.status_code == 200
    assert (response.json()["member_id"], response["X-User"]) == (
        unlinked["member"]["member_id"],
        "anonymous",
    )
    assert asks(fake_stytch) == 1
    assert not StytchMember.objects.exists()
    assert not django_request_errors(caplog)
    assert any("after the answer" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    for secret in (unlinked["session_token"], unlinked["session_jwt"], STYTCH_TEXT):
        assert secret not in caplog.text


# -- read while the answer renders ----------------------------------------------------------------


def html(client: Client, path: str) -> Any:
    return client.get(path, HTTP_ACCEPT="text/html")


#: (path, whether the middleware is installed): pages that read request.user while they render.
RENDERING = [
    pytest.param("/host/drf/lazy", False, id="lazy-drf"),
    pytest.param("/host/drf/lazy", True, id="lazy-drf-and-middleware"),
    pytest.param("/host/plain/page", True, id="template-and-middleware"),
    pytest.param("/host/plain/member-page", False, id="template-and-decorator"),
]


@pytest.mark.parametrize(("path", "middleware"), RENDERING)
def test_a_user_stytch_cannot_name_while_the_answer_renders_is_the_refusal(
    fake_stytch: FakeStytch,
    unlinked: dict[str, Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    path: str,
    middleware: bool,
) -> None:
    client = unlinked_browser(settings, unlinked, middleware=middleware)
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, status=503, error_message=STYTCH_TEXT)

    response = html(client, path)

    assert_refused(response, 502, "stytch_unavailable")
    assert unlinked["member"]["email_address"] not in response.content.decode()
    assert asks(fake_stytch) == 1
    assert not django_request_errors(caplog)
    assert unlinked["session_token"] not in caplog.text


def test_a_lazy_drf_views_session_stytch_cannot_check_is_the_refusal_not_a_500(
    fake_stytch: FakeStytch, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(AUTHENTICATE_SESSION, count=100, status=503)

    response = html(with_session_token(), "/host/drf/lazy")

    assert_refused(response, 502, "stytch_unavailable")
    assert asks(fake_stytch) == 1
    assert not django_request_errors(caplog)
    assert any("LazyView -> 502 stytch_unavailable" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("cookie", "value"),
    [
        pytest.param(app_settings.SESSION_JWT_COOKIE_NAME, "a.b.c", id="malformed-jwt"),
        pytest.param(app_settings.SESSION_COOKIE_NAME, OPAQUE_TOKEN, id="token-stytch-never-issued"),
    ],
)
def test_a_lazy_drf_views_invalid_session_is_a_401_that_deletes_its_cookie(
    fake_stytch: FakeStytch, db: None, caplog: pytest.LogCaptureFixture, cookie: str, value: str
) -> None:
    client = Client()
    client.cookies[cookie] = value

    response = html(client, "/host/drf/lazy")

    assert_refused(response, 401, "session_invalid")
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'
    assert (response.cookies[cookie].value, response.cookies[cookie]["max-age"]) == ("", 0)
    assert not django_request_errors(caplog)
