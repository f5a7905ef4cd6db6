"""Typed results about organizations, members and their sessions.

Each object keeps the whole JSON Stytch sent in ``raw`` (fields this code does not know
included), minus the bearer tokens, which live in their own fields with ``repr=False`` so a
result can be logged or shown in a debugger without leaking a credential.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from stytch_discovery.internal.parsing import JSON, as_dict, frozen, optional, parse_timestamp, without_tokens
from stytch_discovery.internal.phones import masked_authentication_factors


@dataclass(frozen=True)
class Organization:
    organization_id: str
    organization_name: str
    organization_slug: str
    organization_logo_url: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> Organization:
        return frozen(
            cls,
            organization_id=data["organization_id"],
            organization_name=data["organization_name"],
            organization_slug=data["organization_slug"],
            organization_logo_url=data.get("organization_logo_url") or "",
            raw=as_dict(data),
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
        return frozen(
            cls,
            member_id=data["member_id"],
            organization_id=data["organization_id"],
            email_address=data["email_address"],
            status=data["status"],
            name=data.get("name") or "",
            is_admin=bool(data.get("is_admin")),
            raw=as_dict(data),
        )


@dataclass(frozen=True)
class MemberSession:
    """A member session, from Stytch's answer or from a verified session JWT (``request.stytch``)."""

    member_session_id: str
    member_id: str
    organization_id: str
    organization_slug: str
    started_at: datetime | None
    last_accessed_at: datetime | None
    expires_at: datetime | None
    roles: tuple[str, ...]
    authentication_factors: tuple[dict[str, Any], ...]
    custom_claims: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> MemberSession:
        return frozen(
            cls,
            member_session_id=data["member_session_id"],
            member_id=data["member_id"],
            organization_id=data["organization_id"],
            organization_slug=data.get("organization_slug") or "",
            started_at=parse_timestamp(data.get("started_at")),
            last_accessed_at=parse_timestamp(data.get("last_accessed_at")),
            expires_at=parse_timestamp(data.get("expires_at")),
            roles=tuple(data.get("roles") or ()),
            authentication_factors=tuple(data.get("authentication_factors") or ()),
            custom_claims=dict(data.get("custom_claims") or {}),
            raw=as_dict(data),
        )

    def has_role(self, role_id: str) -> bool:
        return role_id in self.roles


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
        return frozen(
            cls,
            member_id=data["member_id"],
            member_authenticated=bool(data["member_authenticated"]),
            member=Member.from_json(data["member"]),
            organization=Organization.from_json(data["organization"]),
            member_session=MemberSession.from_json(session) if session else None,
            mfa_required=optional(data, "mfa_required"),
            primary_required=optional(data, "primary_required"),
            intermediate_session_token_expires_at=parse_timestamp(
                data.get("intermediate_session_token_expires_at")
            ),
            request_id=data["request_id"],
            raw=without_tokens(data),
            session_token=data.get("session_token") or "",
            session_jwt=data.get("session_jwt") or "",
            intermediate_session_token=data.get("intermediate_session_token") or "",
        )


@dataclass(frozen=True)
class SessionAuthentication:
    """Answer of ``authenticate_session``: the live session, and what Stytch said about it.

    Verified locally (``verified_locally``), it carries the session from the JWT's claims only:
    ``member`` and ``organization`` are None and ``request_id`` is empty. Verified by Stytch, it
    carries Stytch's member and organization, and ``session_jwt`` is a freshly minted JWT (with
    the session's ``session_token``): store them, or the next request presents the old JWT again.
    """

    member_session: MemberSession
    member: Member | None
    organization: Organization | None
    verdict: dict[str, Any] | None
    verified_locally: bool
    request_id: str
    raw: dict[str, Any] = field(repr=False)
    session_token: str = field(default="", repr=False)
    session_jwt: str = field(default="", repr=False)

    @classmethod
    def from_json(cls, data: JSON) -> SessionAuthentication:
        return frozen(
            cls,
            member_session=MemberSession.from_json(data["member_session"]),
            member=Member.from_json(data["member"]),
            organization=Organization.from_json(data["organization"]),
            verdict=optional(data, "verdict"),
            verified_locally=False,
            request_id=data["request_id"],
            raw=without_tokens(data),
            session_token=data.get("session_token") or "",
            session_jwt=data.get("session_jwt") or "",
        )

    def shared_copy(self) -> dict[str, Any]:
        """What another process rebuilds this answer of Stytch's from (``from_json``), and no more.

        For Django's cache, which every process reads (and whoever can reach its server): the
        session, its SMS factors' numbers masked, and the member and the organization by the fields
        their types read. No token, no member phone number, metadata or registrations, no verdict
        (an authorization check is never shared). ``raw`` of the rebuilt answer is this copy.
        """
        session = _typed_fields(MemberSession, self.raw["member_session"])
        session["authentication_factors"] = masked_authentication_factors(
            session.get("authentication_factors")
        )
        return {
            "request_id": self.request_id,
            "member_session": session,
            "member": _typed_fields(Member, self.raw["member"]),
            "organization": _typed_fields(Organization, self.raw["organization"]),
        }

    @classmethod
    def from_session(
        cls, session: MemberSession, *, session_jwt: str, session_token: str = ""
    ) -> SessionAuthentication:
        """A session verified from its JWT here, without asking Stytch."""
        return frozen(
            cls,
            member_session=session,
            member=None,
            organization=None,
            verdict=None,
            verified_locally=True,
            request_id="",
            raw={"member_session": session.raw},
            session_token=session_token,
            session_jwt=session_jwt,
        )


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of a result type but ``raw``: the JSON keys its ``from_json`` reads."""
    return tuple(found.name for found in fields(cls) if found.name != "raw")


def _typed_fields(cls: type, data: JSON) -> dict[str, Any]:
    """Of Stytch's object ``data``, only what ``cls.from_json`` reads."""
    return {name: data[name] for name in _field_names(cls) if name in data}
