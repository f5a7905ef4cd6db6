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
