"""Member sessions: JWKS, RS256 JWTs, sessions/authenticate and sessions/revoke."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
import requests

from stytch_discovery.testing import FakeStytch

from .helpers import CREATE, EXCHANGE, LIST, SESSIONS_AUTHENTICATE, SESSIONS_REVOKE, Call, assert_stytch_error
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


# -- authenticate: arguments, fresh JWTs, claims ----------------------------------------------


def test_authenticate_needs_exactly_one_of_token_and_jwt(call: Call, entered: dict[str, Any]) -> None:
    assert_stytch_error(call(SESSIONS_AUTHENTICATE, {}), 400, "no_session_arguments")
    both = {"session_token": entered["session_token"], "session_jwt": entered["session_jwt"]}
    assert_stytch_error(call(SESSIONS_AUTHENTICATE, both), 400, "too_many_session_arguments")


def test_an_expired_jwt_buys_a_fresh_one(fake: FakeStytch, call: Call, entered: dict[str, Any]) -> None:
    fake.advance_clock(301)
    body = call(SESSIONS_AUTHENTICATE, {"session_jwt": entered["session_jwt"]}).json()
    fresh = jwt.decode(body["session_jwt"], options={"verify_signature": False})
    old = jwt.decode(entered["session_jwt"], options={"verify_signature": False})
    assert body["session_jwt"] != entered["session_jwt"]
    assert fresh["iat"] >= old["exp"]
    assert fresh["exp"] == fresh["iat"] + 300
    assert fresh["https://stytch.com/session"]["id"] == old["https://stytch.com/session"]["id"]


def test_authenticate_without_duration_does_not_extend(
    fake: FakeStytch, call: Call, entered: dict[str, Any]
) -> None:
    token = entered["session_token"]
    before = call(SESSIONS_AUTHENTICATE, {"session_token": token}).json()["member_session"]["expires_at"]
    fake.advance_clock(30 * 60)
    after = call(SESSIONS_AUTHENTICATE, {"session_token": token}).json()["member_session"]
    assert after["expires_at"] == before == entered["member_session"]["expires_at"]
    assert after["last_accessed_at"] > entered["member_session"]["last_accessed_at"]


def test_custom_claims_merge_into_the_fresh_jwt(call: Call, entered: dict[str, Any]) -> None:
    claims = {"plan": "pro", "tenant": None}
    body = call(
        SESSIONS_AUTHENTICATE, {"session_jwt": entered["session_jwt"], "session_custom_claims": claims}
    ).json()
    decoded = jwt.decode(body["session_jwt"], options={"verify_signature": False})
    assert decoded["plan"] == "pro"
    assert "tenant" not in decoded
    assert body["member_session"]["custom_claims"] == {"plan": "pro"}


def test_merged_custom_claims_are_still_limited_to_4_kb(call: Call, entered: dict[str, Any]) -> None:
    token = entered["session_token"]
    half = {"a": "x" * 2500}
    assert (
        call(SESSIONS_AUTHENTICATE, {"session_token": token, "session_custom_claims": half}).status_code
        == 200
    )
    more = {"session_token": token, "session_custom_claims": {"b": "y" * 2500}}
    assert_stytch_error(call(SESSIONS_AUTHENTICATE, more), 400, "custom_claims_too_large")


def test_authenticate_answers_verdict_null_without_a_check(call: Call, entered: dict[str, Any]) -> None:
    body = call(SESSIONS_AUTHENTICATE, {"session_token": entered["session_token"]}).json()
    assert "verdict" in body
    assert body["verdict"] is None


# -- authenticate: authorization_check ----------------------------------------------------------


@pytest.fixture
def editor(fake: FakeStytch, call: Call) -> dict[str, Any]:
    """Ada, an editor of acme, signed in."""
    fake.seed(
        {
            "resources": [{"resource_id": "document", "actions": ["read", "write", "delete"]}],
            "roles": [
                {
                    "role_id": "editor",
                    "permissions": [{"resource_id": "document", "actions": ["read", "write"]}],
                },
                {"role_id": "owner", "permissions": [{"resource_id": "document", "actions": ["*"]}]},
            ],
            "organizations": [
                {
                    "organization_slug": "acme",
                    "rbac_email_implicit_role_assignments": [{"domain": "acme.example", "role_id": "reader"}],
                    "custom_roles": [
                        {
                            "role_id": "reader",
                            "permissions": [{"resource_id": "document", "actions": ["read"]}],
                        }
                    ],
                },
                {"organization_slug": "globex"},
            ],
            "members": [
                {"organization_slug": "acme", "email_address": "ada@acme.example", "roles": ["editor"]}
            ],
        }
    )
    ist = fake.mint_intermediate_session("ada@acme.example")
    body: dict[str, Any] = call(
        EXCHANGE, {"intermediate_session_token": ist, "organization_id": "acme"}
    ).json()
    return body


def check(
    entered: dict[str, Any], resource_id: str, action: str, organization_id: str | None = None
) -> dict[str, Any]:
    return {
        "session_token": entered["session_token"],
        "authorization_check": {
            "organization_id": organization_id or entered["organization"]["organization_id"],
            "resource_id": resource_id,
            "action": action,
        },
    }


def test_an_allowed_check_answers_the_granting_roles(call: Call, editor: dict[str, Any]) -> None:
    body = call(SESSIONS_AUTHENTICATE, check(editor, "document", "read")).json()
    assert body["verdict"] == {"authorized": True, "granting_roles": ["editor", "reader"]}
    body = call(SESSIONS_AUTHENTICATE, check(editor, "document", "write")).json()
    assert body["verdict"] == {"authorized": True, "granting_roles": ["editor"]}
    body = call(SESSIONS_AUTHENTICATE, check(editor, "stytch.self", "update.info.name")).json()
    assert body["verdict"] == {"authorized": True, "granting_roles": ["stytch_member"]}


def test_a_check_by_organization_slug_is_the_same_tenancy(call: Call, editor: dict[str, Any]) -> None:
    body = call(SESSIONS_AUTHENTICATE, check(editor, "document", "write", "acme")).json()
    assert body["verdict"]["authorized"] is True


def test_a_denied_check_is_403_and_leaves_the_session_alone(
    fake: FakeStytch, call: Call, editor: dict[str, Any]
) -> None:
    denied = {
        **check(editor, "document", "delete"),
        "session_duration_minutes": 600,
        "session_custom_claims": {"x": 1},
    }
    body = assert_stytch_error(call(SESSIONS_AUTHENTICATE, denied), 403, "session_authorization_error")
    assert (
        body["error_message"]
        == "The Member is not authorized to perform the requested action on that resource."
    )
    after = call(SESSIONS_AUTHENTICATE, {"session_token": editor["session_token"]}).json()["member_session"]
    assert after["expires_at"] == editor["member_session"]["expires_at"]
    assert after["custom_claims"] == {}


@pytest.mark.parametrize(
    ("resource_id", "action"), [("document", "publish"), ("invoice", "read"), ("stytch.member", "create")]
)
def test_checks_no_role_grants_are_denied(
    call: Call, editor: dict[str, Any], resource_id: str, action: str
) -> None:
    assert_stytch_error(
        call(SESSIONS_AUTHENTICATE, check(editor, resource_id, action)), 403, "session_authorization_error"
    )


def test_a_check_on_another_organization_is_a_tenancy_error(
    fake: FakeStytch, call: Call, editor: dict[str, Any]
) -> None:
    globex = fake.app.state.find_organization("globex").organization_id
    response = call(SESSIONS_AUTHENTICATE, check(editor, "document", "read", globex))
    assert_stytch_error(response, 403, "session_authorization_tenancy_error")


def test_an_admin_passes_every_reserved_check(call: Call, entered: dict[str, Any]) -> None:
    body = call(SESSIONS_AUTHENTICATE, check(entered, "stytch.member", "update.settings.roles")).json()
    assert body["verdict"] == {"authorized": True, "granting_roles": ["stytch_admin"]}


@pytest.mark.parametrize("bad", [{"organization_id": "o", "resource_id": "r"}, "document:read"])
def test_a_malformed_check_is_400(call: Call, entered: dict[str, Any], bad: object) -> None:
    response = call(
        SESSIONS_AUTHENTICATE, {"session_token": entered["session_token"], "authorization_check": bad}
    )
    assert response.status_code == 400
    assert response.json()["error_type"] in ("bad_request", "invalid_argument")


def test_a_check_of_a_revoked_session_is_404(call: Call, editor: dict[str, Any]) -> None:
    call(SESSIONS_REVOKE, {"session_token": editor["session_token"]})
    assert_stytch_error(
        call(SESSIONS_AUTHENTICATE, check(editor, "document", "read")), 404, "session_not_found"
    )


# -- revoke ------------------------------------------------------------------------------------


def test_revoke_by_member_id_ends_every_session_of_the_member(
    fake: FakeStytch, call: Call, entered: dict[str, Any]
) -> None:
    ist = fake.mint_intermediate_session("ada@acme.example")
    second = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": "acme"}).json()
    assert second["member_id"] == entered["member_id"]
    response = call(SESSIONS_REVOKE, {"member_id": entered["member_id"]})
    assert response.status_code == 200
    assert set(response.json()) == {"status_code", "request_id"}
    for body in (entered, second):
        gone = call(SESSIONS_AUTHENTICATE, {"session_token": body["session_token"]})
        assert_stytch_error(gone, 404, "session_not_found")
    # No session left is fine; an unknown member is not.
    assert call(SESSIONS_REVOKE, {"member_id": entered["member_id"]}).status_code == 200
    assert_stytch_error(call(SESSIONS_REVOKE, {"member_id": "member-test-nope"}), 404, "member_not_found")


def test_revoke_by_member_id_spares_other_members(
    fake: FakeStytch, call: Call, entered: dict[str, Any]
) -> None:
    other = call(
        CREATE,
        {
            "intermediate_session_token": fake.mint_intermediate_session("bo@acme.example"),
            "organization_slug": "bo",
        },
    ).json()
    call(SESSIONS_REVOKE, {"member_id": entered["member_id"]})
    assert call(SESSIONS_AUTHENTICATE, {"session_token": other["session_token"]}).status_code == 200


def test_revoke_needs_exactly_one_argument(call: Call, entered: dict[str, Any]) -> None:
    assert_stytch_error(call(SESSIONS_REVOKE, {}), 400, "no_session_arguments")
    two = {"member_id": entered["member_id"], "session_token": entered["session_token"]}
    assert_stytch_error(call(SESSIONS_REVOKE, two), 400, "too_many_session_arguments")
    assert call(SESSIONS_AUTHENTICATE, {"session_token": entered["session_token"]}).status_code == 200
