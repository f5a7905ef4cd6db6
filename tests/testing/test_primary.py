"""The fake's organization-scoped email magic links and email codes (contract §B.4)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from stytch_discovery.testing import FakeStytch

from .helpers import AUTHENTICATE, EXCHANGE, Call, assert_stytch_error

ADA = "ada@acme.example"
LINK_SEND = "/v1/b2b/magic_links/email/login_or_signup"
LINK_AUTHENTICATE = "/v1/b2b/magic_links/authenticate"
CODE_SEND = "/v1/b2b/otps/email/login_or_signup"
CODE_AUTHENTICATE = "/v1/b2b/otps/email/authenticate"
SMS_AUTHENTICATE = "/v1/b2b/otps/sms/authenticate"
REDIRECT = "http://localhost:8000/primary/cb"


@pytest.fixture
def orgs(fake: FakeStytch) -> dict[str, str]:
    seeded = fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": "codes",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["email_otp"],
                },
                {
                    "organization_slug": "codes-mfa",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["email_otp"],
                    "mfa_policy": "REQUIRED_FOR_ALL",
                },
                {
                    "organization_slug": "links",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["magic_link"],
                },
                {
                    "organization_slug": "domain",
                    "email_jit_provisioning": "RESTRICTED",
                    "email_allowed_domains": ["acme.example"],
                },
            ],
            "members": [
                {"organization_slug": "codes", "email_address": ADA},
                {"organization_slug": "codes-mfa", "email_address": ADA, "mfa_phone_number": "+15005550006"},
                {"organization_slug": "links", "email_address": ADA},
                {"organization_slug": "domain", "email_address": "boss@acme.example"},
            ],
        }
    )
    return {org["organization_slug"]: org["organization_id"] for org in seeded["organizations"]}


def enter(
    fake: FakeStytch, call: Call, slug: str, factors: tuple[str, ...] = ("magic_link",)
) -> dict[str, Any]:
    ist = fake.mint_intermediate_session(ADA, factors=factors)
    body: dict[str, Any] = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": slug}).json()
    return body


def last(fake: FakeStytch, kind: str) -> dict[str, Any]:
    return [message for message in fake.outbox() if message["kind"] == kind][-1]


def test_an_email_code_adds_the_factor_and_consumes_the_ist(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    entered = enter(fake, call, "codes")
    assert entered["primary_required"] == {"allowed_auth_methods": ["email_otp"]}
    ist = entered["intermediate_session_token"]

    sent = call(CODE_SEND, {"organization_id": orgs["codes"], "email_address": ADA}).json()
    assert (sent["member_created"], sent["member_id"]) == (False, entered["member_id"])
    code = last(fake, "email_otp")["code"]
    done = call(
        CODE_AUTHENTICATE,
        {
            "organization_id": orgs["codes"],
            "email_address": ADA,
            "code": code,
            "intermediate_session_token": ist,
        },
    ).json()

    assert done["member_authenticated"] is True
    assert done["session_token"]
    assert [f["delivery_method"] for f in done["member_session"]["authentication_factors"]] == [
        "email",
        "email",
    ]
    again = call(
        CODE_AUTHENTICATE,
        {
            "organization_id": orgs["codes"],
            "email_address": ADA,
            "code": code,
            "intermediate_session_token": ist,
        },
    )
    assert_stytch_error(again, 404, "intermediate_session_not_found")


def test_a_used_or_wrong_email_code_is_refused(fake: FakeStytch, call: Call, orgs: dict[str, str]) -> None:
    call(CODE_SEND, {"organization_id": orgs["codes"], "email_address": ADA})
    code = last(fake, "email_otp")["code"]
    body = {"organization_id": orgs["codes"], "email_address": ADA}
    assert call(CODE_AUTHENTICATE, {**body, "code": code}).status_code == 200

    assert_stytch_error(call(CODE_AUTHENTICATE, {**body, "code": code}), 401, "unable_to_auth_otp_code")
    wrong = "000000" if code != "000000" else "111111"
    assert_stytch_error(call(CODE_AUTHENTICATE, {**body, "code": wrong}), 404, "otp_code_not_found")


def test_primary_then_mfa_carries_on_with_the_same_ist_and_an_sms_already_sent(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    entered = enter(fake, call, "codes-mfa")
    assert entered["primary_required"] is not None
    assert entered["mfa_required"] is None
    ist = entered["intermediate_session_token"]
    call(CODE_SEND, {"organization_id": orgs["codes-mfa"], "email_address": ADA})

    primary = call(
        CODE_AUTHENTICATE,
        {
            "organization_id": orgs["codes-mfa"],
            "email_address": ADA,
            "code": last(fake, "email_otp")["code"],
            "intermediate_session_token": ist,
        },
    ).json()

    assert primary["member_authenticated"] is False
    assert primary["intermediate_session_token"] == ist  # the same IST, one factor richer
    assert primary["primary_required"] is None
    assert primary["mfa_required"]["secondary_auth_initiated"] == "sms_otp"
    sms = call(
        SMS_AUTHENTICATE,
        {
            "organization_id": orgs["codes-mfa"],
            "member_id": primary["member_id"],
            "code": last(fake, "sms_otp")["code"],
            "intermediate_session_token": ist,
        },
    ).json()
    assert [f["delivery_method"] for f in sms["member_session"]["authentication_factors"]] == [
        "email",
        "email",
        "sms",
    ]


def test_an_organization_magic_link_finishes_the_primary_step(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    entered = enter(fake, call, "links", factors=("email_otp",))  # e.g. discovered by an email code
    assert entered["primary_required"] == {"allowed_auth_methods": ["magic_link"]}

    call(LINK_SEND, {"organization_id": orgs["links"], "email_address": ADA, "login_redirect_url": REDIRECT})
    message = last(fake, "magic_link")
    query = parse_qs(urlsplit(message["url"]).query)
    assert query["stytch_token_type"] == ["multi_tenant_magic_links"]
    assert query["token"] == [message["token"]]
    assert_stytch_error(
        call(AUTHENTICATE, {"discovery_magic_links_token": message["token"]}), 404, "magic_link_not_found"
    )
    done = call(
        LINK_AUTHENTICATE,
        {
            "magic_links_token": message["token"],
            "intermediate_session_token": entered["intermediate_session_token"],
        },
    ).json()

    assert done["member_authenticated"] is True
    assert done["organization_id"] == orgs["links"]
    again = call(LINK_AUTHENTICATE, {"magic_links_token": message["token"]})
    assert_stytch_error(again, 404, "magic_link_not_found")


def test_sends_refuse_what_the_organization_refuses(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    restricted = call(CODE_SEND, {"organization_id": orgs["links"], "email_address": ADA})
    no_url = call(LINK_SEND, {"organization_id": orgs["links"], "email_address": ADA})
    stranger = call(CODE_SEND, {"organization_id": orgs["codes"], "email_address": "eve@evil.example"})

    assert_stytch_error(restricted, 400, "operation_restricted_by_organization_auth_methods")
    assert_stytch_error(no_url, 400, "no_login_redirect_urls_set")
    assert_stytch_error(stranger, 403, "email_jit_provisioning_not_allowed")


def test_an_email_that_may_join_by_domain_signs_up(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    sent = call(
        LINK_SEND, {"organization_id": orgs["domain"], "email_address": ADA, "signup_redirect_url": REDIRECT}
    )

    body = sent.json()
    assert (body["member_created"], body["member"]["status"]) == (True, "pending")
    done = call(LINK_AUTHENTICATE, {"magic_links_token": last(fake, "magic_link")["token"]}).json()
    assert (done["member_authenticated"], done["member"]["status"]) == (True, "active")


def test_an_ist_for_another_organization_is_refused(
    fake: FakeStytch, call: Call, orgs: dict[str, str]
) -> None:
    entered = enter(fake, call, "links", factors=("email_otp",))
    call(CODE_SEND, {"organization_id": orgs["codes"], "email_address": ADA})

    refused = call(
        CODE_AUTHENTICATE,
        {
            "organization_id": orgs["codes"],
            "email_address": ADA,
            "code": last(fake, "email_otp")["code"],
            "intermediate_session_token": entered["intermediate_session_token"],
        },
    )

    assert_stytch_error(refused, 400, "invalid_intermediate_session_token_for_organization")
