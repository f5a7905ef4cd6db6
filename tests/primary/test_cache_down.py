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
from tests.helpers.api import EMAIL, stytch_calls
from tests.helpers.down_cache import CacheOutage, cache_outage, without_throttles
from tests.helpers.mfa import enter, ist_of
from tests.helpers.redirects import error_of, start

__all__ = ["cache_outage"]  # the fixture, imported for pytest

CONNECTION = "saml-connection-test-wayne"
STARTS = [
    pytest.param("primary/sso/start", "wayne", id="sso"),
    pytest.param("primary/oauth/google/start", "google", id="oauth"),
]


@pytest.fixture
def browser(fake_stytch: FakeStytch, settings: Any, db: None) -> APIClient:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": fake_stytch.public_token,
        "OAUTH_PROVIDERS": ["google"],
    }
    without_throttles(settings)
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
    client = APIClient()
    client.raise_request_exception = False
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
