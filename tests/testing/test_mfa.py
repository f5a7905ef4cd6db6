"""The fake's MFA endpoints: SMS codes, authenticator apps (RFC 6238), recovery codes (contract §B)."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

import pytest

from stytch_discovery.testing import ApiError, FakeStytch, totp

from .helpers import EXCHANGE, Call, assert_stytch_error

ADA = "ada@acme.example"
SMS_SEND = "/v1/b2b/otps/sms/send"
SMS_AUTHENTICATE = "/v1/b2b/otps/sms/authenticate"
TOTP_CREATE = "/v1/b2b/totp"
TOTP_AUTHENTICATE = "/v1/b2b/totp/authenticate"
RECOVER = "/v1/b2b/recovery_codes/recover"
PHONE = "+15005550006"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def seed(fake: FakeStytch, **member: Any) -> dict[str, str]:
    seeded = fake.seed(
        {
            "organizations": [
                {"organization_slug": "vault", "mfa_policy": "REQUIRED_FOR_ALL"},
                {
                    "organization_slug": "sms-only",
                    "mfa_policy": "REQUIRED_FOR_ALL",
                    "mfa_methods": "RESTRICTED",
                    "allowed_mfa_methods": ["sms_otp"],
                },
            ],
            "members": [
                {"organization_slug": "vault", "email_address": ADA, **member},
                {"organization_slug": "sms-only", "email_address": ADA},
            ],
        }
    )
    ids = {org["organization_slug"]: org["organization_id"] for org in seeded["organizations"]}
    vault_member = next(m for m in seeded["members"] if m["organization_id"] == ids["vault"])
    return {**ids, "member_id": vault_member["member_id"]}


def enter(fake: FakeStytch, call: Call, slug: str = "vault", **extra: Any) -> dict[str, Any]:
    """Exchange a discovery IST into ``slug``: the answer asks for MFA with a fresh IST."""
    ist = fake.mint_intermediate_session(ADA)
    body: dict[str, Any] = call(
        EXCHANGE, {"intermediate_session_token": ist, "organization_id": slug, **extra}
    ).json()
    assert body["member_authenticated"] is False, body
    return body


def step(entered: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "organization_id": entered["organization"]["organization_id"],
        "member_id": entered["member_id"],
        "intermediate_session_token": entered["intermediate_session_token"],
        **fields,
    }


def last_sms(fake: FakeStytch) -> dict[str, Any]:
    return [message for message in fake.outbox() if message["kind"] == "sms_otp"][-1]


# -- RFC 6238 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unix_time", "eight_digits"),
    [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")],
)
def test_codes_are_rfc_6238s_sha1_test_vectors(unix_time: int, eight_digits: str) -> None:
    secret = base64.b32encode(b"12345678901234567890").decode()
    moment = datetime.fromtimestamp(unix_time, tz=timezone.utc)

    assert totp.code_at(secret, moment) == eight_digits[-6:]
    assert totp.hotp(secret, unix_time // 30, digits=8) == eight_digits


def test_a_code_is_accepted_one_step_either_side_and_no_further() -> None:
    moment = datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
    now = totp.step_of(moment)
    for offset in (-1, 0, 1):
        assert totp.matching_step(SECRET, totp.hotp(SECRET, now + offset), moment) == now + offset
    for offset in (-2, 2):
        assert totp.matching_step(SECRET, totp.hotp(SECRET, now + offset), moment) is None


def test_the_default_qr_code_is_a_png_data_uri() -> None:
    uri = totp.otpauth_uri(secret=SECRET, issuer="Vault", account=ADA)
    assert uri.startswith("otpauth://totp/Vault:ada@acme.example?secret=")

    qr = totp.placeholder_qr_code(uri)

    prefix, encoded = qr.split(",", 1)
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(encoded.strip()).startswith(b"\x89PNG\r\n\x1a\n")


# -- SMS --------------------------------------------------------------------------------------


def test_an_sms_code_lets_a_member_with_a_phone_in_and_consumes_the_ist(fake: FakeStytch, call: Call) -> None:
    seed(fake, mfa_phone_number=PHONE)
    entered = enter(fake, call)
    assert entered["mfa_required"] == {
        "member_options": {"mfa_phone_number": PHONE, "totp_registration_id": ""},
        "secondary_auth_initiated": None,
    }

    sent = call(SMS_SEND, step(entered))
    assert sent.status_code == 200, sent.json()
    message = last_sms(fake)
    assert (message["phone_number"], len(message["code"])) == (PHONE, 6)

    answer = call(SMS_AUTHENTICATE, step(entered, code=message["code"]))

    body = answer.json()
    assert answer.status_code == 200, body
    assert body["session_token"]
    assert body["session_jwt"]
    assert "member_authenticated" not in body
    assert "intermediate_session_token" not in body
    factors = [(f["type"], f["delivery_method"]) for f in body["member_session"]["authentication_factors"]]
    assert factors == [("magic_link", "email"), ("otp", "sms")]
    assert body["member"]["mfa_enrolled"] is True  # REQUIRED_FOR_ALL enrolls on success
    replay = call(SMS_AUTHENTICATE, step(entered, code=message["code"]))
    assert_stytch_error(replay, 404, "intermediate_session_not_found")


def test_a_resend_invalidates_the_first_code_and_codes_live_two_minutes(fake: FakeStytch, call: Call) -> None:
    seed(fake, mfa_phone_number=PHONE)
    entered = enter(fake, call)
    call(SMS_SEND, step(entered))
    first = last_sms(fake)["code"]
    call(SMS_SEND, step(entered))
    second = last_sms(fake)["code"]

    if first != second:  # one in a million they are equal
        assert_stytch_error(call(SMS_AUTHENTICATE, step(entered, code=first)), 404, "otp_code_not_found")
    fake.advance_clock(121)
    expired = call(SMS_AUTHENTICATE, step(entered, code=second))

    assert_stytch_error(expired, 401, "unable_to_auth_otp_code")


def test_an_exchange_with_a_locale_sends_the_code_itself(fake: FakeStytch, call: Call) -> None:
    seed(fake, mfa_phone_number=PHONE)

    entered = enter(fake, call, locale="en")

    assert entered["mfa_required"]["secondary_auth_initiated"] == "sms_otp"
    code = last_sms(fake)["code"]
    assert call(SMS_AUTHENTICATE, step(entered, code=code)).status_code == 200


def test_a_member_without_a_phone_enrols_one_and_it_is_verified_by_the_code(
    fake: FakeStytch, call: Call
) -> None:
    seed(fake)
    entered = enter(fake, call)
    assert entered["mfa_required"]["member_options"] is None
    assert_stytch_error(call(SMS_SEND, step(entered)), 404, "member_phone_number_not_found")
    assert_stytch_error(
        call(SMS_SEND, step(entered, mfa_phone_number="5005550006")), 400, "invalid_phone_number"
    )
    assert_stytch_error(
        call(SMS_SEND, step(entered, mfa_phone_number="+9995550006")),
        400,
        "invalid_phone_number_country_code",
    )

    sent = call(SMS_SEND, step(entered, mfa_phone_number=PHONE)).json()
    assert (sent["member"]["mfa_phone_number"], sent["member"]["mfa_phone_number_verified"]) == (PHONE, False)
    other = call(SMS_SEND, step(entered, mfa_phone_number="+15005550007"))
    assert_stytch_error(other, 400, "duplicate_member_phone_number_for_member")

    done = call(SMS_AUTHENTICATE, step(entered, code=last_sms(fake)["code"], set_default_mfa=True)).json()

    assert done["member"]["mfa_phone_number_verified"] is True
    assert done["member"]["default_mfa_method"] == "sms_otp"


def test_sms_errors_ids_and_session_arguments(fake: FakeStytch, call: Call) -> None:
    ids = seed(fake, mfa_phone_number=PHONE)
    entered = enter(fake, call)
    wrong_member = step(entered, member_id="member-test-nobody")
    assert_stytch_error(call(SMS_SEND, wrong_member), 404, "member_not_found")
    other_org = step(entered, organization_id=ids["sms-only"])
    assert_stytch_error(call(SMS_SEND, other_org), 404, "member_not_found")  # not a member id there
    no_session = {
        key: value
        for key, value in step(entered, code="123456").items()
        if key != "intermediate_session_token"
    }
    assert_stytch_error(call(SMS_AUTHENTICATE, no_session), 400, "no_session_arguments")
    both = step(entered, code="123456", session_token="x")
    assert_stytch_error(call(SMS_AUTHENTICATE, both), 400, "too_many_session_arguments")
    stranger = fake.mint_intermediate_session("eve@evil.example")
    assert_stytch_error(
        call(SMS_SEND, step(entered, intermediate_session_token=stranger)),
        400,
        "invalid_intermediate_session_token_for_organization",
    )
    call(SMS_SEND, step(entered))
    assert_stytch_error(
        call(
            SMS_AUTHENTICATE, step(entered, code="000000" if last_sms(fake)["code"] != "000000" else "111111")
        ),
        404,
        "otp_code_not_found",
    )


def test_a_method_the_organization_does_not_allow_is_refused(fake: FakeStytch, call: Call) -> None:
    seed(fake)
    entered = enter(fake, call, "sms-only")

    assert_stytch_error(
        call(TOTP_CREATE, step(entered)), 400, "operation_restricted_by_organization_mfa_methods"
    )


# -- TOTP and recovery codes -----------------------------------------------------------------


def test_totp_enrolment_then_a_code_activates_it(fake: FakeStytch, call: Call) -> None:
    ids = seed(fake)
    entered = enter(fake, call)

    created = call(TOTP_CREATE, step(entered, expiration_minutes=10)).json()

    assert len(created["secret"]) == 32
    assert created["qr_code"].startswith("data:image/png;base64,")
    assert len(created["recovery_codes"]) == 10
    assert created["member"]["totp_registration_id"] == ""  # pending until a code is authenticated
    assert_stytch_error(call(TOTP_CREATE, step(entered)), 400, "pending_totp_exists")
    code = fake.totp_code(ids["member_id"])
    assert code == totp.code_at(created["secret"], datetime.now(timezone.utc))

    done = call(TOTP_AUTHENTICATE, step(entered, code=code)).json()

    assert done["member"]["totp_registration_id"] == created["totp_registration_id"]
    assert fake.recovery_codes(ids["member_id"]) == created["recovery_codes"]
    again = enter(fake, call)
    assert again["mfa_required"]["member_options"]["totp_registration_id"] == created["totp_registration_id"]
    assert_stytch_error(call(TOTP_CREATE, step(again)), 400, "active_totp_exists")
    assert_stytch_error(
        call(TOTP_AUTHENTICATE, step(again, code=code)), 400, "totp_code_already_authenticated"
    )


def test_totp_codes_follow_the_clock_and_bad_ones_are_refused(fake: FakeStytch, call: Call) -> None:
    ids = seed(fake, totp_secret=SECRET)
    entered = enter(fake, call)
    assert_stytch_error(call(TOTP_AUTHENTICATE, step(entered, code="12345")), 400, "invalid_totp_code")
    assert_stytch_error(
        call(TOTP_AUTHENTICATE, step(entered, code="abcd-efgh-ijkl")), 400, "recovery_code_used_as_totp_code"
    )
    old = fake.totp_code(ids["member_id"])
    fake.advance_clock(90)  # three steps on: the old code is out of the window
    assert_stytch_error(call(TOTP_AUTHENTICATE, step(entered, code=old)), 401, "unable_to_authenticate_totp")

    fresh = call(TOTP_AUTHENTICATE, step(entered, code=fake.totp_code(ids["member_id"])))

    assert fresh.status_code == 200
    assert [f["type"] for f in fresh.json()["member_session"]["authentication_factors"]] == [
        "magic_link",
        "totp",
    ]


def test_an_expired_pending_registration_is_refused(fake: FakeStytch, call: Call) -> None:
    ids = seed(fake)
    entered = enter(fake, call)
    call(TOTP_CREATE, step(entered, expiration_minutes=5))
    code = fake.totp_code(ids["member_id"])
    fake.advance_clock(301)
    fresh_step = enter(fake, call)

    assert_stytch_error(call(TOTP_AUTHENTICATE, step(fresh_step, code=code)), 400, "expired_totp")


def test_a_recovery_code_works_once(fake: FakeStytch, call: Call) -> None:
    codes = ["aaaa-bbbb-cccc", "dddd-eeee-ffff"]
    seed(fake, totp=True, recovery_codes=codes)
    entered = enter(fake, call)
    assert_stytch_error(
        call(RECOVER, step(entered, recovery_code="123456")), 400, "totp_code_used_as_recovery_code"
    )
    assert_stytch_error(call(RECOVER, step(entered, recovery_code="nope")), 400, "invalid_recovery_code")
    assert_stytch_error(
        call(RECOVER, step(entered, recovery_code="zzzz-zzzz-zzzz")),
        401,
        "unable_to_authenticate_recovery_code",
    )

    done = call(RECOVER, step(entered, recovery_code=codes[0])).json()

    assert done["recovery_codes_remaining"] == 1
    assert done["session_token"]
    again = enter(fake, call)
    assert_stytch_error(
        call(RECOVER, step(again, recovery_code=codes[0])), 401, "unable_to_authenticate_recovery_code"
    )


def test_a_recovery_code_needs_no_session_argument(fake: FakeStytch, call: Call) -> None:
    """Contract §B.2: recover's IST, session_token and session_jwt are optional (at most one)."""
    seed(fake, totp=True, recovery_codes=["aaaa-bbbb-cccc"])
    entered = enter(fake, call)
    alone = {key: value for key, value in step(entered).items() if key != "intermediate_session_token"}
    both = step(entered, recovery_code="aaaa-bbbb-cccc", session_token="x")
    assert_stytch_error(call(RECOVER, both), 400, "too_many_session_arguments")

    done = call(RECOVER, {**alone, "recovery_code": "aaaa-bbbb-cccc"})

    assert done.status_code == 200, done.json()
    factors = done.json()["member_session"]["authentication_factors"]
    assert [(factor["type"], factor["delivery_method"]) for factor in factors] == [
        ("recovery_codes", "recovery_code")
    ]
    assert done.json()["recovery_codes_remaining"] == 0


def test_recovery_needs_an_active_totp_registration(fake: FakeStytch, call: Call) -> None:
    seed(fake, mfa_phone_number=PHONE)
    entered = enter(fake, call)

    refused = call(RECOVER, step(entered, recovery_code="aaaa-bbbb-cccc"))

    assert_stytch_error(refused, 400, "no_active_recovery_code_backed_factor")


def test_a_new_factor_for_a_member_who_has_one_needs_a_session_with_it(fake: FakeStytch, call: Call) -> None:
    seed(fake, mfa_phone_number=PHONE)
    entered = enter(fake, call)

    refused = call(TOTP_CREATE, step(entered))

    assert_stytch_error(refused, 400, "session_enforced_factor_matching_session_required")


def test_control_endpoints_tell_totp_codes_and_recovery_codes(fake: FakeStytch, control: Call) -> None:
    ids = seed(fake, totp_secret=SECRET, recovery_codes=["aaaa-bbbb-cccc"])

    code = control("totp_code", {"member_id": ids["member_id"]}).json()
    codes = control("recovery_codes", {"member_id": ids["member_id"]}).json()

    assert code["code"] == totp.code_at(SECRET, datetime.now(timezone.utc))
    assert 0 < code["seconds_left"] <= 30
    assert codes == {"recovery_codes": ["aaaa-bbbb-cccc"]}
    assert control("totp_code", {"member_id": "member-test-nobody"}).status_code == 404


def test_seeding_refuses_bad_factors(fake: FakeStytch) -> None:
    fake.seed({"organizations": [{"organization_slug": "acme"}]})
    for bad in (
        {"mfa_phone_number": "5005550006"},
        {"totp_secret": "not base32!"},
        {"recovery_codes": ["x"], "totp": True},
    ):
        with pytest.raises(ApiError, match="invalid_argument"):
            fake.seed({"members": [{"organization_slug": "acme", "email_address": ADA, **bad}]})
