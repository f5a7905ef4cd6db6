"""A malformed token cookie is skipped (the next good source is used) and deleted on the response."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http.cookies import SDK_IST_COOKIE_NAME
from stytch_discovery.internal.tokens import IST, SESSION_JWT, SESSION_TOKEN, max_length
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post
from tests.helpers.sessions import seed_member_of, session_jwt, session_token, sign_in

LIST = "discovery/organizations"

#: Each way a cookie can be malformed, as the value the browser sends (WSGI strings are latin-1).
WAYS = {
    "spaces": lambda kind: "a token with spaces",
    "non-ascii": lambda kind: "tøken".encode().decode("latin-1"),
    "over-length": lambda kind: "a" * (max_length(kind) + 1),
    "empty": lambda kind: "",
}
#: Each token cookie: (its setting, or None for the SDK's fixed name), its kind.
COOKIES = {
    "ist": ("IST_COOKIE_NAME", IST),
    "sdk-ist": (None, IST),
    "session-token": ("SESSION_COOKIE_NAME", SESSION_TOKEN),
    "session-jwt": ("SESSION_JWT_COOKIE_NAME", SESSION_JWT),
}


def cookie_name(setting: str | None) -> str:
    return SDK_IST_COOKIE_NAME if setting is None else str(app_settings.get(setting))


def with_cookies(client: APIClient, cookies: dict[str, str]) -> Any:
    """POST the list with exactly ``cookies`` as the raw Cookie header (no quoting by the test client)."""
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return post(client, LIST, {}, HTTP_COOKIE=header)


def assert_deleted(response: Any, name: str) -> None:
    cookie = response.cookies[name]
    assert (cookie.value, cookie["max-age"], cookie["path"]) == ("", 0, app_settings.COOKIE_PATH)


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
@pytest.mark.parametrize(("setting", "kind"), COOKIES.values(), ids=COOKIES.keys())
def test_a_malformed_cookie_is_skipped_for_a_good_one_and_deleted(
    api: APIClient, fake_stytch: FakeStytch, setting: str | None, kind: str, way: Any
) -> None:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)
    good = {
        app_settings.SESSION_COOKIE_NAME: session_token(api),
        app_settings.SESSION_JWT_COOKIE_NAME: session_jwt(api),
    }
    name = cookie_name(setting)

    response = with_cookies(api, {**good, name: way(kind)})

    assert response.status_code == 200, response.json()
    assert response.json()["email_address"]
    assert_deleted(response, name)
    for other in set(good) - {name}:
        assert other not in response.cookies  # the good cookie stays


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
def test_a_garbled_app_ist_cookie_gives_way_to_the_sdks(
    api: APIClient, fake_stytch: FakeStytch, way: Any
) -> None:
    ist = fake_stytch.mint_intermediate_session("ada@acme.example")

    response = with_cookies(api, {app_settings.IST_COOKIE_NAME: way(IST), SDK_IST_COOKIE_NAME: ist})

    assert response.status_code == 200
    assert response.json()["can_create_organization"] is True
    assert_deleted(response, app_settings.IST_COOKIE_NAME)


@pytest.mark.parametrize("way", WAYS.values(), ids=WAYS.keys())
@pytest.mark.parametrize(("setting", "kind"), COOKIES.values(), ids=COOKIES.keys())
def test_only_a_malformed_cookie_is_a_401_that_deletes_it(
    api: APIClient, fake_stytch: FakeStytch, setting: str | None, kind: str, way: Any
) -> None:
    name = cookie_name(setting)
    value = way(kind)

    response = with_cookies(api, {name: value})

    expected = (
        "intermediate_session_required"
        if not value
        else ("intermediate_session_invalid" if kind == IST else "session_invalid")
    )
    assert (response.status_code, response.json()["code"]) == (401, expected)
    assert_deleted(response, name)
    assert fake_stytch.stats()["requests"] == {}
