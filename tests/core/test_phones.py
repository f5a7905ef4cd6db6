"""The one masked form of a phone number (``internal.phones``)."""

from __future__ import annotations

import pytest

from stytch_discovery.internal.phones import mask_phone_number

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
