"""Member sessions: JWKS, RS256 JWTs, sessions/authenticate and sessions/revoke."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
import requests

from stytch_discovery.testing import FakeStytch

from .helpers import CREATE, LIST, SESSIONS_AUTHENTICATE, SESSIONS_REVOKE, Call, assert_stytch_error
from .shapes import MEMBER_SESSION, assert_envelope, assert_member, assert_organization, assert_required


@pytest.fixture
def entered(call: Call, ist: str) -> dict[str, Any]:
    body: dict[str, Any] = call(
        CREATE,
        {
            "intermediate_session_token": ist,
            "organization_slug": "acme",
            "session_custom_claims": {"tenant": "acme", "jti": "dropped"},
        },
    ).json()
    return body


def jwks(fake: FakeStytch) -> dict[str, Any]:
    response = requests.get(f"{fake.base_url}/v1/b2b/sessions/jwks/{fake.project_id}", timeout=5)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_jwks_needs_no_auth_and_has_the_sdk_shape(fake: FakeStytch) -> None:
    body = jwks(fake)
    assert_envelope(body)
    (key,) = body["keys"]
    assert {"kty", "use", "key_ops", "alg", "kid", "x5c", "x5tS256", "n", "e"} <= set(key)
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")


def test_jwks_of_another_project_is_404(fake: FakeStytch) -> None:
    response = requests.get(f"{fake.base_url}/v1/b2b/sessions/jwks/project-test-x", timeout=5)
    assert_stytch_error(response, 404, "project_not_found")


def test_session_jwt_verifies_with_the_published_key(fake: FakeStytch, entered: dict[str, Any]) -> None:
    token = entered["session_jwt"]
    key = jwt.PyJWK(jwks(fake)["keys"][0])
    assert jwt.get_unverified_header(token)["kid"] == key.key_id
    claims = jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=fake.project_id,
        issuer=f"stytch.com/{fake.project_id}",
        options={"require": ["aud", "iss", "exp", "iat", "nbf"]},
    )
    assert claims["aud"] == [fake.project_id]
    assert claims["exp"] - claims["iat"] == 300
    assert claims["sub"] == entered["member_id"]
    assert claims["tenant"] == "acme"
    assert "jti" not in claims
    session_claim = claims["https://stytch.com/session"]
    assert session_claim["id"] == entered["member_session"]["member_session_id"]
    assert session_claim["roles"] == ["stytch_member", "stytch_admin"]
    assert session_claim["authentication_factors"][0]["type"] == "magic_link"
    assert claims["https://stytch.com/organization"] == {
        "organization_id": entered["organization"]["organization_id"],
        "slug": "acme",
    }


def test_a_tampered_jwt_is_rejected(call: Call, entered: dict[str, Any]) -> None:
    header, payload, signature = entered["session_jwt"].split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert_stytch_error(call(LIST, {"session_jwt": forged}), 400, "unable_to_parse_session_jwt")


@pytest.mark.parametrize("credential", ["session_token", "session_jwt"])
def test_sessions_authenticate(call: Call, entered: dict[str, Any], credential: str) -> None:
    response = call(
        SESSIONS_AUTHENTICATE,
        {credential: entered[credential], "session_custom_claims": {"tenant": None, "x": 1}},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert_envelope(body)
    assert_required(body["member_session"], MEMBER_SESSION)
    assert_member(body["member"])
    assert_organization(body["organization"])
    assert body["session_token"] == entered["session_token"]
    assert body["session_jwt"].count(".") == 2
    assert body["member_session"]["custom_claims"] == {"x": 1}


def test_sessions_authenticate_extends_the_session(
    fake: FakeStytch, call: Call, entered: dict[str, Any]
) -> None:
    token = entered["session_token"]
    fake.advance_clock(50 * 60)
    call(SESSIONS_AUTHENTICATE, {"session_token": token, "session_duration_minutes": 60})
    fake.advance_clock(50 * 60)  # past the original 60 minutes
    assert call(SESSIONS_AUTHENTICATE, {"session_token": token}).status_code == 200
    fake.advance_clock(11 * 60)
    assert_stytch_error(call(SESSIONS_AUTHENTICATE, {"session_token": token}), 404, "session_not_found")


def test_an_expired_jwt_still_authenticates_while_its_session_lives(
    fake: FakeStytch, call: Call, entered: dict[str, Any]
) -> None:
    fake.advance_clock(301)
    response = call(SESSIONS_AUTHENTICATE, {"session_jwt": entered["session_jwt"]})
    assert response.status_code == 200


@pytest.mark.parametrize("credential", ["member_session_id", "session_token", "session_jwt"])
def test_sessions_revoke(call: Call, entered: dict[str, Any], credential: str) -> None:
    value = (
        entered["member_session"]["member_session_id"]
        if credential == "member_session_id"
        else entered[credential]
    )
    response = call(SESSIONS_REVOKE, {credential: value})
    assert response.status_code == 200
    assert set(response.json()) == {"status_code", "request_id"}
    gone = call(SESSIONS_AUTHENTICATE, {"session_token": entered["session_token"]})
    assert_stytch_error(gone, 404, "session_not_found")
    assert_stytch_error(call(SESSIONS_REVOKE, {credential: value}), 404, "session_not_found")
