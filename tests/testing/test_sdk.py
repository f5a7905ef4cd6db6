"""The official ``stytch`` 15.3.0 SDK parses every answer of the fake and verifies its JWTs."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from stytch import B2BClient
from stytch.b2b.models.sessions import AuthorizationCheck
from stytch.core.response_base import StytchError
from stytch.shared.rbac_local import RBACPermissionError, TenancyError

from stytch_discovery.testing import FakeStytch

ADA = "ada@acme.example"


def membership_types(discovered: list[Any]) -> set[str]:
    return {found.membership.type for found in discovered if found.membership is not None}


@pytest.fixture
def client(fake: FakeStytch) -> B2BClient:
    return B2BClient(project_id=fake.project_id, secret=fake.secret, environment=fake.base_url + "/")


def test_full_discovery_flow_through_the_sdk(fake: FakeStytch, client: B2BClient) -> None:
    fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": "globex",
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                },
                {"organization_slug": "strict", "mfa_policy": "REQUIRED_FOR_ALL"},
            ],
            "members": [
                {"organization_slug": "globex", "email_address": "boss@acme.example"},
                {"organization_slug": "strict", "email_address": ADA, "status": "invited"},
            ],
        }
    )
    sent = client.magic_links.email.discovery.send(
        email_address=ADA, discovery_redirect_url="http://localhost:3000/cb"
    )
    assert sent.status_code == 200
    token = fake.outbox()[0]["token"]
    authenticated = client.magic_links.discovery.authenticate(discovery_magic_links_token=token)
    ist = authenticated.intermediate_session_token
    assert membership_types(authenticated.discovered_organizations) == {
        "eligible_to_join_by_email_domain",
        "invited_member",
    }

    listed = client.discovery.organizations.list(intermediate_session_token=ist)
    assert listed.email_address == ADA
    assert len(listed.discovered_organizations) == 2

    created = client.discovery.organizations.create(
        intermediate_session_token=ist, organization_name="Acme", organization_slug="acme"
    )
    assert created.member_authenticated is True
    assert created.member.is_admin is True
    assert created.member_session is not None

    mfa = client.discovery.organizations.create(
        intermediate_session_token=fake.mint_intermediate_session(ADA),
        organization_slug="acme-secure",
        mfa_policy="REQUIRED_FOR_ALL",
    )
    assert mfa.member_authenticated is False
    assert mfa.mfa_required is not None
    assert mfa.session_token == ""
    assert mfa.intermediate_session_token

    exchanged = client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id="globex"
    )
    assert exchanged.member_authenticated is True
    assert exchanged.organization.organization_slug == "globex"

    by_token = client.sessions.authenticate(session_token=exchanged.session_token)
    assert by_token.member.member_id == exchanged.member_id

    local = client.sessions.authenticate_jwt(session_jwt=exchanged.session_jwt)
    assert local.member_session.member_id == exchanged.member_id
    assert local.member_session.organization_slug == "globex"

    listed_by_session = client.discovery.organizations.list(session_jwt=exchanged.session_jwt)
    assert membership_types(listed_by_session.discovered_organizations) == {
        "active_member",
        "invited_member",
    }
    assert client.sessions.get_jwks(project_id=fake.project_id).keys
    assert client.sessions.revoke(session_token=exchanged.session_token).status_code == 200


def test_sdk_error_for_a_taken_slug(fake: FakeStytch, client: B2BClient) -> None:
    fake.seed({"organizations": [{"organization_slug": "acme"}]})
    with pytest.raises(StytchError) as raised:
        client.discovery.organizations.create(
            intermediate_session_token=fake.mint_intermediate_session(ADA),
            organization_slug="acme",
        )
    details = raised.value.details
    assert details.error_type == "organization_slug_already_used"
    assert details.status_code == 400
    assert details.request_id.startswith("request-id-test-")


def test_sdk_falls_back_to_the_api_for_an_expired_jwt(fake: FakeStytch, client: B2BClient) -> None:
    created = client.discovery.organizations.create(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_slug="acme"
    )
    assert created.member_session is not None
    # max_token_age_seconds=0 makes every JWT too old locally: the SDK asks the API instead.
    local = client.sessions.authenticate_jwt(session_jwt=created.session_jwt, max_token_age_seconds=0)
    assert local.member_session.member_session_id == created.member_session.member_session_id
    assert fake.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1


def test_sdk_sees_an_unknown_error_for_a_malformed_body(fake: FakeStytch, client: B2BClient) -> None:
    fake.add_fault("/v1/b2b/discovery/organizations", malformed=True)
    with pytest.raises(StytchError) as raised:
        client.discovery.organizations.list(intermediate_session_token=fake.mint_intermediate_session(ADA))
    assert raised.value.details.status_code == 502
    assert raised.value.details.error_type is None


# -- member sessions, key rotation, organization switching and RBAC through the SDK -----------

RBAC_SEED: dict[str, Any] = {
    "resources": [{"resource_id": "document", "actions": ["read", "write"]}],
    "roles": [
        {"role_id": "editor", "permissions": [{"resource_id": "document", "actions": ["read", "write"]}]}
    ],
    "organizations": [
        {
            "organization_slug": "acme",
            "custom_roles": [
                {"role_id": "reader", "permissions": [{"resource_id": "document", "actions": ["read"]}]}
            ],
        },
        {"organization_slug": "globex"},
        {"organization_slug": "strict", "mfa_policy": "REQUIRED_FOR_ALL"},
    ],
    "members": [
        {"organization_slug": "acme", "email_address": ADA, "roles": ["reader"]},
        {"organization_slug": "globex", "email_address": ADA, "roles": ["editor"]},
        {"organization_slug": "strict", "email_address": ADA},
    ],
}


@pytest.fixture
def signed_in(fake: FakeStytch, client: B2BClient) -> Any:
    """Ada, a reader of acme, signed in through the SDK."""
    fake.seed(RBAC_SEED)
    exchanged = client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id="acme"
    )
    assert exchanged.member_authenticated is True
    return exchanged


def test_authenticate_jwt_verifies_locally_with_the_jwks(
    fake: FakeStytch, client: B2BClient, signed_in: Any
) -> None:
    for _ in range(3):
        local = client.sessions.authenticate_jwt(session_jwt=signed_in.session_jwt)
        assert local.member_session.member_id == signed_in.member_id
        assert local.member_session.roles == ["stytch_member", "reader"]
        assert local.request_id == ""  # the SDK's mark of a local answer
    requests_seen = fake.stats()["requests"]
    assert requests_seen[f"/v1/b2b/sessions/jwks/{fake.project_id}"] == 1
    assert "/v1/b2b/sessions/authenticate" not in requests_seen


def test_authenticate_jwt_local_finds_a_rotated_key_after_refetching(
    fake: FakeStytch, client: B2BClient, signed_in: Any
) -> None:
    assert client.sessions.authenticate_jwt_local(session_jwt=signed_in.session_jwt) is not None
    new_kid = fake.rotate_signing_key()
    renewed = client.sessions.authenticate(session_token=signed_in.session_token).session_jwt
    assert jwt.get_unverified_header(renewed)["kid"] == new_kid
    jwks_client = client.sessions.jwks_client
    if hasattr(jwks_client, "_last_successful_fetch"):
        # From PyJWT 2.14, PyJWKClient refetches for an unknown kid at most once per 30 s after
        # its last fetch, and the SDK lets that error escape (contract A.3): a caller must catch
        # PyJWTError. Before 2.14 it refetches at once.
        with pytest.raises(jwt.PyJWKClientError):
            client.sessions.authenticate_jwt_local(session_jwt=renewed)
        assert jwks_client._last_successful_fetch is not None
        jwks_client._last_successful_fetch -= 31  # as if 31 s had passed
    local = client.sessions.authenticate_jwt_local(session_jwt=renewed)
    assert local is not None
    assert local.member_id == signed_in.member_id
    assert fake.stats()["requests"][f"/v1/b2b/sessions/jwks/{fake.project_id}"] == 2
    # The JWT of the old key still verifies: both keys are published.
    assert client.sessions.authenticate_jwt_local(session_jwt=signed_in.session_jwt) is not None


def test_sessions_exchange_through_the_sdk(client: B2BClient, signed_in: Any) -> None:
    switched = client.sessions.exchange(organization_id="globex", session_token=signed_in.session_token)
    assert switched.member_authenticated is True
    assert switched.organization.organization_slug == "globex"
    assert switched.member_session is not None
    assert switched.member_session.roles == ["stytch_member", "editor"]
    stepped_up = client.sessions.exchange(
        organization_id="strict", session_jwt=signed_in.session_jwt, locale="en"
    )
    assert stepped_up.member_authenticated is False
    assert stepped_up.mfa_required is not None
    assert stepped_up.intermediate_session_token
    with pytest.raises(StytchError) as raised:
        client.sessions.exchange(organization_id="nope", session_token=signed_in.session_token)
    assert raised.value.details.error_type == "organization_not_found"


def test_rbac_policy_and_local_authorization_checks(
    fake: FakeStytch, client: B2BClient, signed_in: Any
) -> None:
    policy = client.rbac.policy().policy
    assert policy is not None
    assert {role.role_id for role in policy.roles} == {"stytch_member", "stytch_admin", "editor"}
    assert policy.scopes == []
    org_id = signed_in.organization.organization_id
    org_policy = client.rbac.organizations.get_org_policy(organization_id=org_id).org_policy
    assert [role.role_id for role in org_policy.roles] == ["reader"]

    def check(action: str, organization_id: str = org_id) -> AuthorizationCheck:
        return AuthorizationCheck(organization_id=organization_id, resource_id="document", action=action)

    allowed = client.sessions.authenticate_jwt(
        session_jwt=signed_in.session_jwt, authorization_check=check("read")
    )
    assert allowed.member_session.member_id == signed_in.member_id
    with pytest.raises(RBACPermissionError):
        client.sessions.authenticate_jwt(
            session_jwt=signed_in.session_jwt, authorization_check=check("write")
        )
    with pytest.raises(TenancyError):
        client.sessions.authenticate_jwt(
            session_jwt=signed_in.session_jwt, authorization_check=check("read", "other")
        )
    seen = fake.stats()["requests"]
    assert seen["/v1/b2b/rbac/policy"] == 2  # once above, once for the SDK's policy cache
    assert seen[f"/v1/b2b/rbac/organizations/{org_id}"] == 2


def test_remote_authorization_check_answers_a_verdict(client: B2BClient, signed_in: Any) -> None:
    org_id = signed_in.organization.organization_id
    allowed = client.sessions.authenticate(
        session_token=signed_in.session_token,
        # A dict, as the SDK also accepts (its model's .dict() warns under pydantic 2).
        authorization_check={"organization_id": org_id, "resource_id": "document", "action": "read"},
    )
    assert allowed.verdict is not None
    assert allowed.verdict.authorized is True
    assert allowed.verdict.granting_roles == ["reader"]
    with pytest.raises(StytchError) as raised:
        client.sessions.authenticate(
            session_token=signed_in.session_token,
            authorization_check=AuthorizationCheck(
                organization_id=org_id, resource_id="document", action="write"
            ),
        )
    assert (raised.value.details.status_code, raised.value.details.error_type) == (
        403,
        "session_authorization_error",
    )


def test_revoke_every_session_of_a_member_through_the_sdk(client: B2BClient, signed_in: Any) -> None:
    assert client.sessions.revoke(member_id=signed_in.member_id).status_code == 200
    with pytest.raises(StytchError) as raised:
        client.sessions.authenticate(session_token=signed_in.session_token)
    assert (raised.value.details.status_code, raised.value.details.error_type) == (404, "session_not_found")


def test_the_sdk_parses_every_mfa_and_primary_answer(fake: FakeStytch, client: B2BClient) -> None:
    seeded = fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": "codes-mfa",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["email_otp", "magic_link"],
                    "mfa_policy": "REQUIRED_FOR_ALL",
                },
                {"organization_slug": "vault", "mfa_policy": "REQUIRED_FOR_ALL"},
            ],
            "members": [
                {"organization_slug": "codes-mfa", "email_address": ADA},
                {"organization_slug": "vault", "email_address": ADA},
            ],
        }
    )
    org_id, vault_id = (org["organization_id"] for org in seeded["organizations"])

    def last(kind: str) -> dict[str, Any]:
        return [message for message in fake.outbox() if message["kind"] == kind][-1]

    entered = client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=fake.mint_intermediate_session(ADA, factors=("password",)),
        organization_id=org_id,
    )
    assert entered.primary_required is not None
    sent = client.otps.email.login_or_signup(organization_id=org_id, email_address=ADA)
    assert sent.member_created is False
    primary = client.otps.email.authenticate(
        organization_id=org_id,
        email_address=ADA,
        code=last("email_otp")["code"],
        intermediate_session_token=entered.intermediate_session_token,
    )
    assert primary.member_authenticated is False
    assert primary.mfa_required is not None
    ist, member_id = primary.intermediate_session_token, primary.member_id
    client.otps.sms.send(
        organization_id=org_id,
        member_id=member_id,
        mfa_phone_number="+15005550006",
        intermediate_session_token=ist,
    )
    sms = client.otps.sms.authenticate(
        organization_id=org_id,
        member_id=member_id,
        code=last("sms_otp")["code"],
        intermediate_session_token=ist,
    )
    assert sms.member_session is not None
    assert sms.member_session.member_id == member_id

    vault = client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id=vault_id
    )
    vault_member = vault.member_id
    created = client.totps.create(
        organization_id=vault_id,
        member_id=vault_member,
        intermediate_session_token=vault.intermediate_session_token,
    )
    assert len(created.recovery_codes) == 10
    authenticated = client.totps.authenticate(
        organization_id=vault_id,
        member_id=vault_member,
        code=fake.totp_code(vault_member),
        intermediate_session_token=vault.intermediate_session_token,
    )
    assert authenticated.member.totp_registration_id == created.totp_registration_id
    again = client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=fake.mint_intermediate_session(ADA), organization_id=vault_id
    )
    recovered = client.recovery_codes.recover(
        organization_id=vault_id,
        member_id=vault_member,
        recovery_code=created.recovery_codes[0],
        intermediate_session_token=again.intermediate_session_token,
    )
    assert recovered.recovery_codes_remaining == 9

    link = client.magic_links.email.login_or_signup(
        organization_id=org_id, email_address=ADA, login_redirect_url="http://localhost:8000/cb"
    )
    assert link.member_id == member_id
    logged_in = client.magic_links.authenticate(magic_links_token=last("magic_link")["token"])
    assert logged_in.member_authenticated is False
    assert logged_in.mfa_required is not None
