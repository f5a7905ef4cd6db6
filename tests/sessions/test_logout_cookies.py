"""Logout ends the Stytch session with any good cookie, whatever its partner cookie holds."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post
from tests.helpers.sessions import seed_member_of, session_token, sign_in

#: What can sit in the session-token cookie next to a valid JWT.
PARTNERS = {
    "garbled": "not a token",
    "non-ascii": "tøken",
    "over-length": "x" * 1025,
    "dead": "session-token-that-stytch-never-issued",
}


@pytest.mark.parametrize("partner", PARTNERS.values(), ids=PARTNERS.keys())
def test_logout_revokes_with_the_jwt_when_the_session_token_cookie_is_bad(
    api: APIClient, fake_stytch: FakeStytch, partner: str
) -> None:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)
    token = session_token(api)
    api.cookies[app_settings.SESSION_COOKIE_NAME] = partner

    response = post(api, "logout")

    assert response.status_code == 200
    for name in (app_settings.SESSION_COOKIE_NAME, app_settings.SESSION_JWT_COOKIE_NAME):
        assert (response.cookies[name].value, response.cookies[name]["max-age"]) == ("", 0)
    # The session itself is gone at Stytch: its own token is refused now.
    refused = post(APIClient(), "discovery/organizations", {"session_token": token})
    assert refused.json()["code"] == "session_invalid"


def test_logout_revokes_with_the_session_token_when_the_jwt_cookie_is_garbled(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)
    token = session_token(api)
    api.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = "garbled jwt"

    assert post(api, "logout").status_code == 200

    assert (
        post(APIClient(), "discovery/organizations", {"session_token": token}).json()["code"]
        == "session_invalid"
    )
