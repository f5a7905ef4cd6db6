"""Stytch's JWKS answer: the keys this code can use are kept, the others skipped with a warning.

A key Stytch (or a proxy) garbles must cost that key only, never every session check while the
garbled answer sits in Django's cache.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache
from jwt.algorithms import RSAAlgorithm
from rest_framework.test import APIClient

from stytch_discovery.sessions.jwks import _cache_key, parse_jwks, scope_of, signing_keys
from stytch_discovery.sessions.verification import verified_jwts
from stytch_discovery.testing import FakeStytch
from tests.helpers.sessions import new_key, seed_member_of, session_jwt, sign_in


def public_jwk(kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(new_key().public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@pytest.mark.parametrize("data", [None, [], "keys", {"keys": "nope"}, {}])
def test_an_answer_without_a_key_list_has_no_keys(data: Any) -> None:
    assert parse_jwks(data) == {}


def test_unusable_keys_are_skipped_and_named_in_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    good = public_jwk("good-kid")
    data = {
        "keys": [
            "not-an-object",
            {"kty": "RSA"},  # no kid
            {**good, "kid": 7},  # kid not a string
            {"kid": "broken-kid", "kty": "RSA", "n": "AQAB"},  # no exponent: not a key
            good,
        ]
    }
    with caplog.at_level(logging.WARNING):
        keys = parse_jwks(data)

    assert list(keys) == ["good-kid"]
    assert "broken-kid" in caplog.text
    assert "good-kid" not in caplog.text


def test_a_garbled_key_in_the_shared_answer_costs_only_that_key(
    api: APIClient, fake_stytch: FakeStytch
) -> None:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)
    token = session_jwt(api)
    assert api.get("/host/drf/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    key = _cache_key(scope_of(None))
    shared = cache.get(key)
    assert shared is not None  # the answer the first verification fetched, shared with other processes
    cache.set(key, {"keys": [{"kid": "garbled", "kty": "RSA", "n": "AQAB"}, *shared["keys"]]})
    signing_keys.clear()  # another process: only Django's cache is shared
    verified_jwts.clear()

    response = api.get("/host/drf/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200, response.content
