"""The step Stytch asks for before it lets a member in (MFA, another primary method), held here.

When a create, an exchange or a primary authentication answers ``member_authenticated: false``,
what the next step needs (the organization, the member, the methods allowed and enrolled) is kept
server-side in a signed HttpOnly cookie bound to the fresh IST by its SHA-256. The steps that
follow take the organization and the member from it, never from the request body, and send the
IST from its own cookie.

Why a signed cookie rather than the Django session: it needs no session table and no write per
sign-in step, it expires with the IST it is bound to, it cannot be edited (an HMAC with
``SECRET_KEY``), and a copy without its IST is useless. It holds no token, no code and no full
phone number (only its masked form): a signed cookie is readable, only not forgeable.

An IST a step spent on success is remembered in Django's cache until it would have expired
(:func:`spend`), so replaying the step's cookies afterwards is refused here, without a Stytch call.
That memory only saves the call: Stytch consumed the IST, and refuses it
(``intermediate_session_not_found``) to every step that sends it. So with Django's cache down a
replay goes on to Stytch, which refuses it (``internal.shared.SharedCache``), and a step that
succeeded is not failed for want of the memory. (The organization-scoped email sends carry no
IST: a replayed one emails the member's own address once more, and its link is then refused with
the IST; a code, as every one-time code, waits for the cache, which its wrong-code budget is
counted in; the SSO and OAuth starts need the cache themselves and refuse.)
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponseBase

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.phones import mask_phone_number
from stytch_discovery.internal.shared import SharedCache
from stytch_discovery.sessions.types import Member, MemberAuthentication

SALT = "stytch_discovery.pending"
#: Stytch's IST lifetime, when an answer does not say when its IST expires.
IST_SECONDS = 600
#: An SMS code lives two minutes; sending another before then invalidates the first.
SMS_CODE_SECONDS = 120

MFA, PRIMARY = "mfa", "primary"
SMS, TOTP, RECOVERY_CODES = "sms_otp", "totp", "recovery_codes"
MFA_METHODS = (SMS, TOTP)

_SPENT = "stytch_discovery:spent_ist:"
#: What a cache outage means for the memory of spent ISTs (the warning says it).
_WITHOUT_MEMORY = "spent ISTs are not remembered here; Stytch refuses them"


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
    #: PRIMARY: the methods the organization accepts (Stytch's ``allowed_auth_methods``).
    primary_auth_methods: tuple[str, ...] = ()
    #: PRIMARY: the organization's active SSO connections, ``(connection_id, display_name)`` each.
    sso_connections: tuple[tuple[str, str], ...] = ()
    #: PRIMARY: the organization's default SSO connection, ``""`` for none.
    sso_default_connection_id: str = ""
    #: MFA: the methods the organization allows (``sms_otp``, ``totp``).
    mfa_allowed: tuple[str, ...] = MFA_METHODS
    #: MFA: the methods the member has set up (a verified phone, an active TOTP registration).
    mfa_enrolled: tuple[str, ...] = ()
    #: MFA: the member's default method, ``""`` for none.
    default_mfa_method: str = ""
    #: MFA: the member's phone number, masked (``+•••••••0006``); ``""`` when they have none.
    phone_number: str = ""
    #: MFA: when an SMS code was last sent for this step (Stytch's own or ours), in epoch seconds.
    sms_sent_at: float | None = None
    #: MFA: a method being set up in this step (``totp`` after TOTP create), ``""`` for none.
    enrolling: str = ""

    def belongs_to(self, ist: str | None) -> bool:
        return ist is not None and digest(ist) == self.ist_digest

    @property
    def expired(self) -> bool:
        return self.expires_at <= time.time()

    @property
    def mfa_types(self) -> list[str]:
        """What the member can finish MFA with now: enrolled and allowed, plus recovery codes."""
        usable = [
            method for method in MFA_METHODS if method in self.mfa_allowed and method in self.mfa_enrolled
        ]
        if self.enrolling and self.enrolling not in usable:
            usable.append(self.enrolling)
        if TOTP in self.mfa_enrolled and TOTP in self.mfa_allowed:
            usable.append(RECOVERY_CODES)
        return usable

    @property
    def enroll_types(self) -> list[str]:
        """What the member may set up here: the allowed methods, when none is usable yet."""
        return [] if self.mfa_types else list(self.mfa_allowed)

    @property
    def default_mfa_type(self) -> str | None:
        """The method to offer first, in the order of Stytch's own UI: the default, then any usable."""
        usable = [method for method in self.mfa_types if method != RECOVERY_CODES]
        if self.default_mfa_method in usable:
            return self.default_mfa_method
        return usable[0] if usable else None

    @property
    def sms_code_expires_at(self) -> float | None:
        """Until when the last SMS code is valid, or None when no live code was sent."""
        if self.sms_sent_at is None:
            return None
        until = self.sms_sent_at + SMS_CODE_SECONDS
        return until if until > time.time() else None


def digest(ist: str) -> str:
    return hashlib.sha256(ist.encode()).hexdigest()


def mfa_facts(member: Member, organization_raw: dict[str, Any]) -> dict[str, Any]:
    """The MFA fields of a step, from Stytch's Member and Organization (Stytch's own UI reads these)."""
    raw = member.raw
    enrolled = []
    if raw.get("mfa_phone_number_verified"):
        enrolled.append(SMS)
    if raw.get("totp_registration_id"):
        enrolled.append(TOTP)
    if organization_raw.get("mfa_methods") == "RESTRICTED":
        allowed = tuple(m for m in MFA_METHODS if m in (organization_raw.get("allowed_mfa_methods") or ()))
    else:
        allowed = MFA_METHODS
    return {
        "mfa_allowed": allowed,
        "mfa_enrolled": tuple(enrolled),
        "default_mfa_method": str(raw.get("default_mfa_method") or ""),
        "phone_number": mask_phone_number(str(raw.get("mfa_phone_number") or "")),
    }


#: Connections kept in the step's cookie at most (a cookie holds 4 KB; organizations have a few),
#: and the longest display name kept.
MAX_SSO_CONNECTIONS = 20
MAX_DISPLAY_NAME = 100


def sso_facts(organization_raw: dict[str, Any]) -> dict[str, Any]:
    """The organization's SSO connections, from Stytch's Organization: where an SSO step may start."""
    active = organization_raw.get("sso_active_connections") or ()
    connections = tuple(
        (str(connection["connection_id"]), str(connection.get("display_name") or "")[:MAX_DISPLAY_NAME])
        for connection in active
        if isinstance(connection, dict) and connection.get("connection_id")
    )[:MAX_SSO_CONNECTIONS]
    default = str(organization_raw.get("sso_default_connection_id") or "")
    return {
        "sso_connections": connections,
        "sso_default_connection_id": default if default in dict(connections) else "",
    }


def step_of(result: MemberAuthentication) -> PendingStep:
    """The step a not-yet-authenticated answer (create, exchange, primary authenticate) asks for."""
    expires = result.intermediate_session_token_expires_at
    mfa_required = result.mfa_required or {}
    initiated = mfa_required.get("secondary_auth_initiated") == SMS
    primary_methods = tuple((result.primary_required or {}).get("allowed_auth_methods") or ())
    # Only a step that may go on by SSO needs the connections (the cookie stays small otherwise).
    sso = sso_facts(result.organization.raw) if "sso" in primary_methods else {}
    return PendingStep(
        step=PRIMARY if result.primary_required else MFA,
        organization_id=result.organization.organization_id,
        organization_name=result.organization.organization_name,
        organization_slug=result.organization.organization_slug,
        member_id=result.member_id,
        email_address=result.member.email_address,
        ist_digest=digest(result.intermediate_session_token),
        expires_at=expires.timestamp() if expires is not None else time.time() + IST_SECONDS,
        primary_auth_methods=primary_methods,
        sms_sent_at=time.time() if initiated else None,
        **mfa_facts(result.member, result.organization.raw),
        **sso,
    )


def remember(response: HttpResponseBase, step: PendingStep) -> None:
    """Keep ``step`` in its signed cookie, for as long as its IST lives."""
    value = signing.dumps(dataclasses.asdict(step), salt=SALT, compress=True)
    cookies.set_cookie(
        response, app_settings.PENDING_COOKIE_NAME, value, max(0, int(step.expires_at - time.time()))
    )


_TUPLES = ("primary_auth_methods", "mfa_allowed", "mfa_enrolled")


def recall(request: HttpRequest, *, include_expired: bool = False) -> PendingStep | None:
    """The pending step of ``request``'s browser, if its cookie is genuine (and not expired)."""
    value = request.COOKIES.get(app_settings.PENDING_COOKIE_NAME)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=24 * 60 * 60)
        tuples = {key: tuple(data.get(key, ())) for key in _TUPLES}
        connections = tuple((str(id_), str(name)) for id_, name in data.get("sso_connections", ()))
        step = PendingStep(**{**data, **tuples, "sso_connections": connections})
    except (signing.BadSignature, TypeError, ValueError):
        return None  # forged, or written by another version of this step: no step
    return step if include_expired or not step.expired else None


def forget(response: HttpResponseBase) -> None:
    cookies.delete(response, app_settings.PENDING_COOKIE_NAME)


def spend(ist: str, *, until: float) -> None:
    """Remember that ``ist`` was spent by a finished step, until it would have expired anyway."""
    SharedCache(_WITHOUT_MEMORY).set(_SPENT + digest(ist), True, max(1, int(until - time.time())))


def is_spent(step: PendingStep) -> bool:
    """Whether the step's IST was spent; False when the cache cannot tell (then Stytch refuses it)."""
    return bool(SharedCache(_WITHOUT_MEMORY).get(_SPENT + step.ist_digest))
