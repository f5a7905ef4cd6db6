"""The OAuth discovery start and the state it binds to the browser (no Stytch call is made here)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import RequestFactory
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal import pkce
from stytch_discovery.oauth import state
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import stytch_calls, url

PUBLIC_TOKEN = "public-token-test-00000000-0000-4000-8000-000000000000"
CALLBACK = "discovery/oauth/authenticate"


@pytest.fixture
def oauth_on(settings: Any, fake_stytch: FakeStytch) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": PUBLIC_TOKEN,
        "OAUTH_PROVIDERS": ["google", "microsoft"],
        "OAUTH_CUSTOM_SCOPES": {"google": ["scope_a", "scope_b"]},
        "OAUTH_PROVIDER_PARAMS": {"google": {"prompt": "select_account"}},
    }


def start(client: APIClient, provider: str = "google", **query: str) -> Any:
    return client.get(url(f"discovery/oauth/{provider}/start"), query)


def taken(cookie_value: str) -> state.OAuthStart:
    request = RequestFactory().get("/")
    request.COOKIES[app_settings.OAUTH_STATE_COOKIE_NAME] = cookie_value
    return state.take(request)


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_start_redirects_to_stytchs_public_discovery_start(
    api: APIClient, fake_stytch: FakeStytch, oauth_on: None
) -> None:
    response = start(api)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}" == fake_stytch.base_url
    assert location.path == "/v1/b2b/public/oauth/google/discovery/start"
    query = query_of(response["Location"])
    assert query["public_token"] == PUBLIC_TOKEN
    assert query["discovery_redirect_url"] == "http://testserver" + url(CALLBACK)
    assert query["custom_scopes"] == "scope_a scope_b"
    assert query["provider_prompt"] == "select_account"
    assert response["Referrer-Policy"] == "no-referrer"
    assert stytch_calls(fake_stytch) == 0


def test_the_challenge_is_s256_of_a_verifier_the_browser_never_sees(api: APIClient, oauth_on: None) -> None:
    response = start(api)
    cookie = response.cookies[app_settings.OAUTH_STATE_COOKIE_NAME]
    state_id = signing.loads(cookie.value, salt=state.SALT)
    verifier = pkce.code_verifier(state_id, salt=state.SALT)

    challenge = query_of(response["Location"])["pkce_code_challenge"]

    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
    assert 43 <= len(verifier) <= 128
    assert verifier not in response["Location"]
    assert verifier not in cookie.value
    assert (cookie["httponly"], cookie["samesite"], cookie["max-age"]) == (True, "Lax", state.STATE_SECONDS)


def test_each_start_draws_a_new_state_and_challenge(api: APIClient, oauth_on: None) -> None:
    first, second = start(api), start(api)

    assert (
        query_of(first["Location"])["pkce_code_challenge"]
        != query_of(second["Location"])["pkce_code_challenge"]
    )
    name = app_settings.OAUTH_STATE_COOKIE_NAME
    assert first.cookies[name].value != second.cookies[name].value


def test_the_configured_callback_wins_and_microsoft_gets_no_google_options(
    api: APIClient, oauth_on: None, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "OAUTH_DISCOVERY_REDIRECT_URL": "https://app.example/api/stytch/discovery/oauth/authenticate",
    }
    query = query_of(start(api, "microsoft")["Location"])

    assert query["discovery_redirect_url"] == "https://app.example/api/stytch/discovery/oauth/authenticate"
    assert "custom_scopes" not in query
    assert not [key for key in query if key.startswith("provider_")]


def test_a_strict_samesite_setting_still_gives_the_state_cookie_lax(
    api: APIClient, oauth_on: None, settings: Any
) -> None:
    # The callback is a cross-site navigation from Stytch: a Strict cookie would not come back.
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "COOKIE_SAMESITE": "Strict"}

    assert start(api).cookies[app_settings.OAUTH_STATE_COOKIE_NAME]["samesite"] == "Lax"


def test_a_provider_that_is_not_on_goes_back_to_the_spa_with_the_error(
    api: APIClient, oauth_on: None, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "OAUTH_PROVIDERS": ["google"]}

    response = start(api, "microsoft")

    assert response.status_code == 302
    assert response["Location"] == "/?stytch_discovery_error=entry_point_disabled"
    assert app_settings.OAUTH_STATE_COOKIE_NAME not in response.cookies


def test_no_public_token_is_stytch_not_configured(api: APIClient, oauth_on: None, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PUBLIC_TOKEN": None}

    response = start(api)

    assert response["Location"] == "/?stytch_discovery_error=stytch_not_configured"
    assert app_settings.OAUTH_STATE_COOKIE_NAME not in response.cookies


def test_an_unsafe_next_is_dropped_and_a_safe_one_kept_for_the_callback(
    api: APIClient, oauth_on: None
) -> None:
    unsafe = start(api, next="https://evil.example/steal")
    safe = start(api, next="/app/picker")

    kept = [
        taken(response.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value) for response in (unsafe, safe)
    ]

    assert [start_.next_url for start_ in kept] == ["/", "/app/picker"]


@pytest.mark.parametrize("target", ["http://[", "https://[x]/", "//[::1"])
def test_a_next_that_is_no_url_is_dropped_too(api: APIClient, oauth_on: None, target: str) -> None:
    response = start(api, next=target)  # Python's URL parser raises on these

    assert response.status_code == 302
    assert taken(response.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value).next_url == "/"


def test_the_session_401_lists_each_provider_that_is_on(api: APIClient, oauth_on: None) -> None:
    flows = api.get(url("session")).json()["flows"]

    assert flows == [
        {"id": "discovery_magic_link"},
        {"id": "discovery_email_code"},
        {"id": "discovery_oauth", "provider": "google", "url": url("discovery/oauth/google/start")},
        {"id": "discovery_oauth", "provider": "microsoft", "url": url("discovery/oauth/microsoft/start")},
    ]


def test_post_is_not_allowed(api: APIClient, oauth_on: None) -> None:
    response = api.post(url("discovery/oauth/google/start"), {}, format="json")

    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")


def test_malformed_provider_settings_offer_nothing_instead_of_failing(
    api: APIClient, oauth_on: None, settings: Any
) -> None:
    # The system checks report these (E061, E063); requests must still not fail.
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "OAUTH_PROVIDERS": ["github", "google", "google"],
        "OAUTH_CUSTOM_SCOPES": ["not", "a", "dict"],
        "OAUTH_PROVIDER_PARAMS": {"google": "prompt=none"},
    }

    flows = api.get(url("session")).json()["flows"]
    query = query_of(start(api)["Location"])

    assert [flow.get("provider") for flow in flows if flow["id"] == "discovery_oauth"] == ["google"]
    assert "custom_scopes" not in query
    assert not [key for key in query if key.startswith("provider_")]


def test_starts_have_their_own_per_client_scope(api: APIClient, oauth_on: None, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {
            "stytch_discovery.redirect_start": "2/min",
            "stytch_discovery.authenticate": "1/min",
        },
    }

    locations = [start(api)["Location"] for _ in range(3)]

    assert [location.startswith("http://127.0.0.1") for location in locations] == [True, True, False]
    assert locations[2] == "/?stytch_discovery_error=throttled"
