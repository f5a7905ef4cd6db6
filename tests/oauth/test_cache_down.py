"""OAuth discovery while Django's cache is down: a flow's state must be single use across the
processes, so without the cache the start and the callback refuse, with ``cache_unavailable``.

The throttles are off here (with the cache down they answer ``throttle_unavailable`` first).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.oauth import services
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, seed_orgs, stytch_calls, url
from tests.helpers.down_cache import CacheOutage, cache_outage, redirect_browser
from tests.helpers.mfa import calls_to

__all__ = ["cache_outage"]  # the fixture, imported for pytest

UNAVAILABLE = "/app?stytch_discovery_error=cache_unavailable"


@pytest.fixture
def browser(settings: Any, fake_stytch: FakeStytch, db: None) -> APIClient:
    client = redirect_browser(settings, fake_stytch.public_token)
    seed_orgs(fake_stytch)
    return client


def start(client: APIClient) -> Any:
    return client.get(url("discovery/oauth/google/start"), {"next": "/app"})


def test_a_start_is_refused_before_the_browser_leaves(
    browser: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture
) -> None:
    cache_outage.begin()

    response = start(browser)

    assert (response.status_code, response["Location"]) == (302, UNAVAILABLE)
    assert app_settings.OAUTH_STATE_COOKIE_NAME not in response.cookies  # nothing to come back to
    cache_outage.assert_logged_safely(caplog)


def test_a_callback_is_refused_without_a_stytch_call(
    browser: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture
) -> None:
    started = start(browser)
    callback = urlsplit(fake_stytch.sign_in(started["Location"], EMAIL))
    token = parse_qs(callback.query)["token"][0]
    state = browser.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value
    before = stytch_calls(fake_stytch)
    cache_outage.begin()

    response = browser.get(f"{callback.path}?{callback.query}", HTTP_ACCEPT="text/html")

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["stytch_discovery_error"] == ["cache_unavailable"]
    assert app_settings.IST_COOKIE_NAME not in response.cookies
    assert calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_OAUTH) == []
    assert stytch_calls(fake_stytch) == before
    cache_outage.assert_logged_safely(caplog, token, state)
