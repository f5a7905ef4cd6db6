"""The official ``stytch`` 15.3.0 SDK parses every answer of the fake."""

from __future__ import annotations

from typing import Any

import pytest
from stytch import B2BClient
from stytch.core.response_base import StytchError

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
