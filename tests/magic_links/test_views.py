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


def test_send_magic_link_uses_the_authenticate_view_as_redirect(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    response = post(api, "discovery/magic-links/send", {"email_address": EMAIL, "locale": "fr"})
    assert response.status_code == 200
    assert response.json() == {"email_address": EMAIL, "sent": True}
    (sent,) = fake_stytch.outbox()
    link = urlsplit(sent["url"])
    assert (link.netloc, link.path) == ("testserver", url("discovery/magic-links/authenticate"))
    assert sent["email_address"] == EMAIL


def test_send_magic_link_prefers_the_configured_redirect(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "DISCOVERY_REDIRECT_URL": "https://app.example/auth/callback",
    }
    assert post(api, "discovery/magic-links/send", {"email_address": EMAIL}).status_code == 200
    assert fake_stytch.outbox()[0]["url"].startswith("https://app.example/auth/callback?")


def follow_magic_link(api: APIClient, fake: FakeStytch, **extra_query: str) -> Any:
    post(api, "discovery/magic-links/send", {"email_address": EMAIL})
    link = urlsplit(fake.outbox()[-1]["url"])
    query = {key: values[0] for key, values in parse_qs(link.query).items()} | extra_query
    return api.get(link.path, query, HTTP_ACCEPT="text/html")


def test_magic_link_sets_an_httponly_ist_cookie_and_redirects(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    response = follow_magic_link(api, fake_stytch)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response["Referrer-Policy"] == "no-referrer"
    cookie = response.cookies[app_settings.IST_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 600
    assert cookie.value not in response.content.decode() + response["Location"]


def test_magic_link_honours_a_relative_next(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = follow_magic_link(api, fake_stytch, next="/app/organizations?tab=all")
    assert response["Location"] == "/app/organizations?tab=all"


def create(api: APIClient, fake: FakeStytch, **fields: Any) -> Any:
    ist_cookie(api, fake)
    return post(
        api,
        "discovery/organizations/create",
        {"organization_name": "Acme", "organization_slug": "acme", **fields},
    )
