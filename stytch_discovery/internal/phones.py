"""The one masked form of a member's phone number, wherever the package keeps or shows one.

Stytch sends the member's full MFA phone number (``member_options.mfa_phone_number`` of an
``mfa_required``, the Member's ``mfa_phone_number``). A browser only needs enough of it to say
"we will text +•••••••0006", and a table staff browse in the admin needs no more, so the pending
step's signed cookie and the SMS answers keep only the masked form.
"""

from __future__ import annotations


def mask_phone_number(number: str) -> str:
    """``+15005550006`` as ``+•••••••0006``: enough to recognise it, not to dial it.

    A masked number masks to itself, so masking twice (a stored row, then its answer) is harmless.
    """
    if not number:
        return ""
    digits = number.lstrip("+")
    return "+" + "•" * max(0, len(digits) - 4) + digits[-4:]
