"""Signed-in requests and sign-in steps while Django's cache is down (Redis not answering).

The cache only shares work between processes here (the JWKS and its refetch cooldown, Stytch's
answer for an expired JWT, the single-flight claims, the spent ISTs): each request goes on in its
process, asking Stytch what it would ask without the sharing, and logs the outage without the
cache's URL. Never a 500. A one-time code waits for the cache (503): its wrong-code budget is there.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.conf import app_settings
from stytch_discovery.internal import shared
from stytch_discovery.mfa import services as mfa_services
from stytch_discovery.sessions.jwks import signing_keys
from stytch_discovery.sessions.verification import verified_jwts
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, url
from tests.helpers.down_cache import CacheOutage, cache_outage, without_throttles
from tests.helpers.mfa import enter, ist_of, last_code, seed_mfa
from tests.helpers.sessions import (
    claims_of,
    expired_copy,
    new_key,
    seed_member_of,
    session_jwt,
    session_token,
    sign_in,
    signed,
)

__all__ = ["cache_outage"]  # the fixture, imported for pytest

ME = "/host/drf/me"
AUTHENTICATE = "/v1/b2b/sessions/authenticate"

pytestmark = pytest.mark.django_db


def calls(fake: FakeStytch, path: str) -> int:
    return int(fake.stats()["requests"].get(path, 0))


def jwks_path(fake: FakeStytch) -> str:
    return f"/v1/b2b/sessions/jwks/{fake.project_id}"


def browser(client: APIClient) -> APIClient:
    """``client`` answering a server error as a response (a 500 fails the assertions, not the call)."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def member(api: APIClient, fake_stytch: FakeStytch) -> APIClient:
    """Signed in while the cache was up; then a new process (nothing verified, no keys yet)."""
    seed_member_of(fake_stytch, "acme", "beta")
    sign_in(api, fake_stytch)
    signing_keys.clear()
    verified_jwts.clear()
    return browser(api)


def test_a_bearer_jwt_is_verified_with_keys_the_process_fetched_once(
    member: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture
) -> None:
    token = session_jwt(member)
    bearer = browser(APIClient())
    cache_outage.begin()

    answers = [bearer.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}") for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200], answers[0].content
    assert (
        answers[0].json()["organization_id"]
        == claims_of(token)["https://stytch.com/organization"]["organization_id"]
    )
    assert (calls(fake_stytch, jwks_path(fake_stytch)), calls(fake_stytch, AUTHENTICATE)) == (1, 0)
    cache_outage.assert_logged_safely(caplog, token)


def test_get_session_with_the_cookies_answers_the_member(
    member: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, settings: Any, caplog: Any
) -> None:
    without_throttles(settings)
    cache_outage.begin()

    response = member.get(url("session"))

    assert response.status_code == 200, response.content
    assert response.json()["member"]["email_address"] == EMAIL
    cache_outage.assert_logged_safely(caplog, session_jwt(member), session_token(member))


def test_an_expired_jwt_is_refreshed_by_stytch_and_the_fresh_one_verified_here(
    member: APIClient,
    fake_stytch: FakeStytch,
    cache_outage: CacheOutage,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "stytch_discovery.middleware.StytchSessionMiddleware"]
    expired = str(fake_stytch.app.project.keys.sign(expired_copy(claims_of(session_jwt(member)))))
    member.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = expired
    cache_outage.begin()

    refreshed = member.get("/host/plain/me")
    again = member.get("/host/plain/me")

    assert (refreshed.status_code, again.status_code) == (200, 200), refreshed.content
    assert refreshed.json()["member_id"] == again.json()["member_id"] is not None
    fresh = session_jwt(member)
    assert fresh not in ("", expired)  # the refresh's JWT went back into the cookie
    assert calls(fake_stytch, AUTHENTICATE) == 1  # and is verified here from then on
    cache_outage.assert_logged_safely(caplog, expired, fresh, session_token(member))


def test_a_revoked_session_is_a_401_asked_of_stytch_each_time(
    member: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture
) -> None:
    token = session_token(member)
    services.revoke_session(session_token=token)
    cache_outage.begin()
    client = browser(APIClient())

    answers = []
    for _ in range(2):
        client.cookies[app_settings.SESSION_COOKIE_NAME] = token  # the 401 deleted it
        answers.append(client.get(ME))

    assert [(a.status_code, a.json()["code"]) for a in answers] == [(401, "session_invalid")] * 2
    # Without the shared "no such session" mark, each request asks (as one process alone would).
    assert calls(fake_stytch, AUTHENTICATE) == 2
    cache_outage.assert_logged_safely(caplog, token)


def test_unknown_key_ids_refetch_once_per_cooldown_in_the_process(
    member: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture
) -> None:
    token = session_jwt(member)
    cache_outage.begin()
    assert member.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    forged = [signed(claims_of(token), key=new_key(), kid=f"jwk-test-nope-{n}") for n in range(4)]

    answers = [member.get(ME, HTTP_AUTHORIZATION=f"Bearer {jwt}").status_code for jwt in forged]

    assert answers == [401] * 4
    assert calls(fake_stytch, jwks_path(fake_stytch)) == 2  # the first fetch, then one refetch
    cache_outage.assert_logged_safely(caplog, token, *forged)


def test_a_jwt_signed_by_a_rotated_key_refetches_the_keys(
    member: APIClient,
    fake_stytch: FakeStytch,
    cache_outage: CacheOutage,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    old = session_jwt(member)
    without_throttles(settings)
    cache_outage.begin()
    assert member.get(ME, HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 200
    fake_stytch.rotate_signing_key()
    other = APIClient()
    sign_in(other, fake_stytch, organization="beta")
    fresh = session_jwt(other)

    response = member.get(ME, HTTP_AUTHORIZATION=f"Bearer {fresh}")

    assert response.status_code == 200, response.content
    assert (calls(fake_stytch, jwks_path(fake_stytch)), calls(fake_stytch, AUTHENTICATE)) == (2, 0)
    cache_outage.assert_logged_safely(caplog, old, fresh)


def test_an_mfa_code_waits_for_the_cache_and_the_step_with_it(
    api: APIClient, fake_stytch: FakeStytch, cache_outage: CacheOutage, settings: Any, caplog: Any
) -> None:
    seed_mfa(fake_stytch)
    enter(api, fake_stytch, "sms", locale="en")
    ist, code = ist_of(api), last_code(fake_stytch)
    without_throttles(settings)
    up = settings.CACHES
    cache_outage.begin()

    refused = post(browser(api), "mfa/sms/authenticate", {"code": code})

    # Its wrong-code budget cannot be counted: not checked, and the step is kept, IST and all.
    assert (refused.status_code, refused.json()["code"]) == (503, "throttle_unavailable")
    assert not [r for r in fake_stytch.requests() if r["path"] == mfa_services.AUTHENTICATE_SMS_OTP]
    assert app_settings.IST_COOKIE_NAME not in refused.cookies
    assert app_settings.PENDING_COOKIE_NAME not in refused.cookies
    cache_outage.assert_logged_safely(caplog, ist, code)
    settings.CACHES = up  # the cache is back: the same code finishes the step
    done = post(api, "mfa/sms/authenticate", {"code": code})
    assert done.status_code == 200, done.content
    assert done.cookies[app_settings.SESSION_COOKIE_NAME].value


def test_a_single_flight_with_the_cache_down_produces_at_once(
    cache_outage: CacheOutage, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache_outage.begin()
    clock = SimpleNamespace(
        monotonic=time.monotonic, sleep=lambda _: pytest.fail("waited for a cache that is down")
    )
    monkeypatch.setattr(shared, "time", clock)
    share = shared.SharedCache("a test goes on")

    produced = shared.produce_once("stytch_discovery:test", lambda: "value", share)

    assert produced == "value"
    assert share.down is True
    cache_outage.assert_logged_safely(caplog)
