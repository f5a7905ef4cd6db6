"""Typed results of discovery: the organizations an identity can enter, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stytch_discovery.internal.parsing import JSON, as_dict, frozen, optional, without_tokens
from stytch_discovery.sessions.types import Member, Organization


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
