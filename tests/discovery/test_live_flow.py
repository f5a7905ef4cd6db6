"""The whole flow over real HTTP: a browser-like ``requests`` session against a running server."""

from __future__ import annotations

from typing import Any

import requests

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, PREFIX


class Browser:
    """Keeps cookies like a browser and sends the CSRF header like the SPA's fetch wrapper."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + PREFIX + path
        return self.session.get(url, timeout=10, **kwargs)

    def post(self, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        return self.session.post(
            self.base_url + PREFIX + path, json=body or {}, headers={"X-CSRFToken": self.csrf}, timeout=10
        )

    def sign_in(self, fake: FakeStytch) -> requests.Response:
        assert self.post("discovery/magic-links/send", {"email_address": EMAIL}).json()["sent"] is True
        return self.get(fake.outbox()[-1]["url"], allow_redirects=False)


def test_whole_flow_over_http(live_server: Any, fake_stytch: FakeStytch, settings: Any) -> None:
    # Plain-HTTP test server: a browser would not send Secure cookies back over it.
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "COOKIE_SECURE": False}
    browser = Browser(live_server.url)

    csrf = browser.get("csrf")
    assert csrf.status_code == 200
    browser.csrf = csrf.json()["csrf_token"]
    assert "csrftoken" in browser.session.cookies

    link = browser.sign_in(fake_stytch)
    assert link.status_code == 302
    assert link.headers["Location"] == "/"
    assert browser.session.cookies.get(app_settings.IST_COOKIE_NAME)

    listed = browser.post("discovery/organizations")
    assert listed.status_code == 200
    assert listed.json() == {
        "email_address": EMAIL,
        "organization_id_hint": None,
        "can_create_organization": True,
        "discovered_organizations": [],
    }

    created = browser.post(
        "discovery/organizations/create", {"organization_name": "Acme", "organization_slug": "acme"}
    )
    assert created.status_code == 201
    assert created.json()["member_authenticated"] is True
    assert "session_token" not in created.json()
    assert browser.session.cookies.get(app_settings.SESSION_COOKIE_NAME)
    assert not browser.session.cookies.get(app_settings.IST_COOKIE_NAME)

    by_session = browser.post("discovery/organizations")
    assert [
        item["organization"]["organization_slug"] for item in by_session.json()["discovered_organizations"]
    ] == ["acme"]

    browser.sign_in(fake_stytch)
    entered = browser.post("discovery/intermediate-sessions/exchange", {"organization_id": "acme"})
    assert entered.status_code == 200
    assert entered.json()["organization"]["organization_slug"] == "acme"

    logged_out = browser.post("logout")
    assert logged_out.json() == {"logged_out": True}
    for name in (
        app_settings.SESSION_COOKIE_NAME,
        app_settings.SESSION_JWT_COOKIE_NAME,
        app_settings.IST_COOKIE_NAME,
    ):
        assert not browser.session.cookies.get(name)
    assert browser.post("discovery/organizations").json()["code"] == "intermediate_session_required"


def test_over_http_a_missing_csrf_header_is_refused(live_server: Any, fake_stytch: FakeStytch) -> None:
    browser = Browser(live_server.url)
    browser.get("csrf")
    response = browser.post("discovery/magic-links/send", {"email_address": EMAIL})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert fake_stytch.outbox() == []
