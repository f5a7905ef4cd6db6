"""Discovery list, create and exchange: shapes, IST life cycle, memberships, requirements."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from stytch_discovery.testing import FakeStytch
from stytch_discovery.types import parse_timestamp

from .helpers import CREATE, EXCHANGE, LIST, Call, assert_stytch_error
from .shapes import assert_entered, assert_envelope, assert_member, assert_organization

ADA = "ada@acme.example"


def listed(call: Call, **arguments: str) -> dict[str, Any]:
    response = call(LIST, arguments)
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def types_by_slug(body: dict[str, Any]) -> dict[str, str]:
    return {
        found["organization"]["organization_slug"]: found["membership"]["type"]
        for found in body["discovered_organizations"]
    }


def create(call: Call, ist: str, **fields: Any) -> dict[str, Any]:
    response = call(CREATE, {"intermediate_session_token": ist, **fields})
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    assert_entered(body)
    return body


# -- list ---------------------------------------------------------------------------------


def test_list_with_an_ist_shape(call: Call, ist: str) -> None:
    body = listed(call, intermediate_session_token=ist)
    assert_envelope(body)
    assert body["email_address"] == ADA
    assert body["discovered_organizations"] == []
    assert "organization_id_hint" in body
    assert body["organization_id_hint"] is None


def test_list_needs_exactly_one_credential(call: Call, ist: str) -> None:
    assert_stytch_error(call(LIST, {}), 400, "no_session_arguments")
    both = {"intermediate_session_token": ist, "session_token": "x"}
    assert_stytch_error(call(LIST, both), 400, "too_many_session_arguments")


def test_list_does_not_consume_the_ist(call: Call, ist: str) -> None:
    for _ in range(3):
        listed(call, intermediate_session_token=ist)


def test_unknown_ist_is_404(call: Call) -> None:
    response = call(LIST, {"intermediate_session_token": "unknown"})
    body = assert_stytch_error(response, 404, "intermediate_session_not_found")
    assert body["error_message"] == "Intermediate session could not be found."


def test_ist_lives_ten_minutes(fake: FakeStytch, call: Call, ist: str) -> None:
    # Some seconds short of the ten minutes, not one: the fake's clock is real time (whole seconds)
    # plus the offset, so a second boundary between minting the IST and the call would expire it.
    fake.advance_clock(595)
    listed(call, intermediate_session_token=ist)
    fake.advance_clock(6)
    response = call(LIST, {"intermediate_session_token": ist})
    assert_stytch_error(response, 404, "intermediate_session_not_found")


def test_unknown_session_token_is_404(call: Call) -> None:
    assert_stytch_error(call(LIST, {"session_token": "nope"}), 404, "session_not_found")


def test_garbage_session_jwt_is_400(call: Call) -> None:
    assert_stytch_error(call(LIST, {"session_jwt": "a.b.c"}), 400, "unable_to_parse_session_jwt")


# -- create -------------------------------------------------------------------------------


def test_create_makes_the_creator_an_admin_with_a_session(call: Call, ist: str) -> None:
    body = create(call, ist, organization_name="Acme", organization_slug="acme")
    assert body["member_authenticated"] is True
    assert body["session_token"]
    assert body["session_jwt"].count(".") == 2
    assert body["mfa_required"] is None
    assert body["primary_required"] is None
    member = body["member"]
    assert member["is_admin"] is True
    assert member["status"] == "active"
    assert member["email_address"] == ADA
    assert {role["role_id"] for role in member["roles"]} == {"stytch_admin", "stytch_member"}
    assert body["member_session"]["roles"] == ["stytch_member", "stytch_admin"]
    assert body["organization"]["organization_slug"] == "acme"
    assert body["organization"]["custom_roles"] == []
    assert body["organization"]["claimed_email_domains"] == []


def test_create_consumes_the_ist(call: Call, ist: str) -> None:
    create(call, ist, organization_slug="acme")
    again = call(CREATE, {"intermediate_session_token": ist, "organization_slug": "other"})
    assert_stytch_error(again, 404, "intermediate_session_not_found")


def test_failed_create_does_not_consume_the_ist(fake: FakeStytch, call: Call, ist: str) -> None:
    fake.seed({"organizations": [{"organization_slug": "acme"}]})
    taken = call(CREATE, {"intermediate_session_token": ist, "organization_slug": "acme"})
    body = assert_stytch_error(taken, 400, "organization_slug_already_used")
    assert body["error_message"] == (
        "The provided organization_slug is already used in another organization."
    )
    assert body["error_url"] == ("https://stytch.com/docs/b2b/api/errors/400#organization_slug_already_used")
    create(call, ist, organization_slug="acme-2")


@pytest.mark.parametrize(
    ("email", "name", "slug"),
    [
        ("ada@acme.example", "acme.example", "acme.example"),
        ("Ada.Lovelace@gmail.com", "Ada.Lovelace", "ada.lovelace"),
        ("grace@cs.stanford.edu", "grace", "grace"),
    ],
)
def test_create_derives_name_and_slug_from_the_email(
    fake: FakeStytch, call: Call, email: str, name: str, slug: str
) -> None:
    body = create(call, fake.mint_intermediate_session(email))
    assert body["organization"]["organization_name"] == name
    assert body["organization"]["organization_slug"] == slug


def test_derived_slug_avoids_taken_ones(fake: FakeStytch, call: Call) -> None:
    first = create(call, fake.mint_intermediate_session("a@acme.example"))
    second = create(call, fake.mint_intermediate_session("b@acme.example"))
    slugs = [body["organization"]["organization_slug"] for body in (first, second)]
    assert slugs == ["acme.example", "acme.example-2"]


def test_create_echoes_every_setting(call: Call, ist: str) -> None:
    settings: dict[str, Any] = {
        "organization_name": "Acme",
        "organization_slug": "acme",
        "organization_external_id": "ext|acme-1",
        "organization_logo_url": "https://acme.example/logo.png",
        "trusted_metadata": {"plan": "pro"},
        "sso_jit_provisioning": "NOT_ALLOWED",
        "email_allowed_domains": ["acme.example"],
        "email_jit_provisioning": "RESTRICTED",
        "email_invites": "RESTRICTED",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["magic_link", "sso"],
        "mfa_policy": "OPTIONAL",
        "rbac_email_implicit_role_assignments": [{"domain": "acme.example", "role_id": "editor"}],
        "mfa_methods": "RESTRICTED",
        "allowed_mfa_methods": ["totp"],
        "oauth_tenant_jit_provisioning": "RESTRICTED",
        "allowed_oauth_tenants": {"slack": ["T1"], "github": ["acme"]},
        "first_party_connected_apps_allowed_type": "RESTRICTED",
        "allowed_first_party_connected_apps": ["connected-app-1"],
        "third_party_connected_apps_allowed_type": "NOT_ALLOWED",
        "allowed_third_party_connected_apps": [],
    }
    body = create(call, ist, **settings, telemetry_id="tel-1")
    organization = body["organization"]
    assert_organization(organization)
    assert {key: organization[key] for key in settings} == settings
    roles = {role["role_id"]: role["sources"] for role in body["member"]["roles"]}
    assert roles["editor"] == [{"type": "email_assignment", "details": {"email_domain": "acme.example"}}]
    assert body["member_device"] is None


def test_create_defaults(call: Call, ist: str) -> None:
    organization = create(call, ist, organization_slug="acme")["organization"]
    assert organization["sso_jit_provisioning"] == "ALL_ALLOWED"
    assert organization["email_jit_provisioning"] == "NOT_ALLOWED"
    assert organization["email_invites"] == "ALL_ALLOWED"
    assert organization["auth_methods"] == "ALL_ALLOWED"
    assert organization["mfa_policy"] == "OPTIONAL"
    assert organization["oauth_tenant_jit_provisioning"] == "NOT_ALLOWED"
    assert organization["organization_logo_url"] == ""


def test_create_session_duration_and_custom_claims(call: Call, ist: str) -> None:
    body = create(
        call,
        ist,
        organization_slug="acme",
        session_duration_minutes=5,
        session_custom_claims={"tenant": "acme", "iss": "evil", "sub": "x"},
    )
    session = body["member_session"]
    assert session["custom_claims"] == {"tenant": "acme"}
    started, expires = session["started_at"], session["expires_at"]
    assert (started[11:16], expires[11:16]) != ("", "")
    started_at, expires_at = parse_timestamp(started), parse_timestamp(expires)
    assert started_at is not None
    assert expires_at is not None
    assert (expires_at - started_at).total_seconds() == 300


@pytest.mark.parametrize("path", [CREATE, EXCHANGE])
def test_a_null_custom_claim_is_no_claim_of_a_new_session(fake: FakeStytch, call: Call, path: str) -> None:
    """Contract §3.2: setting a key to null deletes it, so a session starts without it."""
    fake.seed(
        {
            "organizations": [{"organization_slug": "acme"}],
            "members": [{"organization_slug": "acme", "email_address": ADA}],
        }
    )
    target = {"organization_slug": "new-org"} if path == CREATE else {"organization_id": "acme"}
    ist = fake.mint_intermediate_session(ADA)
    claims = {"gone": None, "kept": 1}
    answer = call(path, {"intermediate_session_token": ist, "session_custom_claims": claims, **target}).json()
    assert answer["member_session"]["custom_claims"] == {"kept": 1}
    signed = jwt.decode(answer["session_jwt"], options={"verify_signature": False})
    assert ("gone" in signed, signed["kept"]) == (False, 1)


def test_create_with_mfa_required_returns_the_same_ist(call: Call, ist: str) -> None:
    """Contract §3.2 / §4.2: when further steps are needed, the IST answered is the one sent."""
    body = create(call, ist, organization_slug="acme", mfa_policy="REQUIRED_FOR_ALL")
    assert body["member_authenticated"] is False
    assert body["mfa_required"] == {"member_options": None, "secondary_auth_initiated": None}
    assert body["member_session"] is None
    assert body["intermediate_session_token"] == ist
    assert body["intermediate_session_token_expires_at"].endswith("Z")
    # It now names the new organization.
    hinted = listed(call, intermediate_session_token=ist)
    assert hinted["organization_id_hint"] == body["organization"]["organization_id"]


#: Contract §3.2: the factors that prove the email (the rest, a returning password or
#: GitHub/Slack/HubSpot OAuth, do not).
EMAIL_PROVING = ["magic_link", "email_otp", "google_oauth", "microsoft_oauth"]


@pytest.mark.parametrize("factor", EMAIL_PROVING)
def test_create_with_an_email_proving_factor_starts_a_session(
    fake: FakeStytch, call: Call, factor: str
) -> None:
    body = create(call, fake.mint_intermediate_session(ADA, factors=(factor,)), organization_slug="acme")
    assert body["member_authenticated"] is True
    assert body["member"]["email_address_verified"] is True


@pytest.mark.parametrize("factor", ["password", "github_oauth", "slack_oauth", "hubspot_oauth"])
def test_create_without_a_verified_email_needs_primary_auth(
    fake: FakeStytch, call: Call, factor: str
) -> None:
    """Contract §3.2: Stytch requires a verified email; a non-verifying factor answers an IST and
    ``primary_required``, and the creator is provisioned with an unverified email."""
    ist = fake.mint_intermediate_session(ADA, factors=(factor,))
    body = create(call, ist, organization_slug="acme")
    assert body["member_authenticated"] is False
    assert body["primary_required"] == {"allowed_auth_methods": EMAIL_PROVING}
    assert (body["mfa_required"], body["member_session"], body["session_token"]) == (None, None, "")
    assert body["intermediate_session_token"] == ist
    assert (body["member"]["email_address_verified"], body["member"]["is_admin"]) == (False, True)
    # The same IST cannot skip the step by exchanging into the organization instead.
    again = exchange(call, ist, "acme")
    assert again["primary_required"] == {"allowed_auth_methods": EMAIL_PROVING}


def test_create_without_a_verified_email_offers_the_organizations_email_proving_methods(
    fake: FakeStytch, call: Call
) -> None:
    body = create(
        call,
        fake.mint_intermediate_session(ADA, factors=("github_oauth",)),
        organization_slug="acme",
        auth_methods="RESTRICTED",
        allowed_auth_methods=["github_oauth", "email_otp", "sso"],
    )
    assert body["primary_required"] == {"allowed_auth_methods": ["email_otp"]}


def test_an_email_code_proves_the_creators_email(fake: FakeStytch, call: Call) -> None:
    ist = fake.mint_intermediate_session(ADA, factors=("github_oauth",))
    organization_id = create(call, ist, organization_slug="acme")["organization"]["organization_id"]
    call("/v1/b2b/otps/email/login_or_signup", {"organization_id": organization_id, "email_address": ADA})
    code = [message for message in fake.outbox() if message["kind"] == "email_otp"][-1]["code"]
    done = call(
        "/v1/b2b/otps/email/authenticate",
        {
            "organization_id": organization_id,
            "email_address": ADA,
            "code": code,
            "intermediate_session_token": ist,
        },
    ).json()
    assert (done["member_authenticated"], done["member"]["email_address_verified"]) == (True, True)


def test_create_with_restricted_auth_methods_needs_primary_auth(call: Call, ist: str) -> None:
    body = create(
        call, ist, organization_slug="acme", auth_methods="RESTRICTED", allowed_auth_methods=["sso"]
    )
    assert body["member_authenticated"] is False
    assert body["primary_required"] == {"allowed_auth_methods": ["sso"]}
    assert body["mfa_required"] is None


# -- the five membership types --------------------------------------------------------------


@pytest.fixture
def seeded(fake: FakeStytch) -> dict[str, Any]:
    return fake.seed(
        {
            "organizations": [
                {"organization_slug": "active-org"},
                {"organization_slug": "pending-org"},
                {"organization_slug": "invited-org"},
                {
                    "organization_slug": "domain-org",
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                },
                {
                    "organization_slug": "tenant-org",
                    "oauth_tenant_jit_provisioning": "RESTRICTED",
                    "allowed_oauth_tenants": {"slack": ["T123"]},
                },
                {"organization_slug": "stranger-org"},
            ],
            "members": [
                {"organization_slug": "active-org", "email_address": ADA, "name": "Ada"},
                {"organization_slug": "pending-org", "email_address": ADA, "status": "pending"},
                {"organization_slug": "invited-org", "email_address": ADA, "status": "invited"},
                {"organization_slug": "domain-org", "email_address": "boss@acme.example"},
                {"organization_slug": "stranger-org", "email_address": "eve@evil.example"},
            ],
            "identities": [{"email_address": ADA, "oauth_tenants": {"slack": ["T123"]}}],
        }
    )


def test_all_five_membership_types_with_an_ist(seeded: dict[str, Any], call: Call, ist: str) -> None:
    body = listed(call, intermediate_session_token=ist)
    assert types_by_slug(body) == {
        "active-org": "active_member",
        "pending-org": "pending_member",
        "invited-org": "invited_member",
        "domain-org": "eligible_to_join_by_email_domain",
        "tenant-org": "eligible_to_join_by_oauth_tenant",
    }
    by_slug = {d["organization"]["organization_slug"]: d for d in body["discovered_organizations"]}
    for slug in ("active-org", "pending-org", "invited-org"):
        assert_member(by_slug[slug]["membership"]["member"])
    assert by_slug["active-org"]["membership"]["member"]["name"] == "Ada"
    assert by_slug["domain-org"]["membership"]["member"] is None
    assert by_slug["domain-org"]["membership"]["details"] == {"domain": "acme.example"}
    assert by_slug["tenant-org"]["membership"]["details"] == {
        "provider": "slack",
        "tenant_id": "T123",
    }
    assert all(d["member_authenticated"] for d in body["discovered_organizations"])


def test_domain_jit_needs_an_active_verified_member_on_the_domain(fake: FakeStytch, call: Call) -> None:
    fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": slug,
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                }
                for slug in ("nobody", "invited-only", "unverified", "not-restricted")
            ],
            "members": [
                {"organization_slug": "invited-only", "email_address": "x@acme.example", "status": "invited"},
                {
                    "organization_slug": "unverified",
                    "email_address": "y@acme.example",
                    "email_address_verified": False,
                },
            ],
        }
    )
    ist = fake.mint_intermediate_session(ADA)
    assert types_by_slug(listed(call, intermediate_session_token=ist)) == {}


def test_list_with_a_session_shows_only_memberships(
    seeded: dict[str, Any], fake: FakeStytch, call: Call
) -> None:
    entered = call(
        EXCHANGE,
        {"intermediate_session_token": fake.mint_intermediate_session(ADA), "organization_id": "active-org"},
    ).json()
    expected = {
        "active-org": "active_member",
        "pending-org": "pending_member",
        "invited-org": "invited_member",
    }
    for credential in ("session_token", "session_jwt"):
        body = listed(call, **{credential: entered[credential]})
        assert types_by_slug(body) == expected
        assert body["organization_id_hint"] is None
        assert body["email_address"] == ADA


def test_mfa_required_orgs_are_listed_unauthenticated(fake: FakeStytch, call: Call, ist: str) -> None:
    fake.seed(
        {
            "organizations": [
                {"organization_slug": "strict", "mfa_policy": "REQUIRED_FOR_ALL"},
                {"organization_slug": "enrolled"},
                {"organization_slug": "texted", "mfa_policy": "REQUIRED_FOR_ALL"},
                {
                    "organization_slug": "sso-only",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["sso", "password"],
                },
            ],
            "members": [
                {"organization_slug": "strict", "email_address": ADA},
                {"organization_slug": "enrolled", "email_address": ADA, "mfa_enrolled": True},
                {"organization_slug": "texted", "email_address": ADA, "mfa_phone_number": "+15005550006"},
                {"organization_slug": "sso-only", "email_address": ADA},
            ],
        }
    )
    found = {
        d["organization"]["organization_slug"]: d
        for d in listed(call, intermediate_session_token=ist)["discovered_organizations"]
    }
    for slug in ("strict", "enrolled"):
        assert found[slug]["member_authenticated"] is False
        assert found[slug]["mfa_required"] == {
            "member_options": None,
            "secondary_auth_initiated": None,
        }
    # As Stytch does, the member's options once they have a factor (a verified phone here).
    assert found["texted"]["mfa_required"] == {
        "member_options": {"mfa_phone_number": "+15005550006", "totp_registration_id": ""},
        "secondary_auth_initiated": None,
    }
    assert found["sso-only"]["member_authenticated"] is False
    assert found["sso-only"]["primary_required"] == {"allowed_auth_methods": ["sso", "password"]}


# -- exchange -----------------------------------------------------------------------------


def exchange(call: Call, ist: str, organization_id: str, **fields: Any) -> dict[str, Any]:
    response = call(
        EXCHANGE, {"intermediate_session_token": ist, "organization_id": organization_id, **fields}
    )
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    assert_entered(body)
    return body


@pytest.mark.parametrize("slug", ["active-org", "pending-org", "invited-org", "domain-org", "tenant-org"])
def test_exchange_into_each_membership_type_gives_an_active_member(
    seeded: dict[str, Any], call: Call, ist: str, slug: str
) -> None:
    body = exchange(call, ist, slug)
    assert body["member_authenticated"] is True
    assert body["member"]["status"] == "active"
    assert body["member"]["email_address_verified"] is True
    assert body["member_session"]["organization_slug"] == slug


def test_exchange_turns_eligibility_into_membership(
    seeded: dict[str, Any], fake: FakeStytch, call: Call, ist: str
) -> None:
    exchange(call, ist, "domain-org")
    after = listed(call, intermediate_session_token=fake.mint_intermediate_session(ADA))
    assert types_by_slug(after)["domain-org"] == "active_member"


def test_exchange_accepts_id_slug_and_external_id(fake: FakeStytch, call: Call) -> None:
    (org,) = fake.seed(
        {
            "organizations": [{"organization_slug": "acme", "organization_external_id": "ext-1"}],
            "members": [{"organization_slug": "acme", "email_address": ADA}],
        }
    )["organizations"]
    for reference in (org["organization_id"], "acme", "ext-1"):
        body = exchange(call, fake.mint_intermediate_session(ADA), reference)
        assert body["organization"]["organization_id"] == org["organization_id"]


def test_exchange_consumes_the_ist(seeded: dict[str, Any], call: Call, ist: str) -> None:
    exchange(call, ist, "active-org")
    again = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": "active-org"})
    assert_stytch_error(again, 404, "intermediate_session_not_found")


def test_exchange_errors(seeded: dict[str, Any], call: Call, ist: str) -> None:
    unknown = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": "nope"})
    assert_stytch_error(unknown, 404, "organization_not_found")
    stranger = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": "stranger-org"})
    assert_stytch_error(stranger, 400, "invalid_intermediate_session_token_for_organization")
    bad_locale = {"intermediate_session_token": ist, "organization_id": "active-org", "locale": "xx"}
    assert_stytch_error(call(EXCHANGE, bad_locale), 400, "invalid_argument")
    # None of the failures consumed the IST.
    exchange(call, ist, "active-org", locale="zh-Hans")


def test_exchange_into_mfa_org_returns_the_same_ist(fake: FakeStytch, call: Call, ist: str) -> None:
    seeded = fake.seed(
        {
            "organizations": [{"organization_slug": "strict", "mfa_policy": "REQUIRED_FOR_ALL"}],
            "members": [{"organization_slug": "strict", "email_address": ADA}],
        }
    )
    body = exchange(call, ist, "strict")
    assert body["member_authenticated"] is False
    assert body["mfa_required"] == {"member_options": None, "secondary_auth_initiated": None}
    assert body["intermediate_session_token"] == ist
    hinted = listed(call, intermediate_session_token=ist)
    assert hinted["organization_id_hint"] == seeded["organizations"][0]["organization_id"]


def test_exchange_into_primary_restricted_org(fake: FakeStytch, call: Call, ist: str) -> None:
    fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": "sso-only",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["sso"],
                }
            ],
            "members": [{"organization_slug": "sso-only", "email_address": ADA}],
        }
    )
    body = exchange(call, ist, "sso-only")
    assert body["member_authenticated"] is False
    assert body["primary_required"] == {"allowed_auth_methods": ["sso"]}
    assert body["intermediate_session_token"]
