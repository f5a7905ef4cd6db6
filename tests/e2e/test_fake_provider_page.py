"""The fake Stytch's identity-provider page in a real browser: pick a person or type an email, Continue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from stytch_discovery.testing import FakeStytch

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.browser

CALLBACK = "http://callback.test/cb"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)

    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="text/plain", body="back at the app")

    page.route(f"{CALLBACK}**", answer)  # the app's callback: nothing listens there
    yield page
    context.close()


def token_from(url: str, token_type: str) -> str:
    query = parse_qs(urlsplit(url).query)
    assert query["stytch_token_type"] == [token_type]
    return query["token"][0]


def authenticate(fake: FakeStytch, path: str, body: dict[str, str]) -> requests.Response:
    return requests.post(fake.base_url + path, json=body, auth=(fake.project_id, fake.secret), timeout=10)


def test_picking_a_seeded_person_finishes_oauth_discovery(page: Page, fake_stytch: FakeStytch) -> None:
    fake_stytch.seed(
        {
            "organizations": [{"organization_slug": "acme"}],
            "members": [
                {"organization_slug": "acme", "email_address": "ada@acme.example", "name": "Ada Lovelace"}
            ],
        }
    )
    query = urlencode({"public_token": fake_stytch.public_token, "discovery_redirect_url": CALLBACK})
    page.goto(f"{fake_stytch.base_url}/v1/b2b/public/oauth/google/discovery/start?{query}")
    page.get_by_label("Ada Lovelace <ada@acme.example>").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{CALLBACK}?**")

    token = token_from(page.url, "discovery_oauth")
    answer = authenticate(
        fake_stytch, "/v1/b2b/oauth/discovery/authenticate", {"discovery_oauth_token": token}
    )
    assert answer.json()["email_address"] == "ada@acme.example"
    assert [
        found["organization"]["organization_slug"] for found in answer.json()["discovered_organizations"]
    ] == ["acme"]


def test_typing_an_email_finishes_sso(page: Page, fake_stytch: FakeStytch) -> None:
    fake_stytch.seed(
        {
            "organizations": [
                {
                    "organization_slug": "wayne",
                    "organization_name": "Wayne Enterprises",
                    "sso_connections": [
                        {"connection_id": "saml-connection-test-wayne", "display_name": "Okta"}
                    ],
                }
            ]
        }
    )
    query = urlencode(
        {
            "public_token": fake_stytch.public_token,
            "connection_id": "saml-connection-test-wayne",
            "login_redirect_url": CALLBACK,
        }
    )
    page.goto(f"{fake_stytch.base_url}/v1/public/sso/start?{query}")
    assert page.title() == "Sign in to Wayne Enterprises (Okta) (fake)"
    page.get_by_label("Or another email").fill("lucius@wayne.example")
    page.get_by_label("Full name (optional)").fill("Lucius Fox")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{CALLBACK}?**")

    answer = authenticate(fake_stytch, "/v1/b2b/sso/authenticate", {"sso_token": token_from(page.url, "sso")})
    assert answer.json()["member_authenticated"] is True
    assert answer.json()["member"]["email_address"] == "lucius@wayne.example"
