"""No answer may be kept by a cache: ``never_cached`` writes what Django's ``add_never_cache_headers``
writes, directly when the response has no caching header of its own."""

from __future__ import annotations

import time

import pytest
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from rest_framework.test import APIClient

from stytch_discovery.internal.http.base import NEVER_CACHE, never_cached
from tests.helpers.api import url

NOW = 1_800_000_000.25


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)


def caching_headers(response: HttpResponse) -> dict[str, str]:
    return {name: response[name] for name in ("Cache-Control", "Expires") if response.has_header(name)}


def djangos(headers: dict[str, str]) -> dict[str, str]:
    response = HttpResponse()
    for name, value in headers.items():
        response[name] = value
    add_never_cache_headers(response)
    return caching_headers(response)


def ours(headers: dict[str, str]) -> dict[str, str]:
    response = HttpResponse()
    for name, value in headers.items():
        response[name] = value
    never_cached(response)
    return caching_headers(response)


def test_a_response_without_caching_headers_gets_exactly_djangos() -> None:
    assert (
        ours({}) == djangos({}) == {"Cache-Control": NEVER_CACHE, "Expires": "Fri, 15 Jan 2027 08:00:00 GMT"}
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Cache-Control": "public, max-age=600"},
        {"Cache-Control": "no-transform"},
        {"Expires": "Thu, 01 Jan 2099 00:00:00 GMT"},
        {"Cache-Control": "max-age=60", "Expires": "Thu, 01 Jan 2099 00:00:00 GMT"},
    ],
)
def test_a_responses_own_caching_headers_are_merged_as_django_merges_them(headers: dict[str, str]) -> None:
    assert ours(headers) == djangos(headers)


def test_answers_and_errors_carry_both_headers(api: APIClient) -> None:
    for response in (api.get(url("csrf")), api.post(url("discovery/organizations"), {}, format="json")):
        assert response["Cache-Control"] == NEVER_CACHE
        assert response["Expires"] == "Fri, 15 Jan 2027 08:00:00 GMT"
