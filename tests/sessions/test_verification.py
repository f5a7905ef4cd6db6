"""Session JWTs verified here: every forged or broken token is a 401, never a 500, never a Stytch call.

The tokens are the fake's own JWTs, changed the ways an attacker (or a broken client) would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from rest_framework.test import APIClient

from stytch_discovery.sessions.types import MemberSession
from stytch_discovery.sessions.verification import member_session_from_claims
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import stytch_calls
from tests.helpers.sessions import (
    claims_of,
    expired_copy,
    header_of,
    hs256_signed,
    new_key,
    seed_member_of,
    session_jwt,
    sign_in,
    signed,
    tampered,
    unsigned,
)

ME = "/host/drf/me"
SESSION = "https://stytch.com/session"
Forge = Callable[[str, FakeStytch], str]


@pytest.fixture
def good_jwt(api: APIClient, fake_stytch: FakeStytch) -> str:
    seed_member_of(fake_stytch, "acme")
    sign_in(api, fake_stytch)
    token = session_jwt(api)
    api.cookies.clear()
    return token


def public_pem(fake: FakeStytch) -> bytes:
    """The fake's public key as PEM, as an attacker could download it from the JWKS."""
    (jwk,) = jwt.PyJWKSet.from_dict(fake_jwks(fake)).keys
    pem: bytes = jwk.key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


def fake_jwks(fake: FakeStytch) -> dict[str, Any]:

    answer: dict[str, Any] = requests.get(
        f"{fake.base_url}/v1/b2b/sessions/jwks/{fake.project_id}", timeout=5
    ).json()
    return answer


def with_claims(**changes: Any) -> Forge:
    """The good JWT's claims changed, signed by a key of our own under the fake's key id."""
    return lambda token, fake: signed(
        {**claims_of(token), **changes}, key=new_key(), kid=header_of(token)["kid"]
    )


FORGERIES: dict[str, Forge] = {
    "alg-none": lambda token, fake: unsigned(claims_of(token), header_of(token)["kid"]),
    "hs256-with-the-public-key": lambda token, fake: hs256_signed(
        claims_of(token), secret=public_pem(fake), kid=header_of(token)["kid"]
    ),
    "another-key-same-kid": with_claims(),
    "unknown-kid": lambda token, fake: signed(claims_of(token), key=new_key(), kid="jwk-test-unknown"),
    "tampered-payload": lambda token, fake: tampered(token, sub="member-test-someone-else"),
    "tampered-roles": lambda token, fake: tampered(
        token,
        **{
            "https://stytch.com/session": {
                **claims_of(token)["https://stytch.com/session"],
                "roles": ["stytch_admin"],
            }
        },
    ),
    "garbage": lambda token, fake: "not-a-jwt",
    "three-garbage-parts": lambda token, fake: "aaa.bbb.ccc",
    "truncated-signature": lambda token, fake: token[:-20],
    # Bytes outside base64url: the standard alphabet's, and junk.
    "standard-base64-byte": lambda token, fake: token[:40] + "+" + token[41:],
    "junk-byte": lambda token, fake: token[:40] + "!" + token[41:],
}


def resigned_by_the_fake(fake: FakeStytch, claims: dict[str, Any]) -> str:
    """``claims`` signed with the fake's own signing key (what a wrong-audience token from a real
    but other project would be, or one Stytch signed with bad claims)."""
    keys = fake.app.project.keys  # the fake's key ring
    return str(keys.sign(claims))


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_token_is_a_401_without_a_stytch_call(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str, forge: Forge
) -> None:
    forged = forge(good_jwt, fake_stytch)
    calls = stytch_calls(fake_stytch)

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert response.status_code == 401, response.content
    assert response.json()["code"] == "session_invalid"
    assert set(response.json()) == {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
    assert response["WWW-Authenticate"] == 'Bearer realm="stytch"'
    jwks = f"/v1/b2b/sessions/jwks/{fake_stytch.project_id}"
    # At most one JWKS refetch (the unknown key id); never sessions/authenticate.
    counts = fake_stytch.stats()["requests"]
    assert counts.get("/v1/b2b/sessions/authenticate", 0) == 0
    assert stytch_calls(fake_stytch) - calls <= (1 if counts.get(jwks) else 0)


@pytest.mark.parametrize(
    ("claims", "label"),
    [
        ({"aud": ["project-test-someone-else"]}, "wrong-audience"),
        ({"iss": "stytch.com/project-test-someone-else"}, "wrong-issuer"),
        ({"nbf": int(time.time()) + 3600}, "future-nbf"),
        ({"iat": int(time.time()) + 3600}, "future-iat"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_well_signed_token_with_wrong_claims_is_a_401(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str, claims: dict[str, Any], label: str
) -> None:
    token = resigned_by_the_fake(fake_stytch, {**claims_of(good_jwt), **claims})

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")
    assert fake_stytch.stats()["requests"].get("/v1/b2b/sessions/authenticate", 0) == 0


@pytest.mark.parametrize(
    "missing", ["https://stytch.com/session", "https://stytch.com/organization", "sub", "exp"]
)
def test_a_token_without_a_required_claim_is_a_401(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str, missing: str
) -> None:
    claims = claims_of(good_jwt)
    del claims[missing]

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {resigned_by_the_fake(fake_stytch, claims)}")

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")


def test_a_malformed_bearer_header_is_a_401_without_any_call(api: APIClient, fake_stytch: FakeStytch) -> None:
    response = api.get(ME, HTTP_AUTHORIZATION="Bearer has spaces in it")

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")
    assert stytch_calls(fake_stytch) == 0


def test_the_good_token_is_accepted_with_one_jwks_fetch_and_no_session_call(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str
) -> None:
    for _ in range(3):
        response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {good_jwt}")
        assert response.status_code == 200, response.content
    assert response.json()["member_id"] == claims_of(good_jwt)["sub"]
    counts = fake_stytch.stats()["requests"]
    assert counts.get("/v1/b2b/sessions/authenticate", 0) == 0
    assert counts[f"/v1/b2b/sessions/jwks/{fake_stytch.project_id}"] == 1


@pytest.mark.parametrize(("skew", "accepted"), [(4, True), (30, False)])
def test_a_few_seconds_of_clock_skew_is_tolerated(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str, skew: int, accepted: bool
) -> None:
    # Stytch's clock ahead of ours: iat and nbf are in our future.
    now = int(time.time()) + skew
    claims = {**claims_of(good_jwt), "iat": now, "nbf": now, "exp": now + 300}

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {resigned_by_the_fake(fake_stytch, claims)}")

    assert (response.status_code == 200) is accepted, response.content


def test_an_expired_token_asks_stytch_once_and_then_is_remembered(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str
) -> None:
    expired = resigned_by_the_fake(fake_stytch, expired_copy(claims_of(good_jwt)))

    for _ in range(3):
        response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {expired}")
        assert response.status_code == 200, response.content

    assert fake_stytch.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1


def test_max_age_sends_an_old_token_to_stytch(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "SESSION_JWT_MAX_AGE": 60}
    now = int(time.time()) - 120
    old = resigned_by_the_fake(fake_stytch, {**claims_of(good_jwt), "iat": now, "nbf": now, "exp": now + 600})

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {old}")

    assert response.status_code == 200
    assert fake_stytch.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1


def test_the_claims_become_the_member_session(good_jwt: str) -> None:
    claims = claims_of(good_jwt)
    claims["team"] = "blue"  # a custom claim

    session = member_session_from_claims(claims)

    assert isinstance(session, MemberSession)
    assert session.member_id == claims["sub"]
    assert session.organization_id == claims["https://stytch.com/organization"]["organization_id"]
    assert session.organization_slug == "acme"
    assert session.member_session_id == claims["https://stytch.com/session"]["id"]
    assert session.roles == ("stytch_member",)
    assert session.authentication_factors[0]["type"] == "magic_link"
    assert session.custom_claims == {"team": "blue"}
    assert session.expires_at is not None


def test_roles_that_are_not_strings_make_the_token_invalid(
    api: APIClient, fake_stytch: FakeStytch, good_jwt: str
) -> None:
    claims = claims_of(good_jwt)
    claims["https://stytch.com/session"]["roles"] = [7]

    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {resigned_by_the_fake(fake_stytch, claims)}")

    assert (response.status_code, response.json()["code"]) == (401, "session_invalid")
