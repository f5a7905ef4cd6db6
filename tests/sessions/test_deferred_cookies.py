"""Cookie changes decided while verifying a request (a refreshed JWT, a dead session's cookies)
never undo the cookies the view itself set on the same response: a switch of organization, a
logout or a fresh sign-in made by that request stands.

Real HTTP to the fake Stytch; the JWT cookie is made stale so verifying it asks Stytch.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, url
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
    seed_member_of(fake_stytch, "acme", "beta")
    sign_in(api, fake_stytch)
    return api


@pytest.fixture
def with_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, MIDDLEWARE]


def stale_jwt_cookie(client: APIClient, fake: FakeStytch) -> str:
    """The JWT cookie re-signed as issued ten minutes ago: verifying it asks Stytch for a fresh one."""
    stale = str(fake.app.project.keys.sign(expired_copy(claims_of(session_jwt(client)))))
    client.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = stale
    return stale


def test_switching_organization_with_a_stale_jwt_keeps_the_new_organizations_session(
    member: APIClient, fake_stytch: FakeStytch
) -> None:
    old_token = session_token(member)
    stale_jwt_cookie(member, fake_stytch)

    response = post(member, "sessions/exchange", {"organization_id": "beta"})

    assert response.status_code == 200, response.content
    assert response.json()["organization"]["organization_slug"] == "beta"
    assert session_token(member) != old_token
    assert claims_of(session_jwt(member))["https://stytch.com/organization"]["slug"] == "beta"
    assert member.get(url("session")).json()["organization"]["organization_slug"] == "beta"


@pytest.mark.usefixtures("with_middleware")
def test_logging_out_with_a_stale_jwt_behind_the_middleware_clears_the_cookies(
    member: APIClient, fake_stytch: FakeStytch
) -> None:
    stale_jwt_cookie(member, fake_stytch)

    response = post(member, "logout")

    assert response.status_code == 200
    for name in (app_settings.SESSION_COOKIE_NAME, app_settings.SESSION_JWT_COOKIE_NAME):
        assert (response.cookies[name].value, response.cookies[name]["max-age"]) == ("", 0)
    assert member.get(url("session")).status_code == 401


@pytest.mark.usefixtures("with_middleware")
def test_signing_in_over_a_dead_sessions_cookies_behind_the_middleware_keeps_the_new_session(
    member: APIClient, fake_stytch: FakeStytch
) -> None:
    services.revoke_session(session_token=session_token(member))  # the old session dies at Stytch
    stale_jwt_cookie(member, fake_stytch)

    fresh = sign_in(member, fake_stytch, "beta")

    assert fresh["organization"]["organization_slug"] == "beta"
    assert session_token(member) != ""
    body = member.get(url("session")).json()
    assert (body["organization"]["organization_slug"], body["member"]["email_address"]) == ("beta", EMAIL)
