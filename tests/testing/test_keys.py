"""The fake's signing keys: JWKS entries in Stytch's JWK shape, one key ring per fake."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import Any

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from stytch_discovery.testing import FakeStytch

from .helpers import CREATE, SESSIONS_AUTHENTICATE, Call, assert_stytch_error


def published_keys(fake: FakeStytch) -> list[dict[str, Any]]:
    response = requests.get(f"{fake.base_url}/v1/b2b/sessions/jwks/{fake.project_id}", timeout=5)
    assert response.status_code == 200
    keys: list[dict[str, Any]] = response.json()["keys"]
    return keys


def b64url_uint(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


@pytest.fixture
def session_jwt(call: Call, ist: str) -> str:
    body = call(CREATE, {"intermediate_session_token": ist, "organization_slug": "acme"}).json()
    token: str = body["session_jwt"]
    return token


def test_jwk_certificate_matches_the_key(fake: FakeStytch) -> None:
    (key,) = published_keys(fake)
    (der_b64,) = key["x5c"]
    der = base64.b64decode(der_b64)
    public = x509.load_der_x509_certificate(der).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    numbers = public.public_numbers()
    assert (numbers.n, numbers.e) == (b64url_uint(key["n"]), b64url_uint(key["e"]))
    assert key["x5tS256"] == base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
    assert key["key_ops"] == ["verify"]
    assert key["kid"].startswith("jwk-test-")


def test_every_fake_has_its_own_key(fake: FakeStytch, call: Call, ist: str) -> None:
    with FakeStytch() as other:
        theirs = other.mint_intermediate_session("ada@acme.example")
        created = requests.post(
            other.base_url + CREATE,
            json={"intermediate_session_token": theirs, "organization_slug": "acme"},
            auth=(other.project_id, other.secret),
            timeout=5,
        ).json()
        assert published_keys(other)[0]["kid"] != published_keys(fake)[0]["kid"]
    # A JWT another fake signed is not one of ours: its kid is unknown here.
    refused = call(SESSIONS_AUTHENTICATE, {"session_jwt": created["session_jwt"]})
    assert_stytch_error(refused, 400, "unable_to_parse_session_jwt")


def test_reset_keeps_the_initial_key(fake: FakeStytch, session_jwt: str) -> None:
    kid = jwt.get_unverified_header(session_jwt)["kid"]
    fake.reset()
    assert [key["kid"] for key in published_keys(fake)] == [kid]


def test_a_jwt_with_alg_none_is_refused(call: Call, session_jwt: str) -> None:
    claims = jwt.decode(session_jwt, options={"verify_signature": False})
    kid = jwt.get_unverified_header(session_jwt)["kid"]
    unsigned = jwt.encode(claims, key="", algorithm="none", headers={"kid": kid})
    assert_stytch_error(
        call(SESSIONS_AUTHENTICATE, {"session_jwt": unsigned}), 400, "unable_to_parse_session_jwt"
    )


def test_signing_is_fast_enough_for_load_tests(
    fake: FakeStytch, session_jwt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = jwt.decode(session_jwt, options={"verify_signature": False})
    started = time.perf_counter()
    for _ in range(200):
        fake.app.keys.sign(claims)
    mean_ms = (time.perf_counter() - started) / 200 * 1000
    with capsys.disabled():
        print(f"\nfake Stytch: mean time to sign one session JWT: {mean_ms:.2f} ms")
    # Generous for a loaded machine; the pure-Python signer this replaced took about 13 ms.
    assert mean_ms < 10


# -- rotation -------------------------------------------------------------------------------


def kid_of(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one(
    fake: FakeStytch, call: Call, control: Call, session_jwt: str
) -> None:
    old_kid = kid_of(session_jwt)
    rotated = control("keys/rotate", {}).json()
    new_kid = rotated["signing_kid"]
    assert new_kid != old_kid
    assert rotated["published_kids"] == [new_kid, old_kid]
    assert [key["kid"] for key in published_keys(fake)] == [new_kid, old_kid]
    # The old JWT still authenticates, and the fresh JWT it buys carries the new kid.
    renewed = call(SESSIONS_AUTHENTICATE, {"session_jwt": session_jwt})
    assert renewed.status_code == 200
    assert kid_of(renewed.json()["session_jwt"]) == new_kid
    assert control("keys").json() == rotated


def test_a_retired_key_is_unpublished_and_its_jwts_refused(
    fake: FakeStytch, call: Call, control: Call, session_jwt: str
) -> None:
    old_kid = kid_of(session_jwt)
    new_kid = fake.rotate_signing_key()
    retired = control("keys/retire", {"kid": old_kid})
    assert retired.json() == {"signing_kid": new_kid, "published_kids": [new_kid]}
    assert [key["kid"] for key in published_keys(fake)] == [new_kid]
    refused = call(SESSIONS_AUTHENTICATE, {"session_jwt": session_jwt})
    assert_stytch_error(refused, 400, "unable_to_parse_session_jwt")


def test_retire_refuses_the_signing_key_and_unknown_kids(fake: FakeStytch, control: Call) -> None:
    signing = fake.signing_keys()["signing_kid"]
    assert_stytch_error(control("keys/retire", {"kid": signing}), 400, "invalid_argument")
    assert_stytch_error(control("keys/retire", {"kid": "jwk-test-nope"}), 404, "signing_key_not_found")
    assert_stytch_error(control("keys/retire", {}), 400, "bad_request")


def test_reset_after_rotation_restores_the_initial_key_alone(fake: FakeStytch, session_jwt: str) -> None:
    initial = kid_of(session_jwt)
    fake.rotate_signing_key()
    fake.rotate_signing_key()
    fake.reset()
    assert fake.signing_keys() == {"signing_kid": initial, "published_kids": [initial]}


# -- the clock drives iat, nbf and exp --------------------------------------------------------


@pytest.mark.parametrize("offset", [-3600, 5, 86400])
def test_jwt_times_follow_the_fake_clock(fake: FakeStytch, call: Call, offset: int) -> None:
    fake.set_clock_offset(offset)
    ist = fake.mint_intermediate_session("ada@acme.example")
    body = call(CREATE, {"intermediate_session_token": ist, "organization_slug": "acme"}).json()
    claims = jwt.decode(body["session_jwt"], options={"verify_signature": False})
    expected = time.time() + offset
    assert abs(claims["iat"] - expected) < 5
    assert claims["nbf"] == claims["iat"]
    assert claims["exp"] == claims["iat"] + 300


def test_a_fake_clock_ahead_makes_local_verification_fail_without_leeway(
    fake: FakeStytch, call: Call, ist: str
) -> None:
    """Stytch's clock 30 s ahead of the server's: iat and nbf are in the server's future."""
    fake.set_clock_offset(30)
    token = call(CREATE, {"intermediate_session_token": ist, "organization_slug": "acme"}).json()[
        "session_jwt"
    ]
    key = jwt.PyJWK(published_keys(fake)[0])
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(token, key.key, algorithms=["RS256"], audience=fake.project_id)
    assert jwt.decode(token, key.key, algorithms=["RS256"], audience=fake.project_id, leeway=60)["sub"]
