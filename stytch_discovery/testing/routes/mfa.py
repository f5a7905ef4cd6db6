"""MFA: SMS codes (send, authenticate), authenticator apps (create, authenticate), recovery codes.

Semantics (sessions contract §B.2): an SMS code lives 2 minutes and a new send invalidates the
previous one; TOTP follows RFC 6238 with the secret it issued (``testing.totp``); a recovery code
works once; the IST is consumed when the step succeeds, and success always answers a session.

Fake's choices where the contract is silent or guesses (docs/fake.md says the same):

* the session fields, as the contract lists them: exactly one for the authenticates (400
  ``no_session_arguments`` / ``too_many_session_arguments``), at most one for send, TOTP create
  and recover (recover without one answers a session carrying the recovery code alone). An IST
  must be bound to the organization (or to none yet) and belong to the member's email, else 400
  ``invalid_intermediate_session_token_for_organization``; one whose primary requirement is not
  met is 400 ``action_available_only_once_primary_authentication_is_met``. A session must be
  the member's (400 ``member_session_member_id_mismatch``) and gains the factor;
* adding a phone number or a TOTP registration to a member who already has an active factor
  needs a session carrying that factor: an IST never does (400
  ``session_enforced_factor_matching_session_required``);
* sending to another number than the member's is 400
  ``duplicate_member_phone_number_for_member``; a number another member of the organization uses
  is 400 ``duplicate_member_phone_number``; no number at all is 404
  ``member_phone_number_not_found``; a number that is not E.164 is 400 ``invalid_phone_number``,
  one under the unassigned country code +999 is 400 ``invalid_phone_number_country_code``;
* a wrong SMS code is 404 ``otp_code_not_found`` and the right one expired or used 401
  ``unable_to_auth_otp_code``; a TOTP code outside the window is 401
  ``unable_to_authenticate_totp``, one already accepted (its step or an earlier one) 400
  ``totp_code_already_authenticated``, not six digits 400 ``invalid_totp_code`` (a recovery
  code 400 ``recovery_code_used_as_totp_code``), no registration 404 ``totp_not_found``, an
  expired pending one 400 ``expired_totp``; a wrong or used recovery code is 401
  ``unable_to_authenticate_recovery_code``, a malformed one 400 ``invalid_recovery_code`` (six
  digits: 400 ``totp_code_used_as_recovery_code``), no active TOTP registration 400
  ``no_active_recovery_code_backed_factor``;
* a method outside the organization's ``allowed_mfa_methods`` (``mfa_methods: RESTRICTED``) is
  400 ``operation_restricted_by_organization_mfa_methods``;
* success verifies the phone or activates the TOTP registration, sets ``mfa_enrolled`` under
  ``mfa_policy: REQUIRED_FOR_ALL`` (else as ``set_mfa_enrollment`` says), and ``set_default_mfa``
  makes the method the member's default. There is no limit on wrong attempts per code.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from stytch_discovery.testing import membership, payloads, totp, validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import IntermediateSession, Member, MemberSession, Organization

from .answers import allowed_mfa_methods, credential_pair, session_fields, session_from, session_options
from .registry import Project, Request, Route

Json = dict[str, Any]

SESSION_ARGUMENTS = ("intermediate_session_token", "session_token", "session_jwt")
E164_RE = re.compile(r"\+[1-9][0-9]{1,14}")
CODE_RE = re.compile(r"[0-9]{6}")
RECOVERY_CODE_RE = re.compile(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}")
UNASSIGNED_COUNTRY_CODE = "+999"
TOTP_DEFAULT_MINUTES = 60

Credential = IntermediateSession | MemberSession | None


def organization_and_member(project: Project, body: Json) -> tuple[Organization, Member]:
    organization = project.state.find_organization(validation.required_str(body, "organization_id"))
    reference = validation.required_str(body, "member_id")
    member = project.state.members.get(reference)
    if member is None or member.organization_id != organization.organization_id:
        raise ApiError(404, "member_not_found")
    return organization, member


def session_argument(body: Json, *, required: bool) -> tuple[str, str] | None:
    given = [(key, value) for key in SESSION_ARGUMENTS if (value := validation.optional_str(body, key))]
    if len(given) > 1:
        raise ApiError(400, "too_many_session_arguments")
    if not given and required:
        raise ApiError(400, "no_session_arguments")
    return given[0] if given else None


def credential(
    project: Project, body: Json, organization: Organization, member: Member, *, required: bool
) -> Credential:
    """The IST or session the request carries, checked against the member (None when absent)."""
    given = session_argument(body, required=required)
    if given is None:
        return None
    key, value = given
    if key != "intermediate_session_token":
        session = session_from(project, *credential_pair(key, value))
        if session.member_id != member.member_id:
            raise ApiError(400, "member_session_member_id_mismatch")
        return session
    ist = project.state.intermediate_session(value, consume=False)
    hint = ist.organization_id_hint
    if (hint is not None and hint != organization.organization_id) or (
        ist.email_address.lower() != member.email_address.lower()
    ):
        raise ApiError(400, "invalid_intermediate_session_token_for_organization")
    if membership.requirements(organization, member, ist.factors).primary_auth_methods is not None:
        raise ApiError(400, "action_available_only_once_primary_authentication_is_met")
    return ist


def require_allowed(organization: Organization, method: str) -> None:
    if method not in allowed_mfa_methods(organization):
        raise ApiError(400, "operation_restricted_by_organization_mfa_methods")


def require_factor_session(member: Member, found: Credential) -> None:
    """A new factor for a member who has one needs a session carrying one (never an IST)."""
    if member.active_mfa_factors and not (
        isinstance(found, MemberSession) and set(found.factors) & set(member.active_mfa_factors)
    ):
        raise ApiError(400, "session_enforced_factor_matching_session_required")


def phone_number(body: Json) -> str | None:
    number = validation.optional_str(body, "mfa_phone_number")
    if number is None:
        return None
    if not E164_RE.fullmatch(number):
        raise ApiError(400, "invalid_phone_number")
    if number.startswith(UNASSIGNED_COUNTRY_CODE):
        raise ApiError(400, "invalid_phone_number_country_code")
    return number


def send_sms_otp(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization, member = organization_and_member(project, body)
    number = phone_number(body)
    validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    found = credential(project, body, organization, member, required=False)
    require_allowed(organization, "sms_otp")
    if member.mfa_phone_number:
        if number is not None and number != member.mfa_phone_number:
            raise ApiError(400, "duplicate_member_phone_number_for_member")
    else:
        if number is None:
            raise ApiError(404, "member_phone_number_not_found")
        require_factor_session(member, found)
        others = state.members_by_org[organization.organization_id].values()
        if any(other.mfa_phone_number == number for other in others if other is not member):
            raise ApiError(400, "duplicate_member_phone_number")
        member.mfa_phone_number, member.updated_at = number, state.now()
    state.send_sms_code(member, member.mfa_phone_number)
    return {
        "member_id": member.member_id,
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
    }


def enrollment_options(body: Json) -> tuple[str | None, bool]:
    enrollment = validation.one_of(body, "set_mfa_enrollment", ("enroll", "unenroll"), "invalid_argument")
    return enrollment, bool(validation.optional_bool(body, "set_default_mfa"))


def succeeded(
    project: Project,
    found: Credential,
    member: Member,
    organization: Organization,
    body: Json,
    factor: str,
    enrollment: tuple[str | None, bool] = (None, False),
) -> Json:
    """The step is done: enrollment and default updated, the IST consumed, a session answered."""
    state = project.state
    options = session_options(body)
    set_enrollment, set_default = enrollment
    if organization.settings["mfa_policy"] == membership.MFA_REQUIRED or set_enrollment == "enroll":
        member.mfa_enrolled = True
    elif set_enrollment == "unenroll":
        member.mfa_enrolled = False
    if set_default and factor in ("sms_otp", "totp"):
        member.default_mfa_method = factor
    member.updated_at = state.now()
    if isinstance(found, MemberSession):
        found.factors = (*found.factors, factor)
        state.touch_session(found, *options)
        session = found
    else:
        primary = found.factors if found is not None else ()
        if found is not None:
            state.intermediate_session(found.token, consume=True)
        session = state.start_session(member, *options, factors=(*primary, factor))
    return {
        "member_id": member.member_id,
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
        **session_fields(project, session, member, organization),
        "member_device": None,
    }


def authenticate_sms_otp(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization, member = organization_and_member(project, body)
    code = validation.required_str(body, "code")
    session_options(body)
    enrollment = enrollment_options(body)
    found = credential(project, body, organization, member, required=True)
    require_allowed(organization, "sms_otp")
    state.redeem_code(state.sms_codes.get(member.member_id), code)
    member.mfa_phone_number_verified = True
    return succeeded(project, found, member, organization, body, "sms_otp", enrollment)


def create_totp(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization, member = organization_and_member(project, body)
    minutes = validation.int_in_range(body, "expiration_minutes", 5, 1440, "invalid_argument")
    found = credential(project, body, organization, member, required=False)
    require_allowed(organization, "totp")
    now = state.now()
    if member.totp is not None:
        raise ApiError(400, "active_totp_exists")
    if member.pending_totp is not None and (member.pending_totp.expires_at or now) > now:
        raise ApiError(400, "pending_totp_exists")
    require_factor_session(member, found)
    registration = state.new_totp_registration(now + timedelta(minutes=minutes or TOTP_DEFAULT_MINUTES))
    member.pending_totp = registration
    uri = totp.otpauth_uri(
        secret=registration.secret,
        issuer=organization.settings["organization_name"],
        account=member.email_address,
    )
    return {
        "member_id": member.member_id,
        "totp_registration_id": registration.registration_id,
        "secret": registration.secret,
        "qr_code": project.qr_code(uri),
        "recovery_codes": list(registration.recovery_codes),
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
    }


def authenticate_totp(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization, member = organization_and_member(project, body)
    code = validation.required_str(body, "code")
    session_options(body)
    enrollment = enrollment_options(body)
    if RECOVERY_CODE_RE.fullmatch(code):
        raise ApiError(400, "recovery_code_used_as_totp_code")
    if not CODE_RE.fullmatch(code):
        raise ApiError(400, "invalid_totp_code")
    found = credential(project, body, organization, member, required=True)
    require_allowed(organization, "totp")
    now = state.now()
    registration = member.totp or member.pending_totp
    if registration is None:
        raise ApiError(404, "totp_not_found")
    if registration.expires_at is not None and registration.expires_at <= now:
        raise ApiError(400, "expired_totp")
    step = totp.matching_step(registration.secret, code, now)
    if step is None:
        raise ApiError(401, "unable_to_authenticate_totp")
    if step <= registration.last_step:
        raise ApiError(400, "totp_code_already_authenticated")
    registration.last_step = step
    if registration is member.pending_totp:
        registration.expires_at = None
        member.totp, member.pending_totp = registration, None
    return succeeded(project, found, member, organization, body, "totp", enrollment)


def recover(project: Project, request: Request) -> Json:
    body = request.body
    organization, member = organization_and_member(project, body)
    code = validation.required_str(body, "recovery_code")
    session_options(body)
    if CODE_RE.fullmatch(code):
        raise ApiError(400, "totp_code_used_as_recovery_code")
    if not RECOVERY_CODE_RE.fullmatch(code):
        raise ApiError(400, "invalid_recovery_code")
    found = credential(project, body, organization, member, required=False)
    if member.totp is None:
        raise ApiError(400, "no_active_recovery_code_backed_factor")
    if code not in member.totp.recovery_codes:
        raise ApiError(401, "unable_to_authenticate_recovery_code")
    member.totp.recovery_codes.remove(code)
    answer = succeeded(project, found, member, organization, body, "recovery_code")
    return {**answer, "recovery_codes_remaining": len(member.totp.recovery_codes)}


ROUTES = (
    Route("POST", "/v1/b2b/otps/sms/send", send_sms_otp),
    Route("POST", "/v1/b2b/otps/sms/authenticate", authenticate_sms_otp),
    Route("POST", "/v1/b2b/totp", create_totp),
    Route("POST", "/v1/b2b/totp/authenticate", authenticate_totp),
    Route("POST", "/v1/b2b/recovery_codes/recover", recover),
)
