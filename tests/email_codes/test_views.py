"""Discovery by emailed code over HTTP, against the fake Stytch: send, authenticate, the list after."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.email_codes import services
from stytch_discovery.models import CachedOrganization
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, seed_orgs, stytch_calls
from tests.helpers.mfa import calls_to, last_code
from tests.helpers.secrets import assert_nowhere

KIND = "discovery_email_otp"


def send(client: APIClient, email: str = EMAIL, **extra: Any) -> Any:
    return post(client, "discovery/otps/send", {"email_address": email, **extra})


def authenticate(client: APIClient, code: str, email: str = EMAIL) -> Any:
    return post(client, "discovery/otps/authenticate", {"email_address": email, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_send_emails_a_code_with_the_locale_and_the_configured_lifetime(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "EMAIL_CODE_EXPIRATION_MINUTES": 5}

    response = send(api, locale="fr")

    assert response.status_code == 200, response.content
    assert response.json() == {"email_address": EMAIL, "sent": True}
    (call,) = calls_to(fake_stytch, services.SEND_DISCOVERY_EMAIL_OTP)
    assert call == {"email_address": EMAIL, "locale": "fr", "discovery_expiration_minutes": 5}
    assert [message["email_address"] for message in fake_stytch.outbox()] == [EMAIL]


def test_the_code_buys_the_organization_list_and_an_ist_cookie(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    orgs = seed_orgs(fake_stytch)
    send(api)

    response = authenticate(api, last_code(fake_stytch, KIND))

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "email_address",
        "organization_id_hint",
        "can_create_organization",
        "discovered_organizations",
    }
    assert (body["email_address"], body["can_create_organization"]) == (EMAIL, True)
    found = {item["organization"]["organization_id"] for item in body["discovered_organizations"]}
    assert found == set(orgs.values())
    cookie = response.cookies[app_settings.IST_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie.value
    # The list endpoint, with that cookie, answers the same organizations in the same shape.
    listed = post(api, "discovery/organizations", {})
    assert listed.status_code == 200
    assert listed.json()["discovered_organizations"] == body["discovered_organizations"]
    # ... and the cache was refreshed, as after a magic link.
    cached = set(
        CachedOrganization.objects.filter(email_address=EMAIL).values_list("organization_id", flat=True)
    )
    assert cached == set(orgs.values())


def test_the_ist_enters_an_organization(api: APIClient, fake_stytch: FakeStytch) -> None:
    orgs = seed_orgs(fake_stytch)
    send(api)
    authenticate(api, last_code(fake_stytch, KIND))

    entered = post(api, "discovery/intermediate-sessions/exchange", {"organization_id": orgs["acme"]})

    assert entered.status_code == 200, entered.content
    assert entered.json()["member_authenticated"] is True


def test_a_wrong_code_is_code_invalid_and_the_right_one_still_works(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    send(api)
    code = last_code(fake_stytch, KIND)

    refused = authenticate(api, wrong(code))

    assert refused.status_code == 400
    assert refused.json()["code"] == "code_invalid"
    assert refused.json()["stytch_error_type"] == "otp_code_not_found"
    assert set(refused.json()["fields"]) == {"code"}
    assert app_settings.IST_COOKIE_NAME not in refused.cookies
    assert authenticate(api, code).status_code == 200


def test_a_used_code_is_code_expired(api: APIClient, fake_stytch: FakeStytch) -> None:
    send(api)
    code = last_code(fake_stytch, KIND)
    assert authenticate(api, code).status_code == 200

    again = authenticate(api, code)

    assert (again.status_code, again.json()["code"]) == (400, "code_expired")
    assert again.json()["stytch_error_type"] == "unable_to_auth_otp_code"


def test_a_new_send_invalidates_the_earlier_code(api: APIClient, fake_stytch: FakeStytch) -> None:
    send(api)
    first = last_code(fake_stytch, KIND)
    send(api)
    latest = last_code(fake_stytch, KIND)

    if first != latest:  # two draws of 6 digits may repeat, rarely
        assert authenticate(api, first).json()["code"] == "code_invalid"
    assert authenticate(api, latest).status_code == 200


def test_an_address_never_sent_a_code_is_code_invalid(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = authenticate(api, "123456", email="nobody@acme.example")

    assert (response.status_code, response.json()["code"]) == (400, "code_invalid")
    assert response.json()["stytch_error_type"] == "email_not_found"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("discovery/otps/send", {"email_address": "not-an-email"}, "email_address"),
        ("discovery/otps/send", {"email_address": EMAIL, "locale": "de"}, "locale"),
        (
            "discovery/otps/send",
            {"email_address": EMAIL, "discovery_expiration_minutes": 15},
            "discovery_expiration_minutes",
        ),
        ("discovery/otps/authenticate", {"email_address": EMAIL, "code": "12345"}, "code"),
        ("discovery/otps/authenticate", {"email_address": EMAIL, "code": "abcdef"}, "code"),
        ("discovery/otps/authenticate", {"code": "123456"}, "email_address"),
        (
            "discovery/otps/authenticate",
            {"email_address": EMAIL, "code": "123456", "intermediate_session_token": "x"},
            "intermediate_session_token",
        ),
    ],
)
def test_bad_input_is_refused_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, path: str, body: dict[str, Any], field: str
) -> None:
    response = post(api, path, body)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["fields"]
    assert stytch_calls(fake_stytch) == 0


def test_switched_off_they_answer_404_and_the_session_does_not_offer_them(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "EMAIL_CODES_ENABLED": False}

    responses = [send(api), authenticate(api, "123456")]
    flows = api.get("/api/stytch/session").json()["flows"]

    assert [(r.status_code, r.json()["code"]) for r in responses] == [(404, "entry_point_disabled")] * 2
    assert stytch_calls(fake_stytch) == 0
    assert {"id": "discovery_email_code"} not in flows


@pytest.fixture
def rates(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {
            "stytch_discovery.email_send": "2/hour",
            "stytch_discovery.email_attempt": "3/min",
        },
    }


def test_sends_are_counted_per_address_across_clients(fake_stytch: FakeStytch, rates: None, db: None) -> None:
    clients = [APIClient(REMOTE_ADDR=f"10.0.0.{number}") for number in (1, 2, 3)]

    statuses = [send(client).status_code for client in clients]
    other = send(clients[2], email="bo@acme.example")

    assert statuses == [200, 200, 429]
    assert other.status_code == 200
    assert len(calls_to(fake_stytch, services.SEND_DISCOVERY_EMAIL_OTP)) == 3


def test_the_magic_link_shares_the_per_address_send_count(
    fake_stytch: FakeStytch, rates: None, db: None
) -> None:
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    assert post(first, "discovery/magic-links/send", {"email_address": EMAIL}).status_code == 200
    assert send(second).status_code == 200

    third = post(first, "discovery/magic-links/send", {"email_address": EMAIL.upper()})

    assert (third.status_code, third.json()["code"]) == (429, "throttled")


def test_sends_are_still_counted_per_client(fake_stytch: FakeStytch, settings: Any, db: None) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.send": "2/min"},
    }
    client = APIClient()
    statuses = [send(client, email=f"user{number}@acme.example").status_code for number in range(3)]

    assert statuses == [200, 200, 429]


def test_attempts_are_counted_per_address_across_clients(
    fake_stytch: FakeStytch, rates: None, db: None
) -> None:
    send(APIClient())
    code = last_code(fake_stytch, KIND)
    clients = [APIClient(REMOTE_ADDR=f"10.0.1.{number}") for number in range(4)]

    statuses = [authenticate(client, wrong(code)).status_code for client in clients[:3]]
    throttled = authenticate(clients[3], code)

    assert statuses == [400, 400, 400]
    assert (throttled.status_code, throttled.json()["code"]) == (429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    assert len(calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_EMAIL_OTP)) == 3


def test_neither_the_code_nor_the_ist_is_logged_answered_or_stored(
    api: APIClient, fake_stytch: FakeStytch, caplog: pytest.LogCaptureFixture
) -> None:
    seed_orgs(fake_stytch)
    caplog.set_level(logging.DEBUG)
    sent = send(api)
    code = last_code(fake_stytch, KIND)
    failed = authenticate(api, wrong(code))
    done = authenticate(api, code)
    ist = done.cookies[app_settings.IST_COOKIE_NAME].value

    assert_nowhere(code, caplog, sent, failed, done)
    assert_nowhere(ist, caplog, sent, failed, done)


def test_with_return_tokens_in_body_a_client_without_cookies_gets_the_ist(
    api: APIClient, fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "RETURN_TOKENS_IN_BODY": True}
    send(api)

    body = authenticate(api, last_code(fake_stytch, KIND)).json()
    listed = post(
        APIClient(),
        "discovery/organizations",
        {"intermediate_session_token": body["intermediate_session_token"]},
    )

    assert listed.status_code == 200, listed.content
    assert listed.json()["email_address"] == EMAIL


def test_without_it_the_ist_stays_out_of_the_body(api: APIClient, fake_stytch: FakeStytch) -> None:
    send(api)

    assert "intermediate_session_token" not in authenticate(api, last_code(fake_stytch, KIND)).json()


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"status": 503}, 502, "stytch_unavailable"),
        ({"malformed": True}, 502, "stytch_bad_response"),
        ({"latency_ms": 1500}, 504, "stytch_timeout"),
        ({"retry_after": 3}, 429, "stytch_rate_limited"),
        ({"status": 401, "error_type": "unauthorized_credentials"}, 502, "stytch_misconfigured"),
    ],
)
def test_stytch_failing_gets_a_documented_status_and_no_ist(
    api: APIClient, fake_stytch: FakeStytch, settings: Any, fault: dict[str, Any], status: int, code: str
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "READ_TIMEOUT": 0.3, "MAX_RETRIES": 0}
    send(api)
    fake_stytch.add_fault(services.AUTHENTICATE_DISCOVERY_EMAIL_OTP, **fault)

    response = authenticate(api, last_code(fake_stytch, KIND))

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert app_settings.IST_COOKIE_NAME not in response.cookies


def test_a_code_without_the_csrf_token_is_refused_before_stytch(fake_stytch: FakeStytch, db: None) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.get("/api/stytch/csrf")
    send(APIClient())

    response = authenticate(browser, last_code(fake_stytch, KIND))

    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert calls_to(fake_stytch, services.AUTHENTICATE_DISCOVERY_EMAIL_OTP) == []
