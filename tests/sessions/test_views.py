"""Happy paths of every endpoint, against the fake Stytch over loopback HTTP."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, url

TOKEN_NAMES = ("session_token", "session_jwt", "intermediate_session_token")


def cookie_attrs(response: Any, name: str) -> Any:
    return response.cookies[name]


def test_csrf_bootstrap_returns_token_and_sets_cookie(api: APIClient) -> None:
    response = api.get(url("csrf"))
    assert response.status_code == 200
    assert response.json()["csrf_token"]
    assert "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"]


def follow_magic_link(api: APIClient, fake: FakeStytch, **extra_query: str) -> Any:
    post(api, "discovery/magic-links/send", {"email_address": EMAIL})
    link = urlsplit(fake.outbox()[-1]["url"])
    query = {key: values[0] for key, values in parse_qs(link.query).items()} | extra_query
    return api.get(link.path, query, HTTP_ACCEPT="text/html")


def create(api: APIClient, fake: FakeStytch, **fields: Any) -> Any:
    ist_cookie(api, fake)
    return post(
        api,
        "discovery/organizations/create",
        {"organization_name": "Acme", "organization_slug": "acme", **fields},
    )


def test_logout_clears_every_token_cookie(api: APIClient, fake_stytch: FakeStytch) -> None:
    create(api, fake_stytch)
    response = post(api, "logout")
    assert response.status_code == 200
    assert response.json() == {"logged_out": True}
    for name in (
        app_settings.IST_COOKIE_NAME,
        app_settings.SESSION_COOKIE_NAME,
        app_settings.SESSION_JWT_COOKIE_NAME,
    ):
        cookie = response.cookies[name]
        assert (cookie.value, cookie["max-age"], cookie["path"]) == ("", 0, "/")
    assert post(api, "discovery/organizations").json()["code"] == "intermediate_session_required"


def test_logout_revokes_the_stytch_session(api: APIClient, fake_stytch: FakeStytch) -> None:
    session_token = create(api, fake_stytch).cookies[app_settings.SESSION_COOKIE_NAME].value
    assert post(api, "discovery/organizations", {"session_token": session_token}).status_code == 200
    assert post(api, "logout").status_code == 200
    refused = post(api, "discovery/organizations", {"session_token": session_token})
    assert refused.json()["code"] == "session_invalid"


def test_logout_without_cookies_calls_nobody(api: APIClient, fake_stytch: FakeStytch) -> None:
    assert post(api, "logout").json() == {"logged_out": True}
    assert fake_stytch.stats()["requests"] == {}
