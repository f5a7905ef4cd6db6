"""The browser-bound OAuth state: single use even when callbacks race, on locmem and on Redis."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from stytch_discovery.conf import app_settings
from stytch_discovery.internal import pkce
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.oauth import state
from tests.helpers.redis import redis_cache

__all__ = ["redis_cache"]  # the fixture, imported for pytest

RACERS = 8


def started_cookie() -> str:
    start = state.begin(provider="google", next_url="/picker")
    response = HttpResponse()
    state.remember(response, start)
    return str(response.cookies[app_settings.OAUTH_STATE_COOKIE_NAME].value)


def take(cookie: str) -> str:
    request = RequestFactory().get("/")
    request.COOKIES[app_settings.OAUTH_STATE_COOKIE_NAME] = cookie
    try:
        return state.take(request).next_url
    except Problem as problem:
        return problem.code


def race(cookie: str) -> list[str]:
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return sorted(pool.map(take, [cookie] * RACERS))


def test_racing_callbacks_let_exactly_one_through() -> None:
    outcomes = race(started_cookie())

    assert outcomes == ["/picker"] + ["oauth_state_used"] * (RACERS - 1)


def test_racing_callbacks_let_exactly_one_through_on_redis(redis_cache: str) -> None:
    outcomes = race(started_cookie())

    assert outcomes == ["/picker"] + ["oauth_state_used"] * (RACERS - 1)


def test_a_state_the_cache_lost_is_missing_not_used() -> None:
    cookie = started_cookie()
    cache.clear()  # e.g. a per-process cache behind several workers: the flow is unknown here

    assert take(cookie) == "oauth_state_missing"


def test_the_verifier_is_derived_from_the_state_and_differs_between_states() -> None:
    first = state.begin(provider="google", next_url="/")
    other = state.begin(provider="google", next_url="/")

    assert first.code_verifier == pkce.code_verifier(first.state_id, salt=state.SALT)
    assert first.code_verifier != other.code_verifier
    assert first.code_challenge == pkce.code_challenge(first.code_verifier) != first.code_verifier


@pytest.mark.parametrize("cookie", ["", "not-signed", "a" * 300])
def test_a_cookie_that_is_no_signed_state_is_missing(cookie: str) -> None:
    assert take(cookie) == "oauth_state_missing"
