"""The one masked form of a phone number (``internal.phones``), and the ``mfa_required`` and
session factors it masks."""

from __future__ import annotations

from typing import Any

import pytest

from stytch_discovery.internal.phones import (
    mask_phone_number,
    masked_authentication_factors,
    masked_mfa_required,
)

PHONE, MASKED = "+15005550006", "+•••••••0006"


@pytest.mark.parametrize(
    ("number", "masked"),
    [(PHONE, MASKED), ("+4420", "+4420"), ("", ""), ("+447911123456", "+••••••••3456")],
)
def test_phone_numbers_are_masked(number: str, masked: str) -> None:
    assert mask_phone_number(number) == masked


@pytest.mark.parametrize("number", [PHONE, "+447911123456", "+4420"])
def test_a_masked_number_masks_to_itself(number: str) -> None:
    assert mask_phone_number(mask_phone_number(number)) == mask_phone_number(number)


def test_the_members_number_in_mfa_required_is_masked_and_the_rest_kept() -> None:
    original: dict[str, Any] = {
        "member_options": {"mfa_phone_number": PHONE, "totp_registration_id": "member-totp-test-1"},
        "secondary_auth_initiated": "sms_otp",
    }

    masked = masked_mfa_required(original)

    assert masked == {
        "member_options": {"mfa_phone_number": MASKED, "totp_registration_id": "member-totp-test-1"},
        "secondary_auth_initiated": "sms_otp",
    }
    assert original["member_options"]["mfa_phone_number"] == PHONE  # a copy: Stytch's answer is kept


@pytest.mark.parametrize(
    "mfa_required",
    [
        None,
        {},
        {"member_options": None, "secondary_auth_initiated": None},
        {"member_options": {"mfa_phone_number": "", "totp_registration_id": "member-totp-test-1"}},
        {"member_options": {"mfa_phone_number": MASKED, "totp_registration_id": ""}},
        {"member_options": "not an object"},
    ],
)
def test_without_a_full_number_mfa_required_is_returned_as_it_is(mfa_required: Any) -> None:
    assert masked_mfa_required(mfa_required) is mfa_required


def test_an_sms_factors_number_is_masked_and_every_other_factor_kept() -> None:
    email = {
        "type": "magic_link",
        "delivery_method": "email",
        "email_factor": {"email_address": "a@b.example"},
    }
    sms: dict[str, Any] = {
        "type": "otp",
        "delivery_method": "sms",
        "phone_number_factor": {"phone_id": "p", "phone_number": PHONE},
    }
    odd = [
        {"type": "otp", "phone_number_factor": {"phone_number": ""}},
        "not an object",
        {"phone_number_factor": 1},
    ]

    masked = masked_authentication_factors([email, sms, *odd])

    assert masked == [
        email,
        {**sms, "phone_number_factor": {"phone_id": "p", "phone_number": MASKED}},
        *odd,
    ]
    assert sms["phone_number_factor"]["phone_number"] == PHONE  # a copy: Stytch's answer is kept


@pytest.mark.parametrize("factors", [None, {}, "not a list"])
def test_factors_that_are_no_list_are_returned_as_they_are(factors: Any) -> None:
    assert masked_authentication_factors(factors) is factors
