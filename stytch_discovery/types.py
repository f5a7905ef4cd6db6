"""Typed results of the service functions.

Each object keeps the whole JSON Stytch sent in ``raw`` (fields this code does not know
included), minus the bearer tokens, which live in their own fields with ``repr=False`` so a
result can be logged or shown in a debugger without leaking a credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

#: Response fields that are bearer credentials; never kept in ``raw``.
TOKEN_FIELDS = frozenset({"intermediate_session_token", "session_token", "session_jwt"})

MEMBERSHIP_TYPES = (
    "active_member",
    "pending_member",
    "invited_member",
    "eligible_to_join_by_email_domain",
    "eligible_to_join_by_oauth_tenant",
)

JSON = Mapping[str, Any]


def parse_timestamp(value: Any) -> datetime | None:
    """RFC 3339 (``2025-06-01T12:00:00Z``) to an aware datetime; None when absent."""
    if not value:
        return None
    text = str(value)
    if text.endswith(("Z", "z")):
        # datetime.fromisoformat only accepts "Z" from Python 3.11 on.
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


Result = TypeVar("Result")


def _frozen(cls: type[Result], **values: Any) -> Result:
    """Build a frozen dataclass from every one of its fields, without the generated ``__init__``.

    A frozen ``__init__`` sets each field through ``object.__setattr__``, about four times the
    cost of a plain one; a list of a hundred organizations builds four hundred objects, and that
    was most of the service's overhead over a bare ``requests`` call
    (``benchmarks/bench_service.py``). Only construction takes the shortcut: the instances stay
    frozen, and ``tests/test_types.py`` checks that every field is set.
    """
    instance = object.__new__(cls)
    # ``values`` is this call's own keyword dict: it becomes the instance's, without a copy.
    object.__setattr__(instance, "__dict__", values)
    return instance


def _without_tokens(data: JSON) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in TOKEN_FIELDS}


def _optional(data: JSON, key: str) -> dict[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    # dict first: decoded JSON is always a dict, and the ABC check costs ten times more.
    return dict(value) if isinstance(value, (dict, Mapping)) else None


@dataclass(frozen=True)
class Organization:
    organization_id: str
    organization_name: str
    organization_slug: str
    organization_logo_url: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> Organization:
        return _frozen(
            cls,
            organization_id=data["organization_id"],
            organization_name=data["organization_name"],
            organization_slug=data["organization_slug"],
            organization_logo_url=data.get("organization_logo_url") or "",
            raw=dict(data),
        )


@dataclass(frozen=True)
class Member:
    member_id: str
    organization_id: str
    email_address: str
    status: str
    name: str
    is_admin: bool
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> Member:
        return _frozen(
            cls,
            member_id=data["member_id"],
            organization_id=data["organization_id"],
            email_address=data["email_address"],
            status=data["status"],
            name=data.get("name") or "",
            is_admin=bool(data.get("is_admin")),
            raw=dict(data),
        )


@dataclass(frozen=True)
class Membership:
    type: str
    details: dict[str, Any] | None
    member: Member | None
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> Membership:
        member = data.get("member")
        return _frozen(
            cls,
            type=data["type"],
            details=_optional(data, "details"),
            member=Member.from_json(member) if member else None,
            raw=dict(data),
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
        return _frozen(
            cls,
            organization=Organization.from_json(organization) if organization else None,
            membership=Membership.from_json(membership) if membership else None,
            member_authenticated=bool(data["member_authenticated"]),
            primary_required=_optional(data, "primary_required"),
            mfa_required=_optional(data, "mfa_required"),
            raw=dict(data),
        )


def _discovered(data: JSON) -> tuple[DiscoveredOrganization, ...]:
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
        return _frozen(
            cls,
            email_address=data["email_address"],
            discovered_organizations=_discovered(data),
            organization_id_hint=data.get("organization_id_hint") or None,
            request_id=data["request_id"],
            raw=_without_tokens(data),
        )


@dataclass(frozen=True)
class MemberSession:
    member_session_id: str
    member_id: str
    organization_id: str
    organization_slug: str
    started_at: datetime | None
    expires_at: datetime | None
    roles: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> MemberSession:
        return _frozen(
            cls,
            member_session_id=data["member_session_id"],
            member_id=data["member_id"],
            organization_id=data["organization_id"],
            organization_slug=data.get("organization_slug") or "",
            started_at=parse_timestamp(data.get("started_at")),
            expires_at=parse_timestamp(data.get("expires_at")),
            roles=tuple(data.get("roles") or ()),
            raw=dict(data),
        )


@dataclass(frozen=True)
class MemberAuthentication:
    """Answer of ``create_organization`` and ``exchange_intermediate_session``.

    When ``member_authenticated`` is False the member must finish another step
    (``mfa_required`` or ``primary_required``) and ``intermediate_session_token`` is the
    token for it; otherwise ``session_token`` and ``session_jwt`` hold the new session.
    """

    member_id: str
    member_authenticated: bool
    member: Member
    organization: Organization
    member_session: MemberSession | None
    mfa_required: dict[str, Any] | None
    primary_required: dict[str, Any] | None
    intermediate_session_token_expires_at: datetime | None
    request_id: str
    raw: dict[str, Any] = field(repr=False)
    session_token: str = field(default="", repr=False)
    session_jwt: str = field(default="", repr=False)
    intermediate_session_token: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> MemberAuthentication:
        session = data.get("member_session")
        return _frozen(
            cls,
            member_id=data["member_id"],
            member_authenticated=bool(data["member_authenticated"]),
            member=Member.from_json(data["member"]),
            organization=Organization.from_json(data["organization"]),
            member_session=MemberSession.from_json(session) if session else None,
            mfa_required=_optional(data, "mfa_required"),
            primary_required=_optional(data, "primary_required"),
            intermediate_session_token_expires_at=parse_timestamp(
                data.get("intermediate_session_token_expires_at")
            ),
            request_id=data["request_id"],
            raw=_without_tokens(data),
            session_token=data.get("session_token") or "",
            session_jwt=data.get("session_jwt") or "",
            intermediate_session_token=data.get("intermediate_session_token") or "",
        )


@dataclass(frozen=True)
class MagicLinkAuthentication:
    """Answer of ``authenticate_discovery_magic_link``: an IST and what it can enter."""

    email_address: str
    discovered_organizations: tuple[DiscoveredOrganization, ...]
    intermediate_session_token_expires_at: datetime | None
    request_id: str
    raw: dict[str, Any] = field(repr=False)
    intermediate_session_token: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> MagicLinkAuthentication:
        return _frozen(
            cls,
            email_address=data["email_address"],
            discovered_organizations=_discovered(data),
            intermediate_session_token_expires_at=parse_timestamp(
                data.get("intermediate_session_token_expires_at")
            ),
            request_id=data["request_id"],
            raw=_without_tokens(data),
            intermediate_session_token=data["intermediate_session_token"],
        )


@dataclass(frozen=True)
class MagicLinkSent:
    """Answer of ``send_discovery_magic_link``."""

    email_address: str
    request_id: str
