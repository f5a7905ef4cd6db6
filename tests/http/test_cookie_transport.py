"""``internal.http.cookies`` with well-formed tokens: which one a request carries, and the cookies set.

Malformed cookies have their own tests (``test_errors``, ``test_security``); here every token is
sound, so what is pinned is the order of the sources and the flags, lifetimes and names.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.tokens import IST, SESSION_JWT, SESSION_TOKEN

IST_NAME, TOKEN_NAME, JWT_NAME = "stytch_discovery_ist", "stytch_session", "stytch_session_jwt"
SDK = cookies.SDK_IST_COOKIE_NAME
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtZW1iZXIifQ.c2lnbmF0dXJl"


def request_with(**cookie_values: str) -> HttpRequest:
    request = RequestFactory().get("/")
    request.COOKIES.update(cookie_values)
    return request


def found(credential: cookies.Credential | None) -> tuple[str, str, str | None] | None:
    return None if credential is None else (credential.kind, credential.token, credential.cookie)


# -- which token ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "cookie_values", "expected"),
    [
        ({IST: "ist-body"}, {IST_NAME: "ist-app", SDK: "ist-sdk"}, (IST, "ist-body", None)),
        ({}, {IST_NAME: "ist-app", SDK: "ist-sdk"}, (IST, "ist-app", IST_NAME)),
        ({}, {SDK: "ist-sdk"}, (IST, "ist-sdk", SDK)),
        ({IST: ""}, {IST_NAME: "ist-app"}, (IST, "ist-app", IST_NAME)),
        ({}, {TOKEN_NAME: "session-token"}, None),
        ({}, {}, None),
    ],
    ids=["body-first", "app-cookie-before-sdk", "sdk-cookie", "empty-body-value", "member-only", "none"],
)
def test_the_intermediate_session_comes_from_the_body_then_the_cookies(
    body: dict[str, str], cookie_values: dict[str, str], expected: Any
) -> None:
    assert found(cookies.intermediate_session(request_with(**cookie_values), body)) == expected


def test_the_sdk_cookie_is_ignored_when_not_accepted(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "ACCEPT_SDK_IST_COOKIE": False}
    assert cookies.intermediate_session_cookies() == [IST_NAME]
    assert cookies.intermediate_session(request_with(**{SDK: "ist-sdk"}), {}) is None


@pytest.mark.parametrize(
    ("body", "cookie_values", "expected"),
    [
        (
            {IST: "ist-body", SESSION_TOKEN: "token-body", SESSION_JWT: JWT},
            {IST_NAME: "ist-app"},
            (IST, "ist-body", None),
        ),
        ({SESSION_TOKEN: "token-body", SESSION_JWT: JWT}, {}, (SESSION_TOKEN, "token-body", None)),
        ({SESSION_JWT: JWT}, {IST_NAME: "ist-app"}, (SESSION_JWT, JWT, None)),
        ({}, {IST_NAME: "ist-app", TOKEN_NAME: "session-token"}, (IST, "ist-app", IST_NAME)),
        ({}, {TOKEN_NAME: "session-token", JWT_NAME: JWT}, (SESSION_TOKEN, "session-token", TOKEN_NAME)),
        ({}, {JWT_NAME: JWT}, (SESSION_JWT, JWT, JWT_NAME)),
        ({}, {}, None),
    ],
    ids=["body-ist", "body-token", "body-jwt", "ist-cookie", "token-cookie", "jwt-cookie", "none"],
)
def test_listing_takes_a_body_token_then_an_ist_cookie_then_the_member_session(
    body: dict[str, str], cookie_values: dict[str, str], expected: Any
) -> None:
    assert found(cookies.any_session(request_with(**cookie_values), body)) == expected


def test_a_credential_hands_its_token_to_its_own_kind_only() -> None:
    credential = cookies.Credential(kind=SESSION_TOKEN, token="session-token")
    assert credential.token_if(SESSION_TOKEN) == "session-token"
    assert credential.token_if(IST) is None
    assert credential.token_if(SESSION_JWT) is None
    assert not credential.is_intermediate
    assert cookies.Credential(kind=IST, token="x").is_intermediate
    assert "session-token" not in repr(credential)


# -- the cookies set --------------------------------------------------------------------------------


def morsel(response: HttpResponse, name: str) -> Any:
    return response.cookies[name]


def test_the_ist_cookie_lives_until_the_ist_expires() -> None:
    response = HttpResponse()
    cookies.set_intermediate_session(response, "ist", timezone.now() + timedelta(seconds=300))
    assert 298 <= int(morsel(response, IST_NAME)["max-age"]) <= 300
    assert morsel(response, IST_NAME).value == "ist"


@pytest.mark.parametrize(
    ("expires_in", "max_age"), [(None, cookies.IST_MAX_AGE), (-60, 0)], ids=["unknown", "past"]
)
def test_the_ist_cookie_without_a_future_expiry(expires_in: int | None, max_age: int) -> None:
    response = HttpResponse()
    expires_at = None if expires_in is None else timezone.now() + timedelta(seconds=expires_in)
    cookies.set_intermediate_session(response, "ist", expires_at)
    assert int(morsel(response, IST_NAME)["max-age"]) == max_age


def test_member_session_cookies_share_the_sessions_lifetime() -> None:
    response = HttpResponse()
    cookies.set_member_session(
        response, session_token="token", session_jwt=JWT, expires_at=timezone.now() + timedelta(hours=1)
    )
    ages = {int(morsel(response, name)["max-age"]) for name in (TOKEN_NAME, JWT_NAME)}
    assert len(ages) == 1
    assert 3598 <= ages.pop() <= 3600
    assert (morsel(response, TOKEN_NAME).value, morsel(response, JWT_NAME).value) == ("token", JWT)


def test_member_session_cookies_of_an_unknown_lifetime_last_the_browser_session() -> None:
    response = HttpResponse()
    cookies.set_member_session(response, session_token="token", session_jwt=JWT, expires_at=None)
    for name in (TOKEN_NAME, JWT_NAME):
        assert morsel(response, name)["max-age"] == ""
        assert morsel(response, name)["expires"] == ""


@pytest.mark.parametrize("secure", [True, False])
def test_every_cookie_carries_the_configured_flags(settings: Any, secure: bool) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "COOKIE_DOMAIN": "app.example",
        "COOKIE_PATH": "/api/",
        "COOKIE_SAMESITE": "Strict",
        "COOKIE_SECURE": secure,
    }
    response = HttpResponse()
    cookies.set_intermediate_session(response, "ist", None)
    cookies.set_member_session(response, session_token="token", session_jwt=JWT, expires_at=None)
    cookies.delete(response, "stytch_discovery_pending")
    for name in (IST_NAME, TOKEN_NAME, JWT_NAME, "stytch_discovery_pending"):
        cookie = morsel(response, name)
        assert (cookie["domain"], cookie["path"], cookie["samesite"]) == ("app.example", "/api/", "Strict")
        assert cookie["httponly"] is True
        assert bool(cookie["secure"]) is secure


def test_delete_expires_each_cookie_now() -> None:
    response = HttpResponse()
    cookies.delete(response, TOKEN_NAME, JWT_NAME)
    for name in (TOKEN_NAME, JWT_NAME):
        assert morsel(response, name).value == ""
        assert int(morsel(response, name)["max-age"]) == 0


def test_only_the_ist_cookies_the_request_carried_are_cleared() -> None:
    response = HttpResponse()
    cookies.clear_intermediate_sessions(response, request_with(**{SDK: "ist-sdk", TOKEN_NAME: "token"}))
    assert set(response.cookies) == {SDK}


@pytest.mark.parametrize(
    ("accept_sdk", "include_sdk", "expected"),
    [
        (True, False, [IST_NAME, SDK, TOKEN_NAME, JWT_NAME]),
        (True, True, [IST_NAME, SDK, TOKEN_NAME, JWT_NAME]),
        (False, False, [IST_NAME, TOKEN_NAME, JWT_NAME]),
        (False, True, [IST_NAME, TOKEN_NAME, JWT_NAME, SDK]),
    ],
)
def test_all_names_lists_each_token_cookie_once(
    settings: Any, accept_sdk: bool, include_sdk: bool, expected: list[str]
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "ACCEPT_SDK_IST_COOKIE": accept_sdk}
    assert cookies.all_names(include_sdk_cookie=include_sdk) == expected


def test_deferred_changes_apply_once_in_order() -> None:
    request, response, seen = request_with(), HttpResponse(), []
    cookies.defer(request, lambda _: seen.append("first"))
    cookies.defer(request, lambda answer: seen.append(type(answer).__name__))
    cookies.apply_deferred(request, response)
    cookies.apply_deferred(request, response)
    assert seen == ["first", "HttpResponse"]


def test_the_names_are_the_settings() -> None:
    assert (app_settings.IST_COOKIE_NAME, app_settings.SESSION_COOKIE_NAME) == (IST_NAME, TOKEN_NAME)
    assert app_settings.SESSION_JWT_COOKIE_NAME == JWT_NAME
