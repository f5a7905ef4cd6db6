"""GET session and POST sessions/exchange, and a Django session alongside the Stytch one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, url
from tests.helpers.sessions import seed_member_of, session_jwt, session_token, sign_in

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}


def session(client: APIClient) -> Any:
    return client.get(url("session"))


@pytest.fixture
def orgs(fake_stytch: FakeStytch) -> dict[str, str]:
    seeded = seed_member_of(fake_stytch, "acme", "beta", "vault")
    fake_stytch.seed(
        {
            "organizations": [
                {
                    "organization_slug": "wayne",
                    "organization_name": "Wayne",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["sso"],
                }
            ],
            "members": [{"organization_slug": "wayne", "email_address": EMAIL}],
        }
    )
    return seeded


def test_no_credential_is_a_401_listing_the_entry_points(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = session(api)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'  # a Bearer JWT is accepted here
    body = response.json()
    assert set(body) == {*ERROR_KEYS, "flows"}
    assert body["code"] == "not_authenticated"
    # The defaults: no OAuth provider is on (tests/oauth/ covers the flows they add).
    assert body["flows"] == [{"id": "discovery_magic_link"}, {"id": "discovery_email_code"}]


def test_an_ist_without_an_organization_is_a_pending_selection(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    ist_cookie(api, fake_stytch)

    response = session(api)
    body = response.json()

    assert body["code"] == "organization_selection_required"
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'
    assert {"id": "select_organization", "is_pending": True} in body["flows"]


def test_a_signed_in_member_is_200_with_who_where_and_until_when(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)

    response = session(api)

    assert response.status_code == 200
    body = response.json()
    assert body["member"]["email_address"] == EMAIL
    assert body["organization"] == {
        "organization_id": orgs["acme"],
        "organization_name": "Acme",
        "organization_slug": "acme",
    }
    assert body["member_session"]["roles"] == ["stytch_member"]
    assert body["member_session"]["authentication_factors"][0]["type"] == "magic_link"
    assert body["member_session"]["expires_at"].endswith("Z")
    assert body["user"]["username"] == EMAIL
    text = response.content.decode()
    assert session_jwt(api) not in text
    assert session_token(api) not in text
    assert fake_stytch.stats()["requests"].get("/v1/b2b/sessions/authenticate", 0) == 0


def test_a_bearer_jwt_works_without_cookies(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)
    bearer = APIClient()

    response = bearer.get(url("session"), HTTP_AUTHORIZATION=f"Bearer {session_jwt(api)}")

    assert response.status_code == 200
    assert response.json()["organization"]["organization_slug"] == "acme"
    assert not response.cookies  # Bearer callers get no cookies


def test_a_dead_session_is_a_401_and_its_cookies_go(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    api.cookies[app_settings.SESSION_COOKIE_NAME] = "not-a-live-session-token"

    response = session(api)

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")
    assert response.cookies[app_settings.SESSION_COOKIE_NAME].value == ""
    assert response.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value == ""


def test_an_organization_needing_sso_is_a_pending_primary_step(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    ist_cookie(api, fake_stytch)
    entered = post(api, "discovery/intermediate-sessions/exchange", {"organization_id": "wayne"})
    assert entered.json()["next_step"] == "primary_auth"

    body = session(api).json()

    assert body["code"] == "primary_authentication_required"
    (pending,) = [flow for flow in body["flows"] if flow.get("is_pending")]
    assert pending["id"] == "primary_authenticate"
    assert pending["methods"] == ["sso"]
    assert pending["organization"]["organization_slug"] == "wayne"


def test_a_pending_step_needs_its_own_ist(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    ist_cookie(api, fake_stytch)
    post(api, "discovery/intermediate-sessions/exchange", {"organization_id": "vault"})
    assert session(api).json()["code"] == "mfa_required"

    ist_cookie(api, fake_stytch)  # another IST: the pending step was bound to the first one

    assert session(api).json()["code"] == "organization_selection_required"


def test_switching_organization_sets_the_new_session(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)
    old = session_token(api)

    response = post(api, "sessions/exchange", {"organization_id": "beta"})

    assert response.status_code == 200, response.content
    assert response.json()["organization"]["organization_slug"] == "beta"
    assert session_token(api) != old
    assert session(api).json()["organization"]["organization_slug"] == "beta"


def test_switching_into_an_mfa_organization_keeps_the_step_server_side(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)
    old = session_token(api)

    response = post(api, "sessions/exchange", {"organization_id": "vault"})

    body = response.json()
    assert (response.status_code, body["member_authenticated"], body["next_step"]) == (200, False, "mfa")
    assert "intermediate_session_token" not in body
    assert response.cookies[app_settings.IST_COOKIE_NAME]["httponly"]
    assert response.cookies[app_settings.PENDING_COOKIE_NAME]["httponly"]
    assert session_token(api) == old  # still signed in where they were


def test_switching_into_an_organization_the_member_is_not_in_is_access_denied(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    seed_member_of(fake_stytch, "acme")  # Beta exists; the member is not in it
    sign_in(api, fake_stytch)
    old = session_token(api)

    response = post(api, "sessions/exchange", {"organization_id": "beta"})

    body = response.json()
    assert (response.status_code, body["code"]) == (403, "organization_access_denied"), body
    assert body["stytch_error_type"] == "insufficient_factors_for_session_exchange"
    assert app_settings.IST_COOKIE_NAME not in response.cookies
    assert session_token(api) == old  # still signed in where they were
    assert session(api).json()["organization"]["organization_slug"] == "acme"


def test_switching_without_a_session_is_a_401(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = post(api, "sessions/exchange", {"organization_id": "beta"})

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert fake_stytch.stats()["requests"] == {}


def test_switching_validates_before_calling_stytch(
    api: APIClient, fake_stytch: FakeStytch, orgs: dict[str, str]
) -> None:
    sign_in(api, fake_stytch)
    before = dict(fake_stytch.stats()["requests"])

    response = post(api, "sessions/exchange", {"organization_id": "not an id", "member_id": "member-test-x"})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"organization_id", "member_id"}
    assert fake_stytch.stats()["requests"] == before


def test_with_django_session_login_the_user_is_signed_into_django_and_out_again(
    fake_stytch: FakeStytch, orgs: dict[str, str], settings: Any, db: None
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "DJANGO_SESSION_LOGIN": True}
    client = Client()
    client.cookies[app_settings.IST_COOKIE_NAME] = fake_stytch.mint_intermediate_session(EMAIL)
    entered = client.post(
        url("discovery/intermediate-sessions/exchange"),
        {"organization_id": "acme"},
        content_type="application/json",
    )
    assert entered.status_code == 200

    assert client.session.get("_auth_user_id")
    assert client.get("/admin/").status_code in (200, 302)  # Django knows the user now

    client.post(url("logout"), {}, content_type="application/json")

    assert client.session.get("_auth_user_id") is None
