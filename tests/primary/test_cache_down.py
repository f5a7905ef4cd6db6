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
from tests.helpers.mfa import enter, ist_of, last_code, seed_mfa
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


def test_a_replayed_email_code_step_mails_the_member_and_is_refused_by_stytch(
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
    enter(client, fake_stytch, "codes")
    ist = ist_of(client)
    replayed = {name: morsel.value for name, morsel in client.cookies.items()}
    assert post(client, "primary/email-codes/send", {}).status_code == 200
    first = last_code(fake_stytch, "email_otp")
    done = post(client, "primary/email-codes/authenticate", {"code": first})
    assert (done.status_code, done.json()["member_authenticated"]) == (200, True), done.content
    attacker = APIClient()
    attacker.raise_request_exception = False
    for name, value in replayed.items():
        attacker.cookies[name] = value

    resent = post(attacker, "primary/email-codes/send", {})
    refused = post(
        attacker, "primary/email-codes/authenticate", {"code": last_code(fake_stytch, "email_otp")}
    )

    # The send carries no IST: the member's own address gets another code, which the spent IST cannot use.
    assert (resent.status_code, resent.json()["email_address"]) == (200, EMAIL)
    body = refused.json()
    assert (refused.status_code, body["code"], body["stytch_error_type"]) == (
        401,
        "intermediate_session_invalid",
        "intermediate_session_not_found",
    )
    cache_outage.assert_logged_safely(caplog, ist, first, last_code(fake_stytch, "email_otp"))
