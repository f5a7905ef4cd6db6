"""The one masked form of a member's phone number, wherever the package keeps or shows one.

Stytch sends the member's full MFA phone number (``member_options.mfa_phone_number`` of an
``mfa_required``, the Member's ``mfa_phone_number``). A browser only needs enough of it to say
"we will text +•••••••0006", and a table staff browse in the admin needs no more, so everything
this package stores or answers over HTTP keeps the masked form: the pending step's signed
cookie, the organization cache and the ``mfa_required`` of every answer. The Python API
(``services``, ``types``, the signals) still hands the host project what Stytch sent.
"""

from __future__ import annotations

from typing import Any

#: Where Stytch puts the member's number inside ``mfa_required`` (``MfaRequired.MemberOptions``).
MEMBER_OPTIONS, PHONE_NUMBER = "member_options", "mfa_phone_number"


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
