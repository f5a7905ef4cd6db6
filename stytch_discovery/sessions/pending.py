"""The step Stytch asks for before it lets a member in (MFA, another primary method), held here.

When a create or an exchange answers ``member_authenticated: false``, what the next step needs
(the organization, the member, the methods allowed) is kept server-side in a signed HttpOnly
cookie bound to the fresh IST by its SHA-256. The steps that follow take the organization and the
member from it, never from the request body, and send the IST from its own cookie.

Why a signed cookie rather than the Django session: it needs no session table and no write per
sign-in step, it expires with the IST it is bound to, it cannot be edited (an HMAC with
``SECRET_KEY``), and a copy without its IST is useless. It holds no token.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponseBase

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies
from stytch_discovery.sessions.types import MemberAuthentication

SALT = "stytch_discovery.pending"
#: Stytch's IST lifetime, when an answer does not say when its IST expires.
IST_SECONDS = 600

MFA, PRIMARY = "mfa", "primary"


@dataclass(frozen=True)
class PendingStep:
    step: str  # MFA or PRIMARY
    organization_id: str
    organization_name: str
    organization_slug: str
    member_id: str
    email_address: str
    #: The SHA-256 (hex) of the IST this step belongs to.
    ist_digest: str
    #: When the IST (and so this step) expires, in seconds since the epoch.
    expires_at: float
    primary_auth_methods: tuple[str, ...] = ()
    #: What the MFA step needs to know (``mfa_required`` and the member's factors).
    mfa: dict[str, Any] = field(default_factory=dict)

    def belongs_to(self, ist: str | None) -> bool:
        return ist is not None and digest(ist) == self.ist_digest


def digest(ist: str) -> str:
    return hashlib.sha256(ist.encode()).hexdigest()


def step_of(result: MemberAuthentication) -> PendingStep:
    """The step a not-yet-authenticated create or exchange answer asks for."""
    expires = result.intermediate_session_token_expires_at
    member = result.member
    return PendingStep(
        step=PRIMARY if result.primary_required else MFA,
        organization_id=result.organization.organization_id,
        organization_name=result.organization.organization_name,
        organization_slug=result.organization.organization_slug,
        member_id=result.member_id,
        email_address=member.email_address,
        ist_digest=digest(result.intermediate_session_token),
        expires_at=expires.timestamp() if expires is not None else time.time() + IST_SECONDS,
        primary_auth_methods=tuple((result.primary_required or {}).get("allowed_auth_methods") or ()),
        mfa={
            "mfa_required": result.mfa_required,
            "member": {key: member.raw.get(key) for key in _MFA_MEMBER_FIELDS},
            "organization": {key: result.organization.raw.get(key) for key in _MFA_ORGANIZATION_FIELDS},
        },
    )


_MFA_MEMBER_FIELDS = (
    "mfa_phone_number_verified",
    "totp_registration_id",
    "default_mfa_method",
    "mfa_enrolled",
)
_MFA_ORGANIZATION_FIELDS = ("mfa_policy", "mfa_methods", "allowed_mfa_methods")


def remember(response: HttpResponseBase, step: PendingStep) -> None:
    """Keep ``step`` in its signed cookie, for as long as its IST lives."""
    value = signing.dumps(dataclasses.asdict(step), salt=SALT, compress=True)
    cookies.set_cookie(
        response, app_settings.PENDING_COOKIE_NAME, value, max(0, int(step.expires_at - time.time()))
    )


def recall(request: HttpRequest) -> PendingStep | None:
    """The pending step of ``request``'s browser, if its cookie is genuine and not expired."""
    value = request.COOKIES.get(app_settings.PENDING_COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=24 * 60 * 60)
        step = PendingStep(**{**data, "primary_auth_methods": tuple(data.get("primary_auth_methods", ()))})
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return step if step.expires_at > time.time() else None


def forget(response: HttpResponseBase) -> None:
    cookies.delete(response, app_settings.PENDING_COOKIE_NAME)
