"""Organization-scoped primary authentication: email magic links and email codes (login or signup).

``login_or_signup`` emails a link or a code for one organization (the outbox keeps it);
``authenticate`` proves it and, given an IST, adds the factor to that IST: when the organization's
requirements are then met the IST is consumed and a session answered, else the *same* IST comes
back with what is still needed (MFA, typically), as the sessions contract §B.4 quotes the SDK.

Fake's choices (docs/fake.md says the same):

* a member of the organization gets a login email; an email that may join by domain (JIT) gets a
  signup email and a pending member; anyone else is 403 ``email_jit_provisioning_not_allowed``;
  an organization whose ``auth_methods`` is RESTRICTED without the method is 400
  ``operation_restricted_by_organization_auth_methods``;
* magic links need a ``login_redirect_url`` (or ``signup_redirect_url``): the fake has no
  dashboard defaults (400 ``no_login_redirect_urls_set``); they live 60 minutes
  (``login_expiration_minutes`` 5..10080), email codes 10 (2..15);
* a discovery magic link is unknown here (404 ``magic_link_not_found``) and an organization link
  unknown to the discovery endpoint; an IST for another email or organization is 400
  ``invalid_intermediate_session_token_for_organization``;
* email codes behave as SMS codes: a wrong code is 404 ``otp_code_not_found``, the right one used
  or expired 401 ``unable_to_auth_otp_code``, a resend replaces the code;
* an unfinished authenticate sends an SMS code at once to a member who needs MFA and has a
  verified phone (unless their default method is TOTP), as Stytch documents for primary
  authentication: ``mfa_required.secondary_auth_initiated: "sms_otp"``.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import membership, payloads, validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import IntermediateSession, Member, Organization

from .answers import entered, session_options
from .magic_links import with_token
from .registry import Project, Request, Route

Json = dict[str, Any]

LINK_MINUTES = 60
CODE_MINUTES = 10
TOKEN_TYPE = "multi_tenant_magic_links"  # noqa: S105 - the stytch_token_type of the link


def require_method(organization: Organization, method: str) -> None:
    settings = organization.settings
    if settings["auth_methods"] == "RESTRICTED" and method not in settings["allowed_auth_methods"]:
        raise ApiError(400, "operation_restricted_by_organization_auth_methods")


def login_or_signup_member(project: Project, organization: Organization, email: str) -> tuple[Member, bool]:
    """The member the email logs in as, or a new pending one it may sign up as (JIT by domain)."""
    state = project.state
    member = state.member_in(organization, email)
    if member is not None:
        return member, False
    if membership.eligibility(state, organization, email) is None:
        raise ApiError(403, "email_jit_provisioning_not_allowed")
    return state.add_member(organization, email, status="pending", email_address_verified=False), True


def sent_answer(member: Member, organization: Organization, created: bool) -> Json:
    return {
        "member_id": member.member_id,
        "member_created": created,
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
    }


def send_magic_link(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization = state.find_organization(validation.required_str(body, "organization_id"))
    email = validation.email_address(body)
    login_url = validation.http_url(body, "login_redirect_url", "invalid_login_redirect_url")
    signup_url = validation.http_url(body, "signup_redirect_url", "invalid_signup_redirect_url")
    challenge = validation.optional_str(body, "pkce_code_challenge")
    for key in ("login_template_id", "signup_template_id"):
        validation.optional_str(body, key)
    validation.one_of(body, "locale", validation.SEND_LOCALES, "invalid_argument")
    minutes = validation.int_in_range(body, "login_expiration_minutes", 5, 10080, "invalid_argument")
    validation.int_in_range(body, "signup_expiration_minutes", 5, 10080, "invalid_argument")
    require_method(organization, "magic_link")
    member, created = login_or_signup_member(project, organization, email)
    redirect_url = (signup_url or login_url) if created else (login_url or signup_url)
    if redirect_url is None:
        raise ApiError(400, "no_login_redirect_urls_set")
    link = state.add_magic_link(
        member.email_address, minutes or LINK_MINUTES, challenge, organization.organization_id
    )
    state.outbox.append(
        {
            "kind": "magic_link",
            "email_address": member.email_address,
            "url": with_token(redirect_url, link.token, TOKEN_TYPE),
            "token": link.token,
            "organization_id": organization.organization_id,
            "sent_at": payloads.iso(state.now()),
        }
    )
    return sent_answer(member, organization, created)


def carried_ist(
    project: Project, body: Json, organization: Organization, email: str
) -> IntermediateSession | None:
    """The IST the primary factor is added to, if given: for this email and organization."""
    token = validation.optional_str(body, "intermediate_session_token")
    if token is None:
        return None
    ist = project.state.intermediate_session(token, consume=False)
    hint = ist.organization_id_hint
    if ist.email_address.lower() != email.lower() or (
        hint is not None and hint != organization.organization_id
    ):
        raise ApiError(400, "invalid_intermediate_session_token_for_organization")
    return ist


def primary_answer(
    project: Project,
    member: Member,
    organization: Organization,
    ist: IntermediateSession | None,
    factor: str,
    options: Any,
    extra: Json,
) -> Json:
    """Every primary authenticate's answer (email link or code, OAuth, SSO), plus its own ``extra``."""
    project.state.activate(member)  # the email is proven
    factors = tuple(dict.fromkeys((*(ist.factors if ist is not None else ()), factor)))
    answer = entered(
        project, member.email_address, member, organization, options, factors=factors, ist=ist, send_sms=True
    )
    return {**answer, "organization_id": organization.organization_id, **extra}


def email_method(member: Member) -> Json:
    """The email methods' extra fields: the email factor's id (reset_sessions: links only, never here)."""
    return {"method_id": member.email_id}


def authenticate_magic_link(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    token = validation.required_str(body, "magic_links_token")
    verifier = validation.optional_str(body, "pkce_code_verifier")
    options = session_options(body)
    validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    link = state.magic_links.get(token)
    if link is None or link.organization_id is None:
        raise ApiError(404, "magic_link_not_found")
    organization = state.organizations[link.organization_id]
    ist = carried_ist(project, body, organization, link.email_address)
    state.redeem_magic_link(token, verifier, organization_scoped=True)
    member = state.member_in(organization, link.email_address)
    if member is None:
        raise ApiError(404, "member_not_found")
    extra = {**email_method(member), "reset_sessions": False}
    return primary_answer(project, member, organization, ist, "magic_link", options, extra)


def send_email_code(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization = state.find_organization(validation.required_str(body, "organization_id"))
    email = validation.email_address(body)
    for key in ("login_template_id", "signup_template_id"):
        validation.optional_str(body, key)
    validation.one_of(body, "locale", validation.SEND_LOCALES, "invalid_argument")
    minutes = validation.int_in_range(body, "login_expiration_minutes", 2, 15, "invalid_argument")
    validation.int_in_range(body, "signup_expiration_minutes", 2, 15, "invalid_argument")
    require_method(organization, "email_otp")
    member, created = login_or_signup_member(project, organization, email)
    state.send_email_code(member, minutes or CODE_MINUTES)
    return sent_answer(member, organization, created)


def authenticate_email_code(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    organization = state.find_organization(validation.required_str(body, "organization_id"))
    email = validation.email_address(body)
    code = validation.required_str(body, "code")
    options = session_options(body)
    validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    ist = carried_ist(project, body, organization, email)
    state.redeem_code(state.email_codes.get((organization.organization_id, email.lower())), code)
    member = state.member_in(organization, email)
    if member is None:
        raise ApiError(404, "member_not_found")
    return primary_answer(project, member, organization, ist, "email_otp", options, email_method(member))


ROUTES = (
    Route("POST", "/v1/b2b/magic_links/email/login_or_signup", send_magic_link),
    Route("POST", "/v1/b2b/magic_links/authenticate", authenticate_magic_link),
    Route("POST", "/v1/b2b/otps/email/login_or_signup", send_email_code),
    Route("POST", "/v1/b2b/otps/email/authenticate", authenticate_email_code),
)
