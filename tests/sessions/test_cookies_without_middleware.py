"""A host project's own DRF view, ``StytchSessionAuthentication`` set on the view itself and no
``StytchSessionMiddleware``: the cookie changes verifying decides still reach the browser.

Without them a browser whose JWT expired keeps sending it, and every request of it asks Stytch
again (or, with a shared cache, reads Stytch's answer back from it until that answer's JWT
expires too), and a dead session's cookies are sent forever. Real HTTP to the fake Stytch; the
JWT is expired by signing in while the fake's clock runs ten minutes behind (the session, an hour
long, still lives at Stytch).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from stytch_discovery import services
from stytch_discovery.authentication import StytchSessionAuthentication
from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL
from tests.helpers.sessions import seed_member_of, session_jwt, session_token, sign_in

AUTHENTICATE = "/v1/b2b/sessions/authenticate"
MIDDLEWARE = "stytch_discovery.middleware.StytchSessionMiddleware"
#: Django's cache as a project may have it: shared by nothing (each request on its own), or locmem.
CACHES = {
    "dummy": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    "locmem": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
}


@pytest.fixture
def expired(api: APIClient, fake_stytch: FakeStytch, settings: Any) -> APIClient:
    """A member whose session JWT cookie expired five minutes ago; no middleware installed."""
    assert MIDDLEWARE not in settings.MIDDLEWARE
    seed_member_of(fake_stytch, "acme")
    fake_stytch.set_clock_offset(-600)
    sign_in(api, fake_stytch)
    fake_stytch.set_clock_offset(0)
    return api


def remote_authentications(fake: FakeStytch) -> int:
    return int(fake.stats()["requests"].get(AUTHENTICATE, 0))


@pytest.mark.parametrize("cache", list(CACHES))
def test_the_refreshed_jwt_goes_back_into_the_cookie_so_stytch_is_asked_once(
    expired: APIClient, fake_stytch: FakeStytch, settings: Any, cache: str
) -> None:
    settings.CACHES = CACHES[cache]
    old_jwt, token = session_jwt(expired), session_token(expired)

    answers = [expired.get("/host/drf/me") for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200] * 5
    assert {answer.json()["user"] for answer in answers} == {EMAIL}
    assert remote_authentications(fake_stytch) == 1
    fresh = answers[0].cookies[app_settings.SESSION_JWT_COOKIE_NAME]
    assert fresh.value not in ("", old_jwt)
    assert fresh["httponly"]
    assert answers[0].cookies[app_settings.SESSION_COOKIE_NAME].value == token
    assert session_jwt(expired) == fresh.value  # the next four verified it here


def test_a_dead_sessions_cookies_are_deleted_with_the_401(
    expired: APIClient, fake_stytch: FakeStytch
) -> None:
    services.revoke_session(session_token=session_token(expired))  # the session dies at Stytch

    refused = expired.get("/host/drf/me")
    again = expired.get("/host/drf/me")

    assert (refused.status_code, refused.json()["code"]) == (401, "session_invalid")
    for name in (app_settings.SESSION_COOKIE_NAME, app_settings.SESSION_JWT_COOKIE_NAME):
        assert (refused.cookies[name].value, refused.cookies[name]["max-age"]) == ("", 0)
    assert (again.status_code, again.json()["code"]) == (401, "not_authenticated")


def test_a_view_authenticated_only_by_its_renderer_still_writes_the_refreshed_jwt(
    expired: APIClient, fake_stytch: FakeStytch
) -> None:
    old_jwt = session_jwt(expired)

    # The browsable API's renderer reads request.user, after the view has answered.
    page = expired.get("/host/drf/lazy", HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    assert EMAIL in page.content.decode()
    assert page.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value not in ("", old_jwt)
    assert remote_authentications(fake_stytch) == 1


def test_a_request_built_without_a_view_leaves_the_changes_to_the_middleware(expired: APIClient) -> None:
    """No view to answer (DRF's ``Request`` made by hand): nothing is written, nothing breaks."""
    django_request = APIRequestFactory().get("/anywhere")
    django_request.COOKIES.update({name: morsel.value for name, morsel in expired.cookies.items()})

    user, session = StytchSessionAuthentication().authenticate(Request(django_request))  # type: ignore[misc]
    response = HttpResponse()
    cookies.apply_deferred(django_request, response)  # what the middleware does with its answer

    assert (user.get_username(), session.member_id) == (EMAIL, django_request.stytch.member_id)  # type: ignore[attr-defined]
    assert response.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value not in ("", session_jwt(expired))


def test_a_view_in_the_context_that_is_no_drf_view_leaves_the_changes_to_the_middleware(
    expired: APIClient,
) -> None:
    """A ``Request`` built by hand with some other object as its view: no AttributeError (a 500)."""
    django_request = APIRequestFactory().get("/anywhere")
    django_request.COOKIES.update({name: morsel.value for name, morsel in expired.cookies.items()})

    authenticated = StytchSessionAuthentication().authenticate(
        Request(django_request, parser_context={"view": object()})
    )
    response = HttpResponse()
    cookies.apply_deferred(django_request, response)

    assert authenticated is not None
    assert response.cookies[app_settings.SESSION_JWT_COOKIE_NAME].value not in ("", session_jwt(expired))
