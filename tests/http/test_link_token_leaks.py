"""A link's token leaves the request before anything can fail: no log, report or access line holds it.

Every GET link target, and every way a click can fail before the token is used: another query
parameter invalid, the click throttled, the throttles' cache down (which must not be a 500).
What is checked afterwards is what each reader sees: the WSGI environ gunicorn formats its access
line from, every log record, Django's error report (as AdminEmailHandler mails it) and the mail.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import stytch_calls, url
from tests.helpers.down_cache import DEAD_REDIS, DOWN_CACHE, NEEDS_REDIS

#: Every GET view an emailed link lands on, with the ``stytch_token_type`` it accepts.
LINK_TARGETS = [
    ("discovery/magic-links/authenticate", "discovery"),
    ("primary/magic-links/authenticate", "multi_tenant_magic_links"),
    ("discovery/oauth/authenticate", "discovery_oauth"),
    ("primary/sso/authenticate", "sso"),
    ("primary/oauth/authenticate", "oauth"),
]
LINK_IDS = ["discovery", "primary", "discovery-oauth", "primary-sso", "primary-oauth"]


@pytest.fixture
def admin_mail(settings: Any) -> Iterator[None]:
    """Django's request logger mailing the admins, as a production site has it."""
    settings.ADMINS = [("Ops", "ops@example.com")]
    handler = AdminEmailHandler(include_html=True)
    handler.setLevel(logging.ERROR)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)


def bad_query(settings: Any) -> dict[str, str]:
    return {"stytch_token_type": "not-a-token-type"}


def throttled(settings: Any) -> dict[str, str]:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.authenticate": "0/min"},
    }
    return {}


def cache_down(settings: Any) -> dict[str, str]:
    settings.CACHES = DOWN_CACHE
    return {}


def redis_down(settings: Any) -> dict[str, str]:
    settings.CACHES = DEAD_REDIS
    return {}


FAILURES = [
    pytest.param(bad_query, id="bad_query"),
    pytest.param(throttled, id="throttled"),
    pytest.param(cache_down, id="cache_down"),
    pytest.param(redis_down, id="redis_down", marks=NEEDS_REDIS),
]
EXPECTED_CODE = {
    "bad_query": "validation_error",
    "throttled": "throttled",
    "cache_down": "throttle_unavailable",
    "redis_down": "throttle_unavailable",
}


def click(path: str, query: dict[str, str]) -> Any:
    """A browser following the link, through a server that sets RAW_URI and REQUEST_URI (gunicorn, uwsgi)."""
    raw_uri = f"{url(path)}?{urlencode(query)}"
    client = Client(raise_request_exception=False)
    return client.get(url(path), query, HTTP_ACCEPT="text/html", RAW_URI=raw_uri, REQUEST_URI=raw_uri)


def access_log_line(environ: dict[str, Any]) -> str:
    """The parts of gunicorn's access line that come from the request: %(r)s, %(U)s and %(q)s."""
    request_line = f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
    return f'"{request_line}" {environ["PATH_INFO"]} {environ["QUERY_STRING"]} {environ["REQUEST_URI"]}'


@pytest.mark.parametrize(("path", "token_type"), LINK_TARGETS, ids=LINK_IDS)
@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_click_leaves_the_token_nowhere(
    db: None,
    fake_stytch: FakeStytch,
    settings: Any,
    admin_mail: None,
    caplog: pytest.LogCaptureFixture,
    path: str,
    token_type: str,
    failure: Any,
) -> None:
    token = secrets.token_urlsafe(32)
    query = {"token": token, "stytch_token_type": token_type, "next": "/app"} | failure(settings)
    caplog.set_level(logging.DEBUG)

    response = click(path, query)

    assert response.status_code == 302  # a link target answers with a redirect, never a 500
    error = parse_qs(urlsplit(response["Location"]).query)["stytch_discovery_error"]
    assert error == [EXPECTED_CODE[failure.__name__]]
    environ = response.wsgi_request.META
    assert token not in access_log_line(environ)
    assert "token=****" in environ["QUERY_STRING"]
    assert all(token not in record.getMessage() for record in caplog.records)
    report = ExceptionReporter(response.wsgi_request, None, None, None)
    assert token not in report.get_traceback_text() + report.get_traceback_html()
    assert all(
        token not in message.body + str(getattr(message, "alternatives", "")) for message in mail.outbox
    )
    assert stytch_calls(fake_stytch) == 0


@pytest.mark.parametrize(
    "caches", [pytest.param(DOWN_CACHE, id="down"), pytest.param(DEAD_REDIS, id="redis", marks=NEEDS_REDIS)]
)
def test_a_json_view_answers_503_when_the_throttle_cache_is_down(
    db: None, fake_stytch: FakeStytch, settings: Any, caches: dict[str, Any]
) -> None:
    settings.CACHES = caches
    client = Client(raise_request_exception=False)

    response = client.post(
        url("discovery/magic-links/send"),
        {"email_address": "ada@acme.example"},
        content_type="application/json",
    )

    assert response.status_code == 503
    assert response.json()["code"] == "throttle_unavailable"
    assert fake_stytch.outbox() == []


def test_a_token_in_a_posts_query_is_refused_and_blanked(db: None, fake_stytch: FakeStytch) -> None:
    token = secrets.token_urlsafe(32)
    client = Client(raise_request_exception=False)

    response = client.post(
        url(f"discovery/organizations?session_token={token}"), {}, content_type="application/json"
    )

    assert response.status_code == 400
    assert token not in response.wsgi_request.META["QUERY_STRING"]
    assert token not in response.content.decode()
