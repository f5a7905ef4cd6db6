"""The one masked form of a member's phone number, wherever the package keeps or shows one.

Stytch sends the member's full MFA phone number (``member_options.mfa_phone_number`` of an
``mfa_required``, the Member's ``mfa_phone_number``). A browser only needs enough of it to say
"we will text +•••••••0006", and a table staff browse in the admin needs no more, so everything
this package stores or answers over HTTP keeps the masked form: the pending step's signed
cookie, the organization cache, the ``mfa_required`` of every answer and the session answer
shared through Django's cache (whose SMS factors name the number too). The Python API
(``services``, ``types``, the signals) still hands the host project what Stytch sent.
"""

from __future__ import annotations

from typing import Any

#: Where Stytch puts the member's number inside ``mfa_required`` (``MfaRequired.MemberOptions``).
MEMBER_OPTIONS, PHONE_NUMBER = "member_options", "mfa_phone_number"
#: Where it puts the number an SMS factor of a session went to (``AuthenticationFactor``).
PHONE_FACTOR, FACTOR_NUMBER = "phone_number_factor", "phone_number"


def mask_phone_number(number: str) -> str:
    """``+15005550006`` as ``+•••••••0006``: enough to recognise it, not to dial it.

    A masked number masks to itself, so masking twice (a stored row, then its answer) is harmless.
    """
    if not number:
        return ""
    digits = number.lstrip("+")
    return "+" + "•" * max(0, len(digits) - 4) + digits[-4:]


def masked_member_options(options: Any) -> Any:
    """Stytch's MemberOptions with ``mfa_phone_number`` masked; the same object when nothing changes."""
    if not isinstance(options, dict) or not options.get(PHONE_NUMBER):
        return options
    number = str(options[PHONE_NUMBER])
    masked = mask_phone_number(number)
    return options if masked == number else {**options, PHONE_NUMBER: masked}


def masked_mfa_required(mfa_required: dict[str, Any] | None) -> dict[str, Any] | None:
    """``mfa_required`` with its member's phone number masked; the same object when none is in it."""
    if not mfa_required:
        return mfa_required
    options = mfa_required.get(MEMBER_OPTIONS)
    masked = masked_member_options(options)
    return mfa_required if masked is options else {**mfa_required, MEMBER_OPTIONS: masked}


def masked_authentication_factors(factors: Any) -> Any:
    """A session's ``authentication_factors`` with each SMS factor's ``phone_number`` masked."""
    if not isinstance(factors, list):
        return factors
    return [_masked_factor(factor) for factor in factors]


def _masked_factor(factor: Any) -> Any:
    phone = factor.get(PHONE_FACTOR) if isinstance(factor, dict) else None
    if not isinstance(phone, dict) or not phone.get(FACTOR_NUMBER):
        return factor
    return {**factor, PHONE_FACTOR: {**phone, FACTOR_NUMBER: mask_phone_number(str(phone[FACTOR_NUMBER]))}}
