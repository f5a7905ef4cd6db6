"""Member-session paths the endpoint tests leave out: a session started elsewhere, a switch made
with the JWT alone, a dead session on a switch, and Stytch failing while a session is checked.

All through real HTTP to the fake Stytch; every token here is well-formed.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.models import StytchMember
from stytch_discovery.sessions.services import AUTHENTICATE_SESSION, EXCHANGE_SESSION
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, url
from tests.helpers.sessions import (
    seed_member_of,
    session_jwt,
    sign_in,
    started_elsewhere,
    with_session_cookies,
)
from tests.testapp.models import User


@pytest.fixture
def orgs(fake_stytch: FakeStytch) -> dict[str, str]:
    return seed_member_of(fake_stytch, "acme", "beta")


def test_a_session_started_elsewhere_is_linked_on_its_first_request(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    session = started_elsewhere(fake_stytch, orgs["acme"])
    member_id = session["member"]["member_id"]
    assert not StytchMember.objects.filter(member_id=member_id).exists()

    response = with_session_cookies(api, session).get(url("session"))

    assert response.status_code == 200, response.content
    body = response.json()
    link = StytchMember.objects.select_related("user").get(member_id=member_id)
    assert link.user is not None
    assert body["member"] == {"member_id": member_id, "email_address": EMAIL, "name": link.name}
    assert body["organization"]["organization_name"] == "Acme"
    assert body["user"] == {"id": str(link.user.pk), "username": link.user.get_username()}
    # Linked once: the next request finds the link and asks Stytch nothing more about who it is.
    calls = fake_stytch.stats()["requests"].get(AUTHENTICATE_SESSION, 0)
    assert api.get(url("session")).status_code == 200
    assert fake_stytch.stats()["requests"].get(AUTHENTICATE_SESSION, 0) == calls
    assert StytchMember.objects.filter(member_id=member_id).count() == 1


def test_a_member_session_names_the_members_user_not_the_django_user_signed_in(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    carol = User.objects.create(username="carol", email="carol@home.example")
    api.force_login(carol)
    with_session_cookies(api, started_elsewhere(fake_stytch, orgs["acme"]))

    body = api.get(url("session")).json()

    assert body["member"]["email_address"] == EMAIL
    assert body["user"]["id"] != str(carol.pk)
    assert User.objects.get(pk=body["user"]["id"]).email == EMAIL


def last_exchange_body(fake: FakeStytch) -> dict[str, Any]:
    bodies = [entry["json"] for entry in fake.requests() if entry["path"] == EXCHANGE_SESSION]
    assert bodies
    body: dict[str, Any] = bodies[-1]
    return body


def test_a_switch_with_the_jwt_cookie_alone_sends_the_jwt(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)
    jwt_only = APIClient()
    jwt_only.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = session_jwt(api)

    response = post(jwt_only, "sessions/exchange", {"organization_id": "beta"})

    assert response.status_code == 200, response.content
    assert response.json()["organization"]["organization_slug"] == "beta"
    sent = last_exchange_body(fake_stytch)
    assert "session_jwt" in sent
    assert "session_token" not in sent


def test_a_switch_with_the_session_token_sends_the_token(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)

    assert post(api, "sessions/exchange", {"organization_id": "beta"}).status_code == 200

    sent = last_exchange_body(fake_stytch)
    assert "session_token" in sent
    assert "session_jwt" not in sent


def test_a_switch_with_a_dead_session_is_session_invalid(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    api.cookies[app_settings.SESSION_COOKIE_NAME] = "session-token-that-stytch-never-issued"

    response = post(api, "sessions/exchange", {"organization_id": "beta"})

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")
    assert fake_stytch.stats()["requests"].get(EXCHANGE_SESSION, 0) == 0


@pytest.mark.parametrize(("status", "code"), [(503, "stytch_unavailable"), (429, "stytch_rate_limited")])
def test_stytch_failing_while_a_session_is_checked_is_its_documented_answer(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str], status: int, code: str
) -> None:
    api.force_login(User.objects.create(username="carol", email="carol@home.example"))
    api.cookies[app_settings.SESSION_COOKIE_NAME] = "session-token-stytch-must-check"
    fake_stytch.add_fault(AUTHENTICATE_SESSION, status=status, count=10)

    response = api.get(url("discovery/organizations/cached"))

    # Not a 500, and not the Django user's rows as if no member session had been presented.
    assert (response.status_code, response.json()["code"]) == (status if status == 429 else 502, code)


def test_with_the_middleware_stytch_failing_leaves_the_request_anonymous_and_the_cookies_kept(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    client = Client()
    client.cookies[app_settings.SESSION_COOKIE_NAME] = "session-token-stytch-must-check"
    fake_stytch.add_fault(AUTHENTICATE_SESSION, status=503, count=10)

    with caplog.at_level(logging.WARNING, logger="stytch_discovery"):
        response = client.get("/host/plain/whoami")

    assert response.status_code == 200
    assert response.json() == {"member_id": None, "organization_id": None, "roles": [], "user": None}
    assert app_settings.SESSION_COOKIE_NAME not in response.cookies  # an outage signs no one out
    assert any("not verified" in record.getMessage() for record in caplog.records)
    assert "session-token-stytch-must-check" not in caplog.text


def test_with_django_session_login_a_member_without_a_user_signs_no_one_into_django(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any, db: None
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "DJANGO_SESSION_LOGIN": True,
        "CREATE_USERS": False,
    }
    client = Client()
    client.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session(EMAIL)

    response = client.post(
        url("discovery/intermediate-sessions/exchange"),
        {"organization_id": "acme"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert StytchMember.objects.get(member_id=response.json()["member"]["member_id"]).user is None
    assert SESSION_KEY not in client.session
    assert not User.objects.exists()


def test_with_django_session_login_a_member_without_a_user_signs_the_previous_user_out(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any, db: None
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "DJANGO_SESSION_LOGIN": True,
        "CREATE_USERS": False,
    }
    client = Client()
    client.force_login(User.objects.create_user("someone-else", "else@other.example"))
    client.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session(EMAIL)

    response = client.post(
        url("discovery/intermediate-sessions/exchange"),
        {"organization_id": "acme"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    # The person who signed in has no user: the one signed in before must not stay signed in.
    assert SESSION_KEY not in client.session
    assert client.get(url("discovery/organizations/cached")).status_code in (401, 403)


def test_a_session_token_started_elsewhere_is_linked_from_the_one_answer_that_checks_it(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    session = started_elsewhere(fake_stytch, orgs["acme"])
    api.cookies[app_settings.SESSION_COOKIE_NAME] = session["session_token"]  # no JWT to verify locally

    response = api.get(url("session"))

    assert response.status_code == 200, response.content
    assert response.json()["member"]["email_address"] == EMAIL
    assert StytchMember.objects.filter(member_id=session["member"]["member_id"]).exists()
    # Stytch's answer to the session check named the member: nothing more to ask.
    assert fake_stytch.stats()["requests"].get(AUTHENTICATE_SESSION, 0) == 1


def test_a_failed_verification_is_not_repeated_by_the_drf_class_after_the_middleware(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any, db: None
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    client = Client()
    client.cookies[app_settings.SESSION_COOKIE_NAME] = "session-token-stytch-never-issued"

    response = client.get("/host/drf/me")

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")
    assert fake_stytch.stats()["requests"].get(AUTHENTICATE_SESSION, 0) == 1
