"""sessions/exchange: a signed-in member switches organization (sessions contract section A.6)."""

from __future__ import annotations

from typing import Any

import pytest

from stytch_discovery.testing import FakeStytch
from stytch_discovery.types import parse_timestamp

from .helpers import EXCHANGE, LIST, SESSIONS_AUTHENTICATE, SESSIONS_EXCHANGE, Call, assert_stytch_error
from .shapes import assert_entered

ADA = "ada@acme.example"


@pytest.fixture
def signed_in(fake: FakeStytch, call: Call) -> dict[str, Any]:
    """Ada, signed in to acme, with memberships and eligibilities elsewhere."""
    fake.seed(
        {
            "organizations": [
                {"organization_slug": "acme"},
                {"organization_slug": "globex", "organization_external_id": "ext-globex"},
                {"organization_slug": "invited-org"},
                {"organization_slug": "pending-org"},
                {"organization_slug": "strict", "mfa_policy": "REQUIRED_FOR_ALL"},
                {
                    "organization_slug": "sso-only",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["sso"],
                },
                {
                    "organization_slug": "domain-org",
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                },
                {
                    "organization_slug": "tenant-org",
                    "oauth_tenant_jit_provisioning": "RESTRICTED",
                    "allowed_oauth_tenants": {"slack": ["T1"]},
                },
            ],
            "members": [
                {"organization_slug": "acme", "email_address": ADA},
                {"organization_slug": "globex", "email_address": ADA},
                {"organization_slug": "invited-org", "email_address": ADA, "status": "invited"},
                {"organization_slug": "pending-org", "email_address": ADA, "status": "pending"},
                {"organization_slug": "strict", "email_address": ADA},
                {"organization_slug": "sso-only", "email_address": ADA},
                {"organization_slug": "domain-org", "email_address": "boss@acme.example"},
            ],
            "identities": [{"email_address": ADA, "oauth_tenants": {"slack": ["T1"]}}],
        }
    )
    ist = fake.mint_intermediate_session(ADA)
    body: dict[str, Any] = call(
        EXCHANGE, {"intermediate_session_token": ist, "organization_id": "acme"}
    ).json()
    assert body["member_authenticated"] is True
    return body


def exchange(call: Call, **fields: Any) -> dict[str, Any]:
    response = call(SESSIONS_EXCHANGE, fields)
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    assert_entered(body)
    return body


@pytest.mark.parametrize("credential", ["session_token", "session_jwt"])
def test_exchange_switches_to_another_active_membership(
    call: Call, signed_in: dict[str, Any], credential: str
) -> None:
    body = exchange(call, **{credential: signed_in[credential]}, organization_id="globex")
    assert body["member_authenticated"] is True
    assert body["organization"]["organization_slug"] == "globex"
    assert body["member"]["email_address"] == ADA
    assert body["member_id"] != signed_in["member_id"]
    assert body["member_session"]["organization_slug"] == "globex"
    assert body["session_token"] not in ("", signed_in["session_token"])
    assert body["intermediate_session_token"] == ""
    assert body["mfa_required"] is None
    assert body["primary_required"] is None


def test_exchange_accepts_id_slug_and_external_id(
    fake: FakeStytch, call: Call, signed_in: dict[str, Any]
) -> None:
    globex = fake.app.state.find_organization("globex").organization_id
    for reference in (globex, "globex", "ext-globex"):
        body = exchange(call, session_token=signed_in["session_token"], organization_id=reference)
        assert body["organization"]["organization_id"] == globex


def test_exchange_leaves_the_old_session_alive(call: Call, signed_in: dict[str, Any]) -> None:
    exchange(call, session_token=signed_in["session_token"], organization_id="globex")
    assert call(SESSIONS_AUTHENTICATE, {"session_token": signed_in["session_token"]}).status_code == 200


@pytest.mark.parametrize("slug", ["invited-org", "pending-org"])
def test_exchange_accepts_an_invite(call: Call, signed_in: dict[str, Any], slug: str) -> None:
    body = exchange(call, session_token=signed_in["session_token"], organization_id=slug)
    assert body["member_authenticated"] is True
    assert body["member"]["status"] == "active"
    listed = call(LIST, {"session_token": signed_in["session_token"]}).json()
    types = {
        d["organization"]["organization_slug"]: d["membership"]["type"]
        for d in listed["discovered_organizations"]
    }
    assert types[slug] == "active_member"


@pytest.mark.parametrize("slug", ["domain-org", "tenant-org"])
def test_exchange_refuses_to_join_by_jit(
    fake: FakeStytch, call: Call, signed_in: dict[str, Any], slug: str
) -> None:
    response = call(SESSIONS_EXCHANGE, {"session_token": signed_in["session_token"], "organization_id": slug})
    assert_stytch_error(response, 400, "insufficient_factors_for_session_exchange")
    organization = fake.app.state.find_organization(slug)
    assert fake.app.state.member_in(organization, ADA) is None


def test_exchange_into_an_mfa_organization_returns_an_ist(call: Call, signed_in: dict[str, Any]) -> None:
    body = exchange(
        call,
        session_jwt=signed_in["session_jwt"],
        organization_id="strict",
        locale="ja",
        session_custom_claims={"ignored": True},
    )
    assert body["member_authenticated"] is False
    assert body["mfa_required"] == {"member_options": None, "secondary_auth_initiated": None}
    assert body["session_token"] == body["session_jwt"] == ""
    assert body["member_session"] is None
    assert body["intermediate_session_token_expires_at"].endswith("Z")
    # The IST is bound to the target organization.
    hinted = call(LIST, {"intermediate_session_token": body["intermediate_session_token"]}).json()
    assert hinted["organization_id_hint"] == body["organization"]["organization_id"]


def test_exchange_into_a_primary_restricted_organization(call: Call, signed_in: dict[str, Any]) -> None:
    body = exchange(call, session_token=signed_in["session_token"], organization_id="sso-only")
    assert body["member_authenticated"] is False
    assert body["primary_required"] == {"allowed_auth_methods": ["sso"]}
    assert body["intermediate_session_token"]


def test_exchange_errors(fake: FakeStytch, call: Call, signed_in: dict[str, Any]) -> None:
    token = signed_in["session_token"]
    assert_stytch_error(call(SESSIONS_EXCHANGE, {"organization_id": "globex"}), 400, "no_session_arguments")
    both = {"session_token": token, "session_jwt": signed_in["session_jwt"], "organization_id": "globex"}
    assert_stytch_error(call(SESSIONS_EXCHANGE, both), 400, "too_many_session_arguments")
    assert_stytch_error(call(SESSIONS_EXCHANGE, {"session_token": token}), 400, "bad_request")
    unknown = {"session_token": token, "organization_id": "nope"}
    assert_stytch_error(call(SESSIONS_EXCHANGE, unknown), 404, "organization_not_found")
    bad_locale = {"session_token": token, "organization_id": "globex", "locale": "xx"}
    assert_stytch_error(call(SESSIONS_EXCHANGE, bad_locale), 400, "invalid_argument")
    short = {"session_token": token, "organization_id": "globex", "session_duration_minutes": 1}
    assert_stytch_error(call(SESSIONS_EXCHANGE, short), 400, "invalid_session_duration_minutes")
    stale = {"session_token": "expired-or-unknown", "organization_id": "globex"}
    assert_stytch_error(call(SESSIONS_EXCHANGE, stale), 404, "session_not_found")


def test_exchange_with_an_expired_session_is_404(
    fake: FakeStytch, call: Call, signed_in: dict[str, Any]
) -> None:
    fake.advance_clock(61 * 60)  # past the default 60-minute session
    response = call(SESSIONS_EXCHANGE, {"session_jwt": signed_in["session_jwt"], "organization_id": "globex"})
    assert_stytch_error(response, 404, "session_not_found")


def test_exchange_honours_session_duration(call: Call, signed_in: dict[str, Any]) -> None:
    body = exchange(
        call, session_token=signed_in["session_token"], organization_id="globex", session_duration_minutes=5
    )
    session = body["member_session"]
    started, expires = parse_timestamp(session["started_at"]), parse_timestamp(session["expires_at"])
    assert started is not None
    assert expires is not None
    assert (expires - started).total_seconds() == 300
