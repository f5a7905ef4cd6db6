"""Typed results of the organization-scoped sends; an authenticate is a ``MemberAuthentication``."""

from __future__ import annotations

from dataclasses import dataclass

from stytch_discovery.internal.parsing import JSON, frozen
from stytch_discovery.sessions.types import Member, Organization


@dataclass(frozen=True)
class LoginEmailSent:
    """Answer of ``send_login_magic_link`` and ``send_login_email_otp``.

    ``member_created`` is true when the email signed up (a new, pending member) rather than logged in.
    """

    member_id: str
    member_created: bool
    member: Member
    organization: Organization
    request_id: str

    @classmethod
    def from_json(cls, data: JSON) -> LoginEmailSent:
        return frozen(
            cls,
            member_id=data["member_id"],
            member_created=bool(data["member_created"]),
            member=Member.from_json(data["member"]),
            organization=Organization.from_json(data["organization"]),
            request_id=data["request_id"],
        )
