"""CSRF for every unsafe view, no open redirect, and tokens kept out of URLs and error reports."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.views.debug import ExceptionReporter
from django.views.decorators.debug import sensitive_variables
from requests.adapters import HTTPAdapter
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.discovery import services as discovery_services
from stytch_discovery.magic_links import services as magic_link_services
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, seed_orgs, stytch_calls, url
from tests.testapp.models import User

#: Every POST endpoint, with a body that passes validation.
POSTS = [
    ("discovery/magic-links/send", {"email_address": EMAIL}),
    ("discovery/otps/send", {"email_address": EMAIL}),
    ("discovery/organizations", {}),
    ("discovery/organizations/create", {"organization_slug": "fresh"}),
    ("discovery/intermediate-sessions/exchange", {"organization_id": "acme"}),
    ("logout", {}),
]


@pytest.fixture
def browser(db: None) -> APIClient:
    """A client that enforces CSRF and holds the csrftoken cookie, but sends no header yet."""
    client = APIClient(enforce_csrf_checks=True)
    client.get(url("csrf"))
    return client


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_csrf_is_refused_without_the_token(
    browser: APIClient, fake_stytch: FakeStytch, path: str, body: dict[str, Any]
) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(browser, fake_stytch)
    response = post(browser, path, body)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert stytch_calls(fake_stytch) == 0


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_csrf_is_accepted_with_the_token(
    browser: APIClient, fake_stytch: FakeStytch, path: str, body: dict[str, Any]
) -> None:
    seed_orgs(fake_stytch)
    ist_cookie(browser, fake_stytch)
    token = browser.cookies["csrftoken"].value
    response = post(browser, path, body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code in (200, 201), response.content


def test_csrf_is_enforced_for_signed_in_django_users_too(browser: APIClient, fake_stytch: FakeStytch) -> None:
    browser.force_login(User.objects.create(username="ada", email=EMAIL))
    ist_cookie(browser, fake_stytch)
    assert post(browser, "discovery/organizations").json()["code"] == "csrf_failed"


def test_csrf_header_without_the_cookie_is_refused(db: None, fake_stytch: FakeStytch) -> None:
    client = APIClient(enforce_csrf_checks=True)
    token = client.get(url("csrf")).json()["csrf_token"]
    del client.cookies["csrftoken"]
    response = post(client, "discovery/magic-links/send", {"email_address": EMAIL}, HTTP_X_CSRFTOKEN=token)
    assert response.json()["code"] == "csrf_failed"


def test_csrf_from_a_foreign_origin_is_refused(browser: APIClient, fake_stytch: FakeStytch) -> None:
    token = browser.cookies["csrftoken"].value
    response = post(
        browser,
        "discovery/magic-links/send",
        {"email_address": EMAIL},
        HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.json()["code"] == "csrf_failed"


# -- the magic link ------------------------------------------------------------------------------


def magic_link(api: APIClient, fake: FakeStytch, next_url: str | None) -> Any:
    post(api, "discovery/magic-links/send", {"email_address": EMAIL})
    link = urlsplit(fake.outbox()[-1]["url"])
    query = f"{link.query}&{urlencode({'next': next_url})}" if next_url is not None else link.query
    return api.get(f"{link.path}?{query}")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "http://testserver/over-plain-http",
        "https://testserver.evil.example/",
        "https://evil.example@testserver.evil.example/",
        "http://[",  # no URL at all to Python's parser (it raises)
        "https://[x]/",
        "//[::1",
    ],
)
def test_open_redirect_attempts_land_on_the_configured_page(
    api: APIClient, fake_stytch: FakeStytch, target: str
) -> None:
    response = magic_link(api, fake_stytch, target)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[app_settings.IST_COOKIE_NAME].value


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "http://[", "https://[x]/"])
def test_open_redirect_attempts_are_refused_on_failure_too(api: APIClient, target: str) -> None:
    response = api.get(url("discovery/magic-links/authenticate"), {"token": "bad", "next": target})
    assert response["Location"] == "/?stytch_discovery_error=stytch_unavailable"


@pytest.mark.parametrize(
    ("target", "debug"),
    [
        ("https://testserver/app", False),
        ("https://app.example/organizations", False),
        ("http://localhost:5173/app", False),
        ("http://testserver/app", True),
    ],
)
def test_allowed_redirects(
    api: APIClient, fake_stytch: FakeStytch, settings: Any, target: str, debug: bool
) -> None:
    settings.DEBUG = debug
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "ALLOWED_REDIRECT_HOSTS": ["app.example", "localhost:5173"],
    }
    assert magic_link(api, fake_stytch, target)["Location"] == target


def test_login_redirect_url_setting_is_the_default_target(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "LOGIN_REDIRECT_URL": "/app/?step=pick"}
    assert magic_link(api, fake_stytch, None)["Location"] == "/app/?step=pick"
    bad = api.get(url("discovery/magic-links/authenticate"), {"token": "unknown"})
    assert bad["Location"] == "/app/?step=pick&stytch_discovery_error=magic_link_invalid"


# -- error reports --------------------------------------------------------------------------------


def report_text(response: Any) -> str:
    """What Django's AdminEmailHandler would mail (text and HTML, with frame locals)."""
    reporter = ExceptionReporter(response.wsgi_request, *response.exc_info)
    return f"{reporter.get_traceback_text()}\n{reporter.get_traceback_html()}"


@sensitive_variables()
def _bug(*args: Any, **kwargs: Any) -> Any:
    """A stand-in for a bug below this app; it hides its own locals like library code would not."""
    raise RuntimeError("a bug")


def test_error_report_redacts_tokens(
    db: None, fake_stytch: FakeStytch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discovery_services, "exchange_intermediate_session", _bug)
    client = Client(raise_request_exception=False)
    cookie_token = fake_stytch.mint_intermediate_session(EMAIL)
    body_token = fake_stytch.mint_intermediate_session(EMAIL)
    client.cookies[app_settings.IST_COOKIE_NAME] = cookie_token
    client.cookies[app_settings.SESSION_COOKIE_NAME] = "session-cookie-token"
    response = client.post(
        url("discovery/intermediate-sessions/exchange"),
        {"organization_id": "acme", "intermediate_session_token": body_token},
        content_type="application/json",
    )
    assert response.status_code == 500
    text = report_text(response)
    assert "a bug" in text
    for token in (cookie_token, body_token, "session-cookie-token"):
        assert token not in text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("discovery/organizations/create", {"organization_slug": "fresh"}),
        ("discovery/intermediate-sessions/exchange", {"organization_id": "acme"}),
        ("discovery/organizations", {}),
    ],
)
def test_error_report_from_deep_in_the_services_redacts_tokens(
    db: None, fake_stytch: FakeStytch, monkeypatch: pytest.MonkeyPatch, path: str, body: dict[str, Any]
) -> None:
    # Below StytchClient.post, so every frame of this app (view, service, client) is in the report.
    monkeypatch.setattr(HTTPAdapter, "send", _bug)
    client = Client(raise_request_exception=False)
    token = fake_stytch.mint_intermediate_session(EMAIL)
    response = client.post(
        url(path), {**body, "intermediate_session_token": token}, content_type="application/json"
    )
    assert response.status_code == 500
    text = report_text(response)
    assert "a bug" in text
    assert "in _attempt" in text  # the transport's own frame
    assert token not in text


def test_magic_link_token_is_scrubbed_from_the_request_once_read(
    db: None, fake_stytch: FakeStytch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(magic_link_services, "authenticate_discovery_magic_link", _bug)
    client = Client(raise_request_exception=False)
    magic = secrets.token_urlsafe(32)
    response = client.get(url("discovery/magic-links/authenticate"), {"token": magic, "next": "/app"})
    assert response.status_code == 500
    text = report_text(response)
    assert magic not in text
    assert response.wsgi_request.META["QUERY_STRING"] == "token=********************&next=%2Fapp"
    assert stytch_calls(fake_stytch) == 0
