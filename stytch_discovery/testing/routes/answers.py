"""Answers that several features build: session fields, the "entered" answer, session lookup.

The "entered" answer is what discovery Create, the IST exchange and the session exchange
return (and what MFA completion will return): a session, or a fresh IST bound to the
organization plus what is still needed (``primary_required`` / ``mfa_required``).

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


def discovered(project: Project, email: str, *, include_eligible: bool) -> list[Json]:
    return [
        payloads.discovered_organization(found, membership.requirements(found.organization, found.member))
        for found in membership.discover(project.state, email, include_eligible=include_eligible)
    ]


def entered(
    project: Project,
    email_address: str,
    member: Member,
    organization: Organization,
    options: SessionOptions,
) -> Json:
    """The Create/Exchange answer: a session, or a fresh IST and what is still needed.

    The fresh IST carries the email (the magic-link factor every fake session has) and is
    bound to the organization; session options are ignored when one is returned.
    """
    state = project.state
    requirements = membership.requirements(organization, member)
    common = {
        "member_id": member.member_id,
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
        "member_authenticated": requirements.satisfied,
        "member_device": None,
        **payloads.requirement_fields(requirements),
    }
    if requirements.satisfied:
        session = state.start_session(member, *options)
        return {
            **common,
            **session_fields(project, session, member, organization),
            "intermediate_session_token": "",
        }
    fresh = state.mint_intermediate_session(email_address, organization.organization_id)
    return {
        **common,
        **ist_fields(fresh),
        "session_token": "",
        "session_jwt": "",
        "member_session": None,
    }
