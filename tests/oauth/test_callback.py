"""OAuth discovery end to end against the fake Stytch: start, the provider's page, the callback, the list.

The callback's refusals: no flow started in this browser, a replay, another browser's flow (Stytch's
``pkce_mismatch``), a bad or unknown token, Stytch failing; and no token, IST or verifier leaks.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.models import CachedOrganization
from stytch_discovery.oauth import services, state
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, seed_orgs, stytch_calls, url
from tests.helpers.mfa import calls_to
from tests.helpers.secrets import assert_nowhere

ERROR = "/?stytch_discovery_error="


@pytest.fixture(autouse=True)
def oauth_on(settings: Any, fake_stytch: FakeStytch) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": fake_stytch.public_token,
        "OAUTH_PROVIDERS": ["google", "microsoft"],
    }


def start(client: APIClient, provider: str = "google", **query: str) -> Any:
    response = client.get(url(f"discovery/oauth/{provider}/start"), query)
    assert response.status_code == 302
    return response


def consent(fake: FakeStytch, started: Any, email: str = EMAIL) -> str:
    """What the provider's page sends the browser back to: our callback, with Stytch's token."""
    return fake.sign_in(started["Location"], email)


def follow(client: APIClient, callback: str) -> Any:
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return client.get(parts.path, query, HTTP_ACCEPT="text/html")


def token_of(callback: str) -> str:
    return parse_qs(urlsplit(callback).query)["token"][0]


def test_google_ends_in_the_organization_list(api: APIClient, fake_stytch: FakeStytch) -> None:
    orgs = seed_orgs(fake_stytch)
    callback = consent(fake_stytch, start(api))
    assert urlsplit(callback).path == url("discovery/oauth/authenticate")

    response = follow(api, callback)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response["Referrer-Policy"] == "no-referrer"
    ist = response.cookies[app_settings.IST_COOKIE_NAME]
    assert ist["httponly"]
    assert ist.value
    assert response.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value == ""  # single use: gone
    listed = post(api, "discovery/organizations", {})
    assert listed.status_code == 200, listed.content
    found = {item["organization"]["organization_id"] for item in listed.json()["discovered_organizations"]}
    assert found == set(orgs.values())
    cached = CachedOrganization.objects.filter(email_address=EMAIL).values_list("organization_id", flat=True)
    assert set(cached) == set(orgs.values())
    (call,) = calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_OAUTH)
    assert set(call) == {"discovery_oauth_token", "pkce_code_verifier"}


def test_microsoft_ends_in_an_organization(api: APIClient, fake_stytch: FakeStytch) -> None:
    orgs = seed_orgs(fake_stytch)
    follow(api, consent(fake_stytch, start(api, "microsoft")))

    entered = post(api, "discovery/intermediate-sessions/exchange", {"organization_id": orgs["acme"]})

    assert entered.status_code == 200, entered.content
    assert entered.json()["member_authenticated"] is True
    assert api.get(url("session")).status_code == 200


def test_the_starts_next_is_where_the_callback_goes(api: APIClient, fake_stytch: FakeStytch) -> None:
    seed_orgs(fake_stytch)
    response = follow(api, consent(fake_stytch, start(api, next="/app/picker?step=2")))

    assert response["Location"] == "/app/picker?step=2"


def test_a_browser_that_started_nothing_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    callback = consent(fake_stytch, start(APIClient()))  # another browser started it

    response = follow(api, callback)

    assert response["Location"] == ERROR + "oauth_state_missing"
    assert app_settings.IST_COOKIE_NAME not in response.cookies
    assert calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_OAUTH) == []


def test_a_replayed_callback_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    seed_orgs(fake_stytch)
    started = start(api)
    state_cookie = started.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value
    callback = consent(fake_stytch, started)
    assert follow(api, callback)["Location"] == "/"
    api.cookies[app_settings.OAUTH_STATE_COOKIE_NAME] = state_cookie  # the old cookie, presented again

    again = follow(api, callback)

    assert again["Location"] == ERROR + "oauth_state_used"
    assert len(calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_OAUTH)) == 1


def test_another_browsers_callback_fails_pkce_and_its_own_browser_still_finishes(
    fake_stytch: FakeStytch, db: None
) -> None:
    seed_orgs(fake_stytch)
    victim, attacker = APIClient(), APIClient()
    victims_callback = consent(fake_stytch, start(victim))
    start(attacker)  # the attacker holds a state of their own

    refused = follow(attacker, victims_callback)
    finished = follow(victim, victims_callback)

    assert refused["Location"] == ERROR + "oauth_state_mismatch"
    assert app_settings.IST_COOKIE_NAME not in refused.cookies
    assert finished["Location"] == "/"
    assert finished.cookies[app_settings.IST_COOKIE_NAME].value


def test_a_forged_or_expired_state_cookie_is_missing_state(
    api: APIClient, fake_stytch: FakeStytch, monkeypatch: pytest.MonkeyPatch
) -> None:
    callback = consent(fake_stytch, start(api))
    name = app_settings.OAUTH_STATE_COOKIE_NAME
    genuine = api.cookies[name].value
    api.cookies[name] = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    forged = follow(api, callback)
    api.cookies[name] = genuine
    monkeypatch.setattr(state, "STATE_SECONDS", -1)  # the signature is now older than allowed

    expired = follow(api, callback)

    assert forged["Location"] == expired["Location"] == ERROR + "oauth_state_missing"
    assert calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_OAUTH) == []


def test_an_unknown_token_is_oauth_invalid(api: APIClient, fake_stytch: FakeStytch) -> None:
    start(api)

    response = api.get(
        url("discovery/oauth/authenticate"),
        {"token": "made-up-token", "stytch_token_type": "discovery_oauth"},
    )

    assert response["Location"] == ERROR + "oauth_invalid"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"token": "has spaces in it"},
        {"token": "x" * 2000},
        {"token": "fine-token", "stytch_token_type": "discovery"},
    ],
)
def test_a_malformed_callback_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, query: dict[str, str]
) -> None:
    start(api)

    response = api.get(url("discovery/oauth/authenticate"), query)

    assert response["Location"] == ERROR + "validation_error"
    assert stytch_calls(fake_stytch) == 0


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ({"status": 503}, "stytch_unavailable"),
        ({"malformed": True}, "stytch_bad_response"),
        ({"latency_ms": 1500}, "stytch_timeout"),
        ({"status": 403, "error_type": "oauth_unverified_email"}, "oauth_email_unverified"),
        ({"status": 400, "error_type": "pkce_expected_code_verifier"}, "oauth_state_mismatch"),
    ],
)
def test_stytch_failing_goes_back_with_its_code(
    api: APIClient, fake_stytch: FakeStytch, settings: Any, fault: dict[str, Any], code: str
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "READ_TIMEOUT": 0.3, "MAX_RETRIES": 0}
    callback = consent(fake_stytch, start(api))
    fake_stytch.add_fault(services.AUTHENTICATE_DISCOVERY_OAUTH, **fault)

    response = follow(api, callback)

    assert response["Location"] == ERROR + code
    assert app_settings.IST_COOKIE_NAME not in response.cookies


def test_a_provider_that_is_switched_off_is_not_started(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "OAUTH_PROVIDERS": []}

    response = api.get(url("discovery/oauth/google/start"))
    flows = api.get(url("session")).json()["flows"]

    assert response["Location"] == ERROR + "entry_point_disabled"
    assert [flow["id"] for flow in flows] == ["discovery_magic_link", "discovery_email_code"]


def test_no_token_ist_or_verifier_is_logged_answered_or_stored(
    api: APIClient, fake_stytch: FakeStytch, caplog: pytest.LogCaptureFixture
) -> None:
    seed_orgs(fake_stytch)
    caplog.set_level(logging.DEBUG)
    started = start(api)
    callback = consent(fake_stytch, started)
    response = follow(api, callback)
    (call,) = calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_OAUTH)

    for secret in (
        token_of(callback),
        call["pkce_code_verifier"],
        response.cookies[app_settings.IST_COOKIE_NAME].value,
    ):
        assert_nowhere(secret, caplog, started, response)
    assert call["pkce_code_verifier"] not in started.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value
