"""A host project's own views, signed in by the Stytch member session.

DRF views with ``StytchSessionAuthentication``, plain Django views behind
``StytchSessionMiddleware``: the member, their Django user, CSRF, refreshed and dead cookies.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.errors import message_of
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL
from tests.helpers.sessions import (
    claims_of,
    expired_copy,
    seed_member_of,
    session_jwt,
    session_token,
    sign_in,
)

MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"


@pytest.fixture
def member(api: APIClient, fake_stytch: FakeStytch) -> APIClient:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)
    return api


@pytest.fixture
def with_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, MIDDLEWARE]


def test_a_drf_view_knows_the_member_and_their_user(member: APIClient) -> None:
    response = member.get("/host/drf/me")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"] == EMAIL
    assert body["organization_id"].startswith("organization-test-")
    assert body["auth_is_the_session"] is True


def test_a_drf_view_refuses_a_caller_without_a_session_in_the_error_shape(api: APIClient, db: None) -> None:
    response = api.get("/host/drf/me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'


def test_an_unsafe_request_with_cookies_needs_csrf_but_a_bearer_one_does_not(
    fake_stytch: FakeStytch, member: APIClient, db: None
) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.cookies = member.cookies

    refused = browser.post("/host/drf/me", {}, format="json")
    bearer = APIClient(enforce_csrf_checks=True).post(
        "/host/drf/me", {}, format="json", HTTP_AUTHORIZATION=f"Bearer {session_jwt(member)}"
    )

    assert refused.status_code == 403
    # In the error shape under DRF's default exception handler, not DRF's {"detail": ...}.
    assert refused.json() == {
        "code": "csrf_failed",
        "message": f"{message_of('csrf_failed')} (CSRF cookie not set.)",
        "fields": {},
        "stytch_error_type": None,
        "stytch_request_id": None,
    }
    assert bearer.status_code == 200, bearer.content


def test_a_view_without_permissions_treats_no_session_as_anonymous(api: APIClient, db: None) -> None:
    assert api.get("/host/drf/open").json()["user"] is None


def expire_the_jwt_cookie(client: Any, fake: FakeStytch) -> str:
    expired = str(fake.app.project.keys.sign(expired_copy(claims_of(session_jwt(client)))))
    client.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = expired
    return expired


@pytest.mark.usefixtures("with_middleware")
def test_with_the_middleware_a_refreshed_jwt_goes_back_into_the_cookie(
    fake_stytch: FakeStytch, member: APIClient
) -> None:
    expired = expire_the_jwt_cookie(member, fake_stytch)

    response = member.get("/host/drf/me")

    assert response.status_code == 200
    fresh = response.cookies[app_settings.SESSION_JWT_COOKIE_NAME]
    assert fresh.value not in ("", expired)
    assert fresh["httponly"]
    assert member.get("/host/drf/me").status_code == 200
    assert fake_stytch.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1


def test_the_packages_own_endpoints_write_a_refreshed_jwt_without_the_middleware(
    fake_stytch: FakeStytch, member: APIClient
) -> None:
    expired = expire_the_jwt_cookie(member, fake_stytch)

    response = member.get("/api/stytch/session")

    assert response.status_code == 200
    assert response.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value not in ("", expired)


@pytest.mark.usefixtures("with_middleware")
def test_with_the_middleware_a_plain_view_knows_the_member(member: APIClient) -> None:
    client = Client()
    client.cookies = member.cookies

    body = client.get("/host/plain/whoami").json()

    assert body["user"] == EMAIL
    assert body["roles"] == ["stytch_member"]


@pytest.mark.usefixtures("with_middleware")
def test_the_middleware_lets_a_dead_session_through_as_anonymous_and_deletes_its_cookies(
    fake_stytch: FakeStytch, member: APIClient
) -> None:
    client = Client()
    client.cookies = member.cookies
    services.revoke_session(session_token=session_token(member))  # the session dies at Stytch
    expire_the_jwt_cookie(client, fake_stytch)

    response = client.get("/host/plain/whoami")

    assert response.json() == {"member_id": None, "organization_id": None, "roles": [], "user": None}
    assert response.cookies[app_settings.SESSION_COOKIE_NAME].value == ""
    assert response.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value == ""


@pytest.mark.usefixtures("with_middleware")
def test_a_bearer_post_to_a_plain_view_skips_djangos_csrf_check(member: APIClient) -> None:
    client = Client(enforce_csrf_checks=True)

    with_bearer = client.post("/host/plain/whoami", HTTP_AUTHORIZATION=f"Bearer {session_jwt(member)}")
    forged_bearer = client.post("/host/plain/whoami", HTTP_AUTHORIZATION="Bearer a.b.c")

    assert with_bearer.status_code == 200
    assert with_bearer.json()["user"] == EMAIL
    assert forged_bearer.status_code == 403  # CSRF: an invalid bearer is no exemption


@pytest.mark.usefixtures("with_middleware")
def test_one_process_verifies_a_request_once_with_both_middleware_and_drf_class(
    fake_stytch: FakeStytch, member: APIClient, django_assert_max_num_queries: Any
) -> None:
    member.get("/host/drf/me")  # the JWKS fetched, the user linked

    with django_assert_max_num_queries(1):  # the member's user, in one indexed query
        response = member.get("/host/drf/me")

    assert response.json()["user"] == EMAIL
