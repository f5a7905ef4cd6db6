"""The fake's records: organizations, members, tokens, sessions, and what discovery finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .policy import Role

Json = dict[str, Any]


@dataclass(frozen=True)
class SsoConnection:
    """A seeded SAML or OIDC connection: the fake's identity provider signs anyone in through it."""

    connection_id: str
    display_name: str
    identity_provider: str
    kind: str  # saml or oidc


@dataclass
class Organization:
    organization_id: str
    settings: Json  # the normalized Create fields, name and slug filled in
    created_at: datetime
    updated_at: datetime
    # Organization-scoped roles (Stytch's org policy, a private beta), by role_id.
    custom_roles: dict[str, Role] = field(default_factory=dict)
    # Its SSO connections, the first one the default.
    sso_connections: list[SsoConnection] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.settings["organization_slug"])


@dataclass
class TotpRegistration:
    """An authenticator app: pending (``expires_at`` set) until a code is authenticated once."""

    registration_id: str
    secret: str  # base32, as Stytch hands it out
    recovery_codes: list[str]  # the unused ones
    created_at: datetime
    expires_at: datetime | None
    last_step: int = -1  # the last 30-second step a code was accepted for (no replay)


@dataclass
class OneTimeCode:
    """An SMS or email code: the latest one sent to a member (a resend replaces it)."""

    code: str
    expires_at: datetime
    used: bool = False


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
    mfa_phone_number: str = ""
    mfa_phone_number_verified: bool = False
    default_mfa_method: str = ""
    totp: TotpRegistration | None = None  # the active registration
    pending_totp: TotpRegistration | None = None  # created, not yet authenticated
    # Stytch's SSORegistration / OAuthRegistration objects, added on the first SSO / OAuth sign-in.
    sso_registrations: list[Json] = field(default_factory=list)
    oauth_registrations: list[Json] = field(default_factory=list)

    @property
    def active_mfa_factors(self) -> list[str]:
        factors = ["sms_otp"] if self.mfa_phone_number_verified else []
        return [*factors, "totp"] if self.totp is not None else factors


@dataclass
class MagicLink:
    token: str
    email_address: str
    expires_at: datetime
    pkce_code_challenge: str | None
    #: None for a discovery link; an organization-scoped (login or signup) link's organization.
    organization_id: str | None = None


@dataclass
class BrowserFlow:
    """An OAuth or SSO start, waiting on the fake identity provider's page for someone to sign in.

    ``kind`` is the ``stytch_token_type`` the callback will carry: ``discovery_oauth``, ``oauth``
    (organization-scoped) or ``sso``. ``redirect_urls`` are (login, signup): discovery has one
    URL for both.
    """

    flow_id: str
    kind: str
    provider: str  # google, microsoft; "sso" for an SSO connection
    redirect_urls: tuple[str | None, str | None]
    pkce_code_challenge: str | None
    expires_at: datetime
    organization_id: str | None = None
    connection_id: str | None = None
    login_hint: str = ""
    scopes: tuple[str, ...] = ()


@dataclass
class ProviderToken:
    """What the callback's ``token`` stands for: who signed in at the provider, for which flow."""

    token: str
    flow: BrowserFlow
    email_address: str
    full_name: str
    tenant_ids: tuple[str, ...]
    expires_at: datetime


@dataclass
class IntermediateSession:
    token: str
    email_address: str
    expires_at: datetime
    organization_id_hint: str | None
    #: The primary factors it carries (a discovery magic link proves the email: ``magic_link``).
    factors: tuple[str, ...] = ("magic_link",)


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
    #: How the member signed in: primary factors, then MFA (``sms_otp``, ``totp``, ``recovery_code``).
    factors: tuple[str, ...] = ("magic_link",)


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
