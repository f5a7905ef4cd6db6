"""Typed results of the MFA calls; a successful authenticate is a ``sessions.types.MemberAuthentication``.

The TOTP secret, its QR code and the recovery codes are shown to the member once and never kept:
they live in their own fields (``repr=False``), and ``raw`` holds Stytch's answer without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stytch_discovery.internal.parsing import JSON, frozen, without_tokens
from stytch_discovery.sessions.types import Member, MemberAuthentication, Organization

#: Fields of the TOTP create answer that are secrets of the member's, never to be stored.
TOTP_SECRET_FIELDS = frozenset({"secret", "qr_code", "recovery_codes"})


def authenticated(data: JSON) -> MemberAuthentication:
    """An MFA authenticate answer: always a full session (Stytch sends no ``member_authenticated``)."""
    return MemberAuthentication.from_json({**data, "member_authenticated": True})


@dataclass(frozen=True)
class SmsOtpSent:
    """Answer of ``send_sms_otp``: the member (with the phone number now linked, if one was given)."""

    member_id: str
    member: Member
    organization: Organization
    request_id: str

    @classmethod
    def from_json(cls, data: JSON) -> SmsOtpSent:
        return frozen(
            cls,
            member_id=data["member_id"],
            member=Member.from_json(data["member"]),
            organization=Organization.from_json(data["organization"]),
            request_id=data["request_id"],
        )


@dataclass(frozen=True)
class TotpRegistration:
    """Answer of ``create_totp``: a registration waiting for its first code.

    ``secret`` (base32), ``qr_code`` (a ``data:image/png;base64,`` URI of the ``otpauth://`` URI)
    and ``recovery_codes`` are for the member's eyes, once.
    """

    member_id: str
    totp_registration_id: str
    member: Member
    organization: Organization
    request_id: str
    raw: dict[str, Any] = field(repr=False)
    secret: str = field(default="", repr=False)
    qr_code: str = field(default="", repr=False)
    recovery_codes: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> TotpRegistration:
        return frozen(
            cls,
            member_id=data["member_id"],
            totp_registration_id=data["totp_registration_id"],
            member=Member.from_json(data["member"]),
            organization=Organization.from_json(data["organization"]),
            request_id=data["request_id"],
            raw={key: value for key, value in without_tokens(data).items() if key not in TOTP_SECRET_FIELDS},
            secret=str(data["secret"]),
            qr_code=str(data["qr_code"]),
            recovery_codes=tuple(str(code) for code in data["recovery_codes"]),
        )


@dataclass(frozen=True)
class RecoveryCodeAuthentication:
    """Answer of ``recover_with_recovery_code``: the session, and how many codes are left."""

    authentication: MemberAuthentication
    recovery_codes_remaining: int

    @classmethod
    def from_json(cls, data: JSON) -> RecoveryCodeAuthentication:
        remaining = data["recovery_codes_remaining"]
        if isinstance(remaining, bool) or not isinstance(remaining, int):
            raise TypeError("recovery_codes_remaining")
        return frozen(cls, authentication=authenticated(data), recovery_codes_remaining=remaining)
