"""Email OTP discovery (sessions contract §C.1): send, authenticate, the public token."""

from __future__ import annotations

import pytest
from stytch import B2BClient
from stytch.core.response_base import StytchError

from stytch_discovery.testing import DEFAULT_PUBLIC_TOKEN, FakeStytch

from .helpers import EXCHANGE, Call, assert_stytch_error

ADA = "ada@acme.example"
SEND = "/v1/b2b/otps/email/discovery/send"
AUTHENTICATE = "/v1/b2b/otps/email/discovery/authenticate"


@pytest.fixture
def client(fake: FakeStytch) -> B2BClient:
    return B2BClient(project_id=fake.project_id, secret=fake.secret, environment=fake.base_url + "/")


def codes(fake: FakeStytch) -> list[str]:
    return [message["code"] for message in fake.outbox() if message["kind"] == "discovery_email_otp"]


def test_the_public_token_defaults_to_a_test_token(fake: FakeStytch) -> None:
    assert fake.public_token == DEFAULT_PUBLIC_TOKEN
    assert DEFAULT_PUBLIC_TOKEN.startswith("public-token-test-")
    with FakeStytch(public_token="public-token-test-mine") as other:
        assert other.public_token == "public-token-test-mine"


def test_a_code_signs_in_through_the_sdk(fake: FakeStytch, client: B2BClient) -> None:
    fake.seed(
        {
            "organizations": [
                {"organization_slug": "acme"},
                {
                    "organization_slug": "codes",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["email_otp"],
                },
                {
                    "organization_slug": "links",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["magic_link"],
                },
            ],
            "members": [
                {"organization_slug": slug, "email_address": ADA} for slug in ("acme", "codes", "links")
            ],
        }
    )
    sent = client.otps.email.discovery.send(email_address=ADA, locale="en", discovery_expiration_minutes=2)
    assert sent.status_code == 200
    (message,) = fake.outbox()
    assert message["kind"] == "discovery_email_otp"
    assert message["email_address"] == ADA
    assert message["code"].isdigit()
    assert len(message["code"]) == 6
    assert set(message) == {"kind", "email_address", "code", "sent_at"}

    answer = client.otps.email.discovery.authenticate(email_address=ADA, code=message["code"])
    assert answer.email_address == ADA
    assert answer.intermediate_session_token
    assert answer.intermediate_session_token_expires_at is not None
    found = {
        org.organization.organization_slug: org for org in answer.discovered_organizations if org.organization
    }
    assert set(found) == {"acme", "codes", "links"}
    # The IST carries email_otp: the organization restricted to it needs nothing more.
    assert found["codes"].member_authenticated is True
    assert found["links"].primary_required is not None
    assert found["links"].primary_required.allowed_auth_methods == ["magic_link"]


def test_the_ist_exchanges_into_an_organization_restricted_to_email_codes(
    fake: FakeStytch, call: Call
) -> None:
    fake.seed(
        {
            "organizations": [
                {
                    "organization_slug": "codes",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["email_otp"],
                }
            ],
            "members": [{"organization_slug": "codes", "email_address": ADA}],
        }
    )
    call(SEND, {"email_address": ADA})
    ist = call(AUTHENTICATE, {"email_address": ADA, "code": codes(fake)[-1]}).json()[
        "intermediate_session_token"
    ]
    entered = call(EXCHANGE, {"intermediate_session_token": ist, "organization_id": "codes"}).json()
    assert entered["member_authenticated"] is True
    factors = entered["member_session"]["authentication_factors"]
    assert [(factor["type"], factor["delivery_method"]) for factor in factors] == [("otp", "email")]


def test_only_the_latest_code_works_and_only_once(fake: FakeStytch, call: Call) -> None:
    call(SEND, {"email_address": ADA})
    call(SEND, {"email_address": ADA})
    first, second = codes(fake)
    if first != second:
        assert_stytch_error(
            call(AUTHENTICATE, {"email_address": ADA, "code": first}), 404, "otp_code_not_found"
        )
    assert call(AUTHENTICATE, {"email_address": ADA, "code": second}).status_code == 200
    assert_stytch_error(
        call(AUTHENTICATE, {"email_address": ADA, "code": second}), 401, "unable_to_auth_otp_code"
    )


def test_a_wrong_code_is_not_found_and_an_email_without_a_code_too(fake: FakeStytch, call: Call) -> None:
    call(SEND, {"email_address": ADA})
    wrong = "000000" if codes(fake)[0] != "000000" else "111111"
    assert_stytch_error(call(AUTHENTICATE, {"email_address": ADA, "code": wrong}), 404, "otp_code_not_found")
    body = {"email_address": "bo@acme.example", "code": "123456"}
    assert_stytch_error(call(AUTHENTICATE, body), 404, "email_not_found")


def test_the_code_matches_the_email_case_insensitively(fake: FakeStytch, call: Call) -> None:
    call(SEND, {"email_address": "Ada@Acme.example"})
    answer = call(AUTHENTICATE, {"email_address": ADA, "code": codes(fake)[0]})
    assert answer.status_code == 200


@pytest.mark.parametrize(("minutes", "lives"), [(None, 10), (2, 2), (15, 15)])
def test_a_code_expires(fake: FakeStytch, call: Call, minutes: int | None, lives: int) -> None:
    call(SEND, {"email_address": ADA, "discovery_expiration_minutes": minutes})
    code = codes(fake)[0]
    fake.advance_clock(lives * 60)
    assert_stytch_error(
        call(AUTHENTICATE, {"email_address": ADA, "code": code}), 401, "unable_to_auth_otp_code"
    )


def test_a_code_works_until_it_expires(fake: FakeStytch, call: Call) -> None:
    call(SEND, {"email_address": ADA, "discovery_expiration_minutes": 2})
    # Well short of the 120 s: the fake's clock is real time moved, in whole seconds, and a loaded
    # machine may let a few real seconds pass between the send and the authenticate.
    fake.advance_clock(110)
    assert call(AUTHENTICATE, {"email_address": ADA, "code": codes(fake)[0]}).status_code == 200


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({"email_address": "not-an-email"}, "invalid_email"),
        ({}, "bad_request"),
        ({"email_address": ADA, "discovery_expiration_minutes": 1}, "invalid_argument"),
        ({"email_address": ADA, "discovery_expiration_minutes": 16}, "invalid_argument"),
        ({"email_address": ADA, "locale": "de-DE"}, "invalid_argument"),
        ({"email_address": ADA, "login_template_id": 3}, "invalid_argument"),
    ],
)
def test_send_validates(fake: FakeStytch, call: Call, body: dict[str, object], error_type: str) -> None:
    assert_stytch_error(call(SEND, body), 400, error_type)
    assert fake.outbox() == []


@pytest.mark.parametrize(
    ("body", "error_type"),
    [({"email_address": "nope", "code": "123456"}, "invalid_email"), ({"email_address": ADA}, "bad_request")],
)
def test_authenticate_validates(call: Call, body: dict[str, object], error_type: str) -> None:
    assert_stytch_error(call(AUTHENTICATE, body), 400, error_type)


def test_the_sdk_raises_stytch_errors(client: B2BClient) -> None:
    with pytest.raises(StytchError) as raised:
        client.otps.email.discovery.authenticate(email_address=ADA, code="123456")
    assert raised.value.details.error_type == "email_not_found"
    assert raised.value.details.status_code == 404
