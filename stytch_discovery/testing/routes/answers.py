"""Answers that several features build: session fields, the "entered" answer, session lookup.

The "entered" answer is what discovery Create, the IST exchange, the session exchange and the
primary authenticates return: a session, or an IST bound to the organization (the one given, a
fresh one for the session exchange) plus what is still needed (``primary_required`` /
``mfa_required``).

Fake's choices: discovery ISTs and sessions prove the email by magic link. An organization
whose ``auth_methods`` is RESTRICTED without ``magic_link`` therefore needs primary auth, and
``mfa_policy: REQUIRED_FOR_ALL`` or an MFA-enrolled member needs MFA; ``member_authenticated``
is true exactly when neither is needed, whatever the membership type. ``member_device`` is
always null: the fake has no fingerprinting.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import membership, payloads, validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.models import IntermediateSession, Member, MemberSession, Organization

from .registry import Project

Json = dict[str, Any]

SessionOptions = tuple[int | None, Json]  # session_duration_minutes, session_custom_claims


def session_options(body: Json) -> SessionOptions:
    validation.optional_str(body, "telemetry_id")
    return validation.session_duration_minutes(body), validation.session_custom_claims(body)


def ist_fields(ist: IntermediateSession) -> Json:
    return {
        "intermediate_session_token": ist.token,
        "intermediate_session_token_expires_at": payloads.iso(ist.expires_at),
    }


def session_fields(project: Project, session: MemberSession, member: Member, org: Organization) -> Json:
    """The session token, a freshly signed JWT and the MemberSession object."""
    claims = payloads.session_claims(session, member, org, project.project_id, project.state.now())
    return {
        "session_token": session.token,
        "session_jwt": project.keys.sign(claims),
        "member_session": payloads.member_session(session, member, org),
    }


def exactly_one(body: Json, keys: tuple[str, ...]) -> tuple[str, str]:
    """The one credential given among ``keys``, as (key, value); 400 for none or several."""
    given = [(key, value) for key in keys if (value := validation.optional_str(body, key)) is not None]
    if not given:
        raise ApiError(400, "no_session_arguments", f"One of {', '.join(keys)} must be provided.")
    if len(given) > 1:
        raise ApiError(400, "too_many_session_arguments", f"Give only one of {', '.join(keys)}.")
    return given[0]


def session_credentials(body: Json) -> tuple[str | None, str | None]:
    """Exactly one of session_token and session_jwt (sessions authenticate and exchange)."""
    return credential_pair(*exactly_one(body, ("session_token", "session_jwt")))


def credential_pair(key: str, value: str) -> tuple[str | None, str | None]:
    """(session_token, session_jwt) for :func:`session_from`, from the one credential given."""
    return (value, None) if key == "session_token" else (None, value)


def session_from(project: Project, token: str | None, session_jwt: str | None) -> MemberSession:
    """The live session behind a token, or a JWT signed by a published key (expired JWTs too)."""
    if token is not None:
        return project.state.live_session(token=token)
    if session_jwt is None:
        raise ApiError(400, "no_session_arguments")
    claims = project.keys.verify(session_jwt)
    session_claim = (claims or {}).get(payloads.SESSION_CLAIM)
    if not isinstance(session_claim, dict) or not isinstance(session_claim.get("id"), str):
        raise ApiError(400, "unable_to_parse_session_jwt")
    return project.state.live_session(member_session_id=session_claim["id"])


def discovered(
    project: Project, email: str, *, include_eligible: bool, factors: tuple[str, ...] = ("magic_link",)
) -> list[Json]:
    """The discovered organizations, each with what entering it needs beyond ``factors``."""
    return [
        payloads.discovered_organization(
            found, membership.requirements(found.organization, found.member, factors)
        )
        for found in membership.discover(project.state, email, include_eligible=include_eligible)
    ]


def discovery_answer(project: Project, ist: IntermediateSession) -> Json:
    """What a discovery authenticate answers (magic link, email code, OAuth): the IST and organizations."""
    return {
        **ist_fields(ist),
        "email_address": ist.email_address,
        "discovered_organizations": discovered(
            project, ist.email_address, include_eligible=True, factors=ist.factors
        ),
    }


def entered(
    project: Project,
    email_address: str,
    member: Member,
    organization: Organization,
    options: SessionOptions,
    *,
    factors: tuple[str, ...] = ("magic_link",),
    ist: IntermediateSession | None = None,
    send_sms: bool = False,
) -> Json:
    """The Create/Exchange/primary-authenticate answer: a session, or an IST and what is still needed.

    ``factors`` are the primary factors proven so far. Unfinished, the answer is the *same* IST
    the call was given (``ist``; contract §4.2 and sessions contract §B.4), now carrying
    ``factors`` and bound to the organization; the session exchange, given none, mints a fresh
    one bound to the organization. Finished, ``ist`` is consumed. Session options are ignored
    when unfinished. With ``send_sms`` (an exchange given a ``locale``, any primary authentication), a
    member who needs MFA and has a verified phone the organization may text gets an SMS code at
    once, unless their default method is TOTP: ``secondary_auth_initiated: "sms_otp"``.
    """
    state = project.state
    requirements = membership.requirements(organization, member, factors)
    initiated = None
    texted = (
        member.mfa_phone_number_verified
        and "sms_otp" in allowed_mfa_methods(organization)
        and member.default_mfa_method != "totp"
    )
    if send_sms and texted and requirements.primary_auth_methods is None and requirements.mfa:
        state.send_sms_code(member, member.mfa_phone_number)
        initiated = "sms_otp"
    common = {
        "member_id": member.member_id,
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
        "member_authenticated": requirements.satisfied,
        "member_device": None,
        **payloads.requirement_fields(requirements, member, initiated),
    }
    if requirements.satisfied:
        if ist is not None:
            state.intermediate_session(ist.token, consume=True)
        session = state.start_session(member, *options, factors=factors)
        return {
            **common,
            **session_fields(project, session, member, organization),
            "intermediate_session_token": "",
        }
    if ist is not None:
        ist.factors = factors
        ist.organization_id_hint = organization.organization_id
        carried = ist
    else:
        carried = state.mint_intermediate_session(email_address, organization.organization_id, factors)
    return {
        **common,
        **ist_fields(carried),
        "session_token": "",
        "session_jwt": "",
        "member_session": None,
    }


def allowed_mfa_methods(organization: Organization) -> list[str]:
    """``allowed_mfa_methods`` when ``mfa_methods`` is RESTRICTED, else both methods."""
    settings = organization.settings
    if settings["mfa_methods"] == "RESTRICTED":
        return list(settings["allowed_mfa_methods"])
    return list(validation.MFA_METHODS)
