"""The fake's records: organizations, members, tokens, sessions, and what discovery finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .policy import Role

Json = dict[str, Any]


@dataclass
class Organization:
    organization_id: str
    settings: Json  # the normalized Create fields, name and slug filled in
    created_at: datetime
    updated_at: datetime
    # Organization-scoped roles (Stytch's org policy, a private beta), by role_id.
    custom_roles: dict[str, Role] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return str(self.settings["organization_slug"])


@dataclass
class Member:
    member_id: str
    organization_id: str
    email_address: str
    status: str
    name: str
    direct_roles: list[str]
    mfa_enrolled: bool
    email_address_verified: bool
    email_id: str
    created_at: datetime
    updated_at: datetime


@dataclass
class MagicLink:
    token: str
    email_address: str
    expires_at: datetime
    pkce_code_challenge: str | None


@dataclass
class IntermediateSession:
    token: str
    email_address: str
    expires_at: datetime
    organization_id_hint: str | None


@dataclass
class MemberSession:
    member_session_id: str
    token: str
    member_id: str
    organization_id: str
    started_at: datetime
    last_accessed_at: datetime
    expires_at: datetime
    custom_claims: Json


@dataclass
class Discovery:
    """One organization an identity can see, and how."""

    organization: Organization
    membership_type: str
    member: Member | None
    details: Json | None


@dataclass
class Requirements:
    """What an identity still needs before entering an organization."""

    primary_auth_methods: list[str] | None = None
    mfa: bool = False

    @property
    def satisfied(self) -> bool:
        return self.primary_auth_methods is None and not self.mfa
