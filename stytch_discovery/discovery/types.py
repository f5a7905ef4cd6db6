"""Typed results of discovery: the organizations an identity can enter, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stytch_discovery.internal.parsing import (
    JSON,
    as_dict,
    frozen,
    optional,
    parse_timestamp,
    without_tokens,
)
from stytch_discovery.sessions.types import Member, Organization

if TYPE_CHECKING:
    from typing_extensions import Self


@dataclass(frozen=True)
class Membership:
    type: str
    details: dict[str, Any] | None
    member: Member | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> Membership:
        member = data.get("member")
        return frozen(
            cls,
            type=data["type"],
            details=optional(data, "details"),
            member=Member.from_json(member) if member else None,
            raw=as_dict(data),
        )


@dataclass(frozen=True)
class DiscoveredOrganization:
    organization: Organization | None
    membership: Membership | None
    member_authenticated: bool
    primary_required: dict[str, Any] | None
    mfa_required: dict[str, Any] | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> DiscoveredOrganization:
        organization = data.get("organization")
        membership = data.get("membership")
        return frozen(
            cls,
            organization=Organization.from_json(organization) if organization else None,
            membership=Membership.from_json(membership) if membership else None,
            member_authenticated=bool(data["member_authenticated"]),
            primary_required=optional(data, "primary_required"),
            mfa_required=optional(data, "mfa_required"),
            raw=as_dict(data),
        )


def discovered(data: JSON) -> tuple[DiscoveredOrganization, ...]:
    """The ``discovered_organizations`` of a list or discovery-authenticate answer."""
    return tuple(DiscoveredOrganization.from_json(item) for item in data["discovered_organizations"])


@dataclass(frozen=True)
class DiscoveredOrganizations:
    """Answer of ``list_discovered_organizations``."""

    email_address: str
    discovered_organizations: tuple[DiscoveredOrganization, ...]
    organization_id_hint: str | None
    request_id: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> DiscoveredOrganizations:
        return frozen(
            cls,
            email_address=data["email_address"],
            discovered_organizations=discovered(data),
            organization_id_hint=data.get("organization_id_hint") or None,
            request_id=data["request_id"],
            raw=without_tokens(data),
        )


@dataclass(frozen=True)
class DiscoveryAuthentication:
    """What every discovery entry point answers (a magic link, an email code, OAuth): an IST and
    the organizations it can enter. Each entry point's result subclasses it."""

    email_address: str
    discovered_organizations: tuple[DiscoveredOrganization, ...]
    intermediate_session_token_expires_at: datetime | None
    request_id: str
    raw: dict[str, Any] = field(repr=False)
    intermediate_session_token: str = field(default="", repr=False)

    @classmethod
    def fields_from_json(cls, data: JSON) -> dict[str, Any]:
        """The fields every entry point's answer has (a subclass adds its own)."""
        return {
            "email_address": data["email_address"],
            "discovered_organizations": discovered(data),
            "intermediate_session_token_expires_at": parse_timestamp(
                data.get("intermediate_session_token_expires_at")
            ),
            "request_id": data["request_id"],
            "raw": without_tokens(data),
            "intermediate_session_token": data["intermediate_session_token"],
        }

    @classmethod
    def from_json(cls, data: JSON) -> Self:
        return frozen(cls, **cls.fields_from_json(data))


@dataclass(frozen=True)
class DiscoveryEmailSent:
    """What an emailed discovery entry point answers on send (a magic link, a code)."""

    email_address: str
    request_id: str
