"""Member sessions: authenticate, exchange (switch organization), revoke, and the JWKS.

Fake's choices where the sessions contract is silent or guesses (section A):

* authenticate: a JWT signed by an unknown or retired key, tampered or malformed, answers 400
  ``unable_to_parse_session_jwt``; an expired JWT of a live session is accepted and a fresh one
  minted. The authorization check runs before the session is touched: a 403 neither extends
  it nor changes its claims. Its ``organization_id`` may be the id or the slug;
* exchange: only an existing membership (active, pending or invited; the latter two are
  activated) can be entered; joining by email domain or OAuth tenant answers 400
  ``insufficient_factors_for_session_exchange``. The old session is left alone (whether Stytch
  revokes it is undocumented). The session's primary factors carry over; given a ``locale``, an
  SMS code goes at once to a member who needs MFA and has a verified phone (``answers.entered``);
* revoke: exactly one of member_session_id, session_token, session_jwt and member_id, as for
  authenticate; ``member_id`` revokes every session of the member (none is fine; an unknown
  member is 404 ``member_not_found``).
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import payloads, policy, validation
from stytch_discovery.testing.errors import ApiError
from stytch_discovery.testing.routes.answers import (
    credential_pair,
    entered,
    exactly_one,
    session_credentials,
    session_fields,
    session_from,
    session_options,
)
from stytch_discovery.testing.routes.registry import Project, Request, Route

Json = dict[str, Any]

REVOKE_ARGUMENTS = ("member_session_id", "session_token", "session_jwt", "member_id")


def authenticate_session(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    credentials = session_credentials(body)
    minutes = validation.session_duration_minutes(body)
    claims = validation.session_custom_claims(body)
    check = policy.parse_authorization_check(body)
    session = session_from(project, *credentials)
    member = state.members[session.member_id]
    organization = state.organizations[session.organization_id]
    verdict = None
    if check is not None:
        roles = [*state.roles.values(), *organization.custom_roles.values()]
        organization_ids = (organization.organization_id, organization.slug)
        verdict = policy.authorization_verdict(
            check, organization_ids, payloads.role_ids(member, organization), roles
        )
    state.touch_session(session, minutes, claims)
    return {
        **session_fields(project, session, member, organization),
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
        "verdict": verdict,
    }


def exchange_session(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    credentials = session_credentials(body)
    reference = validation.required_str(body, "organization_id")
    options = session_options(body)
    locale = validation.one_of(body, "locale", validation.EXCHANGE_LOCALES, "invalid_argument")
    session = session_from(project, *credentials)
    email = state.members[session.member_id].email_address
    organization = state.find_organization(reference)
    member = state.member_in(organization, email)
    if member is None:
        raise ApiError(400, "insufficient_factors_for_session_exchange")
    state.activate(member)
    factors = validation.primary_factors(session.factors)
    return entered(
        project, email, member, organization, options, factors=factors, send_sms=locale is not None
    )


def revoke_session(project: Project, request: Request) -> Json:
    key, value = exactly_one(request.body, REVOKE_ARGUMENTS)
    state = project.state
    if key == "member_id":
        if value not in state.members:
            raise ApiError(404, "member_not_found")
        state.revoke_member_sessions(value)
    elif key == "member_session_id":
        state.revoke(state.live_session(member_session_id=value))
    else:
        state.revoke(session_from(project, *credential_pair(key, value)))
    return {}


def jwks(project: Project, request: Request) -> Json:
    if request.params["project_id"] != project.project_id:
        raise ApiError(404, "project_not_found")
    return {"keys": [key.jwk for key in project.keys.published()]}


ROUTES = (
    Route("POST", "/v1/b2b/sessions/authenticate", authenticate_session),
    Route("POST", "/v1/b2b/sessions/exchange", exchange_session),
    Route("POST", "/v1/b2b/sessions/revoke", revoke_session),
    Route("GET", "/v1/b2b/sessions/jwks/{project_id}", jwks, needs_auth=False),
)
