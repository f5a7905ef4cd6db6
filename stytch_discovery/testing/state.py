"""The fake's state: organizations, members, identities, tokens, sessions, outbox.

Thread safety: every method expects the caller to hold :attr:`FakeState.lock` (the API and
control layers take it once per request), so one request sees and leaves a consistent state.

Time comes from :meth:`FakeState.now`, the real clock plus an offset that tests can move
forward (``advance_clock``) to expire tokens without sleeping. Session JWTs use that clock
too, so a JWT minted after advancing the clock carries future ``iat``/``nbf`` values.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from . import policy, totp, validation
from .errors import ApiError
from .models import (
    BrowserFlow,
    IntermediateSession,
    MagicLink,
    Member,
    MemberSession,
    OneTimeCode,
    Organization,
    ProviderToken,
    TotpRegistration,
)
from .payloads import iso

Json = dict[str, Any]

IST_LIFETIME = timedelta(minutes=10)
SMS_CODE_LIFETIME = timedelta(minutes=2)
#: How long a started OAuth/SSO flow waits on the provider's page, and its callback token lives.
BROWSER_FLOW_LIFETIME = timedelta(minutes=10)
PROVIDER_TOKEN_LIFETIME = timedelta(minutes=10)
DEFAULT_SESSION_MINUTES = 60
MEMBER_STATUSES = ("active", "pending", "invited")


def pkce_challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_pkce(challenge: str | None, verifier: str | None) -> None:
    """Stytch's PKCE rules for a token started with (or without) a challenge: 400 on a mismatch."""
    if challenge is not None and verifier is None:
        raise ApiError(400, "pkce_expected_code_verifier")
    if challenge is None and verifier is not None:
        raise ApiError(400, "pkce_did_not_expect_code_verifier")
    if verifier is not None and pkce_challenge(verifier) != challenge:
        raise ApiError(400, "pkce_mismatch")


def new_id(kind: str) -> str:
    return f"{kind}-test-{uuid.uuid4()}"


def direct_roles(*, admin: bool, roles: Sequence[str]) -> list[str]:
    """Every member has stytch_member; an admin also stytch_admin; then any other roles given."""
    reserved = [policy.MEMBER_ROLE, policy.ADMIN_ROLE] if admin else [policy.MEMBER_ROLE]
    return list(dict.fromkeys([*reserved, *roles]))


def new_token() -> str:
    return secrets.token_urlsafe(33)


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


@dataclass
class FakeState:
    lock: threading.RLock = field(default_factory=threading.RLock)
    clock_offset: timedelta = timedelta()
    organizations: dict[str, Organization] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    # organization_id -> lower-cased email -> member, for membership lookups.
    members_by_org: dict[str, dict[str, Member]] = field(default_factory=dict)
    # lower-cased email -> {"slack": ["T123"], ...}: the OAuth tenants an identity carries.
    identities: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    magic_links: dict[str, MagicLink] = field(default_factory=dict)
    browser_flows: dict[str, BrowserFlow] = field(default_factory=dict)
    provider_tokens: dict[str, ProviderToken] = field(default_factory=dict)
    intermediate_sessions: dict[str, IntermediateSession] = field(default_factory=dict)
    sessions: dict[str, MemberSession] = field(default_factory=dict)
    sessions_by_token: dict[str, MemberSession] = field(default_factory=dict)
    # member_id -> the latest SMS code; (organization_id, lower-cased email) -> the latest email code.
    sms_codes: dict[str, OneTimeCode] = field(default_factory=dict)
    email_codes: dict[tuple[str, str], OneTimeCode] = field(default_factory=dict)
    # lower-cased email -> the latest discovery email code (no organization yet).
    discovery_email_codes: dict[str, OneTimeCode] = field(default_factory=dict)
    outbox: list[Json] = field(default_factory=list)
    # The project's RBAC policy, by id: Stytch's reserved roles and resources plus seeded ones.
    roles: dict[str, policy.Role] = field(default_factory=policy.default_roles)
    resources: dict[str, policy.Resource] = field(default_factory=policy.default_resources)

    def reset(self) -> None:
        fresh = FakeState()
        for name in self.__dataclass_fields__:
            if name != "lock":
                setattr(self, name, getattr(fresh, name))

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(microsecond=0) + self.clock_offset

    # -- magic links ----------------------------------------------------------------------

    def add_magic_link(
        self,
        email_address: str,
        minutes: int,
        pkce_code_challenge: str | None,
        organization_id: str | None = None,
    ) -> MagicLink:
        link = MagicLink(
            token=new_token(),
            email_address=email_address,
            expires_at=self.now() + timedelta(minutes=minutes),
            pkce_code_challenge=pkce_code_challenge,
            organization_id=organization_id,
        )
        self.magic_links[link.token] = link
        return link

    def redeem_magic_link(
        self, token: str, pkce_code_verifier: str | None, *, organization_scoped: bool = False
    ) -> MagicLink:
        """Single use: a redeemed link is gone. A PKCE failure leaves it usable.

        A discovery link is unknown to the organization-scoped endpoint and the other way round.
        """
        link = self.magic_links.get(token)
        if (
            link is None
            or link.expires_at <= self.now()
            or (link.organization_id is not None) != organization_scoped
        ):
            raise ApiError(404, "magic_link_not_found")
        check_pkce(link.pkce_code_challenge, pkce_code_verifier)
        del self.magic_links[token]
        return link

    # -- OAuth and SSO: browser flows and their callback tokens ---------------------------

    def start_flow(self, flow: BrowserFlow) -> BrowserFlow:
        self.browser_flows[flow.flow_id] = flow
        return flow

    def pending_flow(self, flow_id: str) -> BrowserFlow:
        flow = self.browser_flows.get(flow_id)
        if flow is None or flow.expires_at <= self.now():
            raise ApiError(404, "oauth_flow_not_found")
        return flow

    def approve_flow(
        self, flow: BrowserFlow, email_address: str, full_name: str, tenant_ids: tuple[str, ...]
    ) -> ProviderToken:
        """Someone signed in at the provider: the flow is done and its callback token minted."""
        del self.browser_flows[flow.flow_id]
        grant = ProviderToken(
            token=new_token(),
            flow=flow,
            email_address=email_address,
            full_name=full_name,
            tenant_ids=tenant_ids,
            expires_at=self.now() + PROVIDER_TOKEN_LIFETIME,
        )
        self.provider_tokens[grant.token] = grant
        return grant

    def peek_provider_token(self, token: str, kind: str, not_found: str) -> ProviderToken:
        """The live callback token of this ``kind`` (else 404 ``not_found``), not yet used up."""
        grant = self.provider_tokens.get(token)
        if grant is None or grant.flow.kind != kind or grant.expires_at <= self.now():
            raise ApiError(404, not_found)
        return grant

    def redeem_provider_token(self, grant: ProviderToken, pkce_code_verifier: str | None) -> None:
        """Single use, like magic links: a PKCE failure leaves the token usable."""
        check_pkce(grant.flow.pkce_code_challenge, pkce_code_verifier)
        del self.provider_tokens[grant.token]

    # -- intermediate sessions ------------------------------------------------------------

    def mint_intermediate_session(
        self,
        email_address: str,
        organization_id_hint: str | None = None,
        factors: Sequence[str] = ("magic_link",),
    ) -> IntermediateSession:
        ist = IntermediateSession(
            token=new_token(),
            email_address=email_address,
            expires_at=self.now() + IST_LIFETIME,
            organization_id_hint=organization_id_hint,
            factors=tuple(dict.fromkeys(factors)),
        )
        self.intermediate_sessions[ist.token] = ist
        return ist

    def intermediate_session(self, token: str, *, consume: bool) -> IntermediateSession:
        ist = self.intermediate_sessions.get(token)
        if ist is None or ist.expires_at <= self.now():
            raise ApiError(404, "intermediate_session_not_found")
        if consume:
            del self.intermediate_sessions[token]
        return ist

    # -- organizations and members --------------------------------------------------------

    def find_organization(self, reference: str) -> Organization:
        """By organization_id, slug or external id, as the exchange endpoint accepts."""
        organization = self.organizations.get(reference)
        if organization is None:
            organization = next(
                (
                    org
                    for org in self.organizations.values()
                    if reference in (org.slug, org.settings.get("organization_external_id"))
                ),
                None,
            )
        if organization is None:
            raise ApiError(404, "organization_not_found")
        return organization

    def check_unique(self, settings: Json) -> None:
        slug, external_id = settings["organization_slug"], settings["organization_external_id"]
        for org in self.organizations.values():
            if org.slug == slug:
                raise ApiError(400, "organization_slug_already_used")
            if external_id is not None and org.settings["organization_external_id"] == external_id:
                raise ApiError(400, "organization_external_id_already_used")

    def add_organization(self, settings: Json, organization_id: str | None = None) -> Organization:
        self.check_unique(settings)
        now = self.now()
        organization = Organization(
            organization_id=organization_id or new_id("organization"),
            settings=settings,
            created_at=now,
            updated_at=now,
        )
        self.organizations[organization.organization_id] = organization
        self.members_by_org[organization.organization_id] = {}
        return organization

    def derive_name_and_slug(self, settings: Json, email_address: str) -> Json:
        """Fill in a missing name or slug from the email, as Stytch documents for Create.

        Common providers and .edu addresses give the local part, other emails the domain.
        A derived slug that is taken gets a numeric suffix (fake's choice).
        """
        local, domain = email_address.rsplit("@", 1)
        domain = domain.lower()
        personal = domain in validation.COMMON_EMAIL_DOMAINS or domain.endswith(".edu")
        basis = local if personal else domain
        name = settings["organization_name"] or basis[:128]
        slug = settings["organization_slug"]
        if slug is None:
            stem = re.sub(r"[^a-z0-9._~-]+", "-", basis.lower()).strip("-")[:120]
            stem = stem if len(stem) >= 2 and any(c.isalnum() for c in stem) else f"org-{stem}"
            taken = {org.slug for org in self.organizations.values()}
            slug = next(
                candidate
                for candidate in (stem, *(f"{stem}-{n}" for n in range(2, len(taken) + 3)))
                if candidate not in taken
            )
        return {**settings, "organization_name": name, "organization_slug": slug}

    def member_in(self, organization: Organization, email_address: str) -> Member | None:
        return self.members_by_org[organization.organization_id].get(email_address.lower())

    def add_member(
        self,
        organization: Organization,
        email_address: str,
        *,
        status: str = "active",
        name: str = "",
        admin: bool = False,
        roles: Sequence[str] = (),
        mfa_enrolled: bool = False,
        email_address_verified: bool = True,
    ) -> Member:
        if self.member_in(organization, email_address) is not None:
            raise ApiError(400, "duplicate_member_email")
        now = self.now()
        member = Member(
            member_id=new_id("member"),
            organization_id=organization.organization_id,
            email_address=email_address,
            status=status,
            name=name,
            direct_roles=direct_roles(admin=admin, roles=roles),
            mfa_enrolled=mfa_enrolled,
            email_address_verified=email_address_verified,
            email_id=new_id("member-email"),
            created_at=now,
            updated_at=now,
        )
        self.members[member.member_id] = member
        self.members_by_org[organization.organization_id][email_address.lower()] = member
        return member

    def activate(self, member: Member) -> None:
        """Invite acceptance / pending completion: the member proved their email."""
        if member.status != "active" or not member.email_address_verified:
            member.status, member.email_address_verified = "active", True
            member.updated_at = self.now()

    # -- member sessions ------------------------------------------------------------------

    def start_session(
        self,
        member: Member,
        duration_minutes: int | None,
        claims: Json,
        factors: Sequence[str] = ("magic_link",),
    ) -> MemberSession:
        now = self.now()
        session = MemberSession(
            member_session_id=new_id("member-session"),
            token=new_token(),
            member_id=member.member_id,
            organization_id=member.organization_id,
            started_at=now,
            last_accessed_at=now,
            expires_at=now + timedelta(minutes=duration_minutes or DEFAULT_SESSION_MINUTES),
            # A null claim deletes the key (contract §3.2): a new session starts without it.
            custom_claims={key: value for key, value in claims.items() if value is not None},
            factors=tuple(dict.fromkeys(factors)),
        )
        self.sessions[session.member_session_id] = session
        self.sessions_by_token[session.token] = session
        return session

    def live_session(self, member_session_id: str | None = None, token: str | None = None) -> MemberSession:
        if member_session_id is not None:
            session = self.sessions.get(member_session_id)
        else:
            session = self.sessions_by_token.get(token or "")
        if session is None or session.expires_at <= self.now():
            raise ApiError(404, "session_not_found")
        return session

    def touch_session(self, session: MemberSession, duration_minutes: int | None, claims: Json) -> None:
        """sessions/authenticate: extend the session, merge claims (null deletes a key)."""
        merged = {
            key: value for key, value in {**session.custom_claims, **claims}.items() if value is not None
        }
        if validation.json_size(merged) > validation.MAX_CUSTOM_CLAIMS_BYTES:
            raise ApiError(400, "custom_claims_too_large")
        now = self.now()
        session.last_accessed_at = now
        if duration_minutes is not None:
            session.expires_at = now + timedelta(minutes=duration_minutes)
        session.custom_claims = merged

    def revoke(self, session: MemberSession) -> None:
        del self.sessions[session.member_session_id]
        del self.sessions_by_token[session.token]

    def revoke_member_sessions(self, member_id: str) -> None:
        """Every session of the member, live or not (sessions/revoke with member_id)."""
        for session in [s for s in self.sessions.values() if s.member_id == member_id]:
            self.revoke(session)

    # -- one-time codes -------------------------------------------------------------------

    def issue_code(self, lifetime: timedelta, message: Json) -> OneTimeCode:
        """A fresh 6-digit code, put in the outbox as ``message`` plus its ``code`` and ``sent_at``."""
        sent = OneTimeCode(code=new_code(), expires_at=self.now() + lifetime)
        self.outbox.append({**message, "code": sent.code, "sent_at": iso(self.now())})
        return sent

    def send_sms_code(self, member: Member, phone_number: str) -> OneTimeCode:
        """A new code for the member (the previous one, if any, stops working), in the outbox."""
        message = {
            "kind": "sms_otp",
            "phone_number": phone_number,
            "member_id": member.member_id,
            "organization_id": member.organization_id,
        }
        sent = self.sms_codes[member.member_id] = self.issue_code(SMS_CODE_LIFETIME, message)
        return sent

    def send_email_code(self, member: Member, minutes: int) -> OneTimeCode:
        message = {
            "kind": "email_otp",
            "email_address": member.email_address,
            "organization_id": member.organization_id,
        }
        sent = self.issue_code(timedelta(minutes=minutes), message)
        self.email_codes[member.organization_id, member.email_address.lower()] = sent
        return sent

    def send_discovery_email_code(self, email_address: str, minutes: int) -> OneTimeCode:
        """A discovery code for any email (no organization): the latest one sent is the only valid one."""
        message = {"kind": "discovery_email_otp", "email_address": email_address}
        sent = self.issue_code(timedelta(minutes=minutes), message)
        self.discovery_email_codes[email_address.lower()] = sent
        return sent

    def new_totp_registration(
        self, expires_at: datetime | None, secret: str | None = None
    ) -> TotpRegistration:
        """A registration with a fresh secret (or ``secret``) and ten recovery codes."""
        return TotpRegistration(
            registration_id=new_id("member-totp"),
            secret=secret or totp.new_secret(),
            recovery_codes=totp.new_recovery_codes(),
            created_at=self.now(),
            expires_at=expires_at,
        )

    def redeem_code(self, sent: OneTimeCode | None, code: str) -> None:
        """The latest code, once, while it lives: 404 ``otp_code_not_found`` for any other code,
        401 ``unable_to_auth_otp_code`` for the right code once expired or used."""
        if sent is None or not secrets.compare_digest(sent.code, code):
            raise ApiError(404, "otp_code_not_found")
        if sent.used or sent.expires_at <= self.now():
            raise ApiError(401, "unable_to_auth_otp_code")
        sent.used = True
