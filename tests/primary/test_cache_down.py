"""SSO and OAuth as the primary step while Django's cache is down: a start's record must be single
use across the processes, so without the cache the start and the callback refuse, with
``cache_unavailable``, and the pending step stays for when the cache is back.

The throttles are off here (with the cache down they answer ``throttle_unavailable`` first).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.primary import redirects, services
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, stytch_calls
from tests.helpers.down_cache import CacheOutage, cache_outage, redirect_browser, without_throttles
from tests.helpers.mfa import enter, ist_of, outbox, seed_mfa
from tests.helpers.redirects import error_of, start

__all__ = ["cache_outage"]  # the fixture, imported for pytest

CONNECTION = "saml-connection-test-wayne"
STARTS = [
    pytest.param("primary/sso/start", "wayne", id="sso"),
    pytest.param("primary/oauth/google/start", "google", id="oauth"),
]


@pytest.fixture
def browser(fake_stytch: FakeStytch, settings: Any, db: None) -> APIClient:
    client = redirect_browser(settings, fake_stytch.public_token)
    fake_stytch.seed(
        {
            "organizations": [
                {
                    "organization_slug": "wayne",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["sso"],
                    "sso_connections": [{"connection_id": CONNECTION, "display_name": "Wayne SSO"}],
                },
                {
                    "organization_slug": "google",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["google_oauth"],
                },
            ],
            "members": [
                {"organization_slug": "wayne", "email_address": EMAIL},
                {"organization_slug": "google", "email_address": EMAIL},
            ],
        }
    )
    return client


@pytest.mark.parametrize(("path", "slug"), STARTS)
def test_a_start_is_refused_before_the_browser_leaves(
    browser: APIClient,
    fake_stytch: FakeStytch,
    cache_outage: CacheOutage,
    caplog: pytest.LogCaptureFixture,
    path: str,
    slug: str,
) -> None:
    enter(browser, fake_stytch, slug)
    cache_outage.begin()

    response = start(browser, path)

    assert error_of(response) == "cache_unavailable"
    assert redirects.cookie_name() not in response.cookies  # nothing to come back to
    assert app_settings.PENDING_COOKIE_NAME not in response.cookies  # the step stays
    cache_outage.assert_logged_safely(caplog, ist_of(browser))


@pytest.mark.parametrize(("path", "slug"), STARTS)
def test_a_callback_is_refused_without_a_stytch_call(
    browser: APIClient,
    fake_stytch: FakeStytch,
    cache_outage: CacheOutage,
    caplog: pytest.LogCaptureFixture,
    path: str,
    slug: str,
) -> None:
    enter(browser, fake_stytch, slug)
    started = start(browser, path)
    assert error_of(started) is None, started["Location"]
    callback = urlsplit(fake_stytch.sign_in(started["Location"], EMAIL))
    state = browser.cookies[redirects.cookie_name()].value
    before = stytch_calls(fake_stytch)
    cache_outage.begin()

    response = browser.get(f"{callback.path}?{callback.query}")

    assert error_of(response) == "cache_unavailable"
    assert app_settings.SESSION_COOKIE_NAME not in response.cookies
    assert app_settings.PENDING_COOKIE_NAME not in response.cookies  # the step stays
    assert stytch_calls(fake_stytch) == before
    assert not [
        r
        for r in fake_stytch.requests()
        if r["path"] in (services.AUTHENTICATE_SSO, services.AUTHENTICATE_OAUTH)
    ]
    cache_outage.assert_logged_safely(caplog, state, ist_of(browser), callback.query)


def test_a_replayed_email_step_mails_the_member_and_is_refused_by_stytch(
    fake_stytch: FakeStytch,
    settings: Any,
    db: None,
    cache_outage: CacheOutage,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed_mfa(fake_stytch)
    without_throttles(settings)
    cache_outage.begin()
    client = APIClient()
    enter(client, fake_stytch, "links", factors=("email_otp",))
    ist = ist_of(client)
    replayed = {name: morsel.value for name, morsel in client.cookies.items()}
    assert post(client, "primary/magic-links/send", {}).status_code == 200
    first = urlsplit(outbox(fake_stytch, "magic_link")[-1]["url"])
    done = client.get(f"{first.path}?{first.query}")
    assert (done.status_code, done["Location"]) == (302, "/"), done.content
    assert done.cookies[app_settings.SESSION_COOKIE_NAME].value
    attacker = APIClient()
    attacker.raise_request_exception = False
    for name, value in replayed.items():
        attacker.cookies[name] = value

    resent = post(attacker, "primary/magic-links/send", {})
    link = urlsplit(outbox(fake_stytch, "magic_link")[-1]["url"])
    refused = attacker.get(f"{link.path}?{link.query}")

    # The send carries no IST: the member's own address gets another link. The spent IST, which the
    # cache cannot remember now, goes on to Stytch, which consumed it and refuses it. (A code step
    # does not get that far with the cache down: its wrong-code budget cannot be counted, 503.)
    assert (resent.status_code, resent.json()["email_address"]) == (200, EMAIL)
    assert error_of(refused) == "intermediate_session_invalid"
    checked = [r["json"] for r in fake_stytch.requests() if r["path"] == services.AUTHENTICATE_MAGIC_LINK]
    assert [body["intermediate_session_token"] for body in checked] == [ist, ist]
    cache_outage.assert_logged_safely(caplog, ist, first.query, link.query)
