"""Member sessions: authenticate, revoke, and the JWKS that verifies their JWTs."""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import payloads, validation
from stytch_discovery.testing.errors import ApiError

from .answers import session_fields, session_from
from .registry import Project, Request, Route

Json = dict[str, Any]


def authenticate_session(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    session = session_from(
        project,
        validation.optional_str(body, "session_token"),
        validation.optional_str(body, "session_jwt"),
    )
    minutes = validation.session_duration_minutes(body)
    state.touch_session(session, minutes, validation.session_custom_claims(body))
    member = state.members[session.member_id]
    organization = state.organizations[session.organization_id]
    return {
        **session_fields(project, session, member, organization),
        "member": payloads.member(member, organization),
        "organization": payloads.organization(organization),
        "verdict": None,
    }


def revoke_session(project: Project, request: Request) -> Json:
    body = request.body
    session_id = validation.optional_str(body, "member_session_id")
    if session_id is not None:
        session = project.state.live_session(member_session_id=session_id)
    else:
        session = session_from(
            project,
            validation.optional_str(body, "session_token"),
            validation.optional_str(body, "session_jwt"),
        )
    project.state.revoke(session)
    return {}


def jwks(project: Project, request: Request) -> Json:
    if request.params["project_id"] != project.project_id:
        raise ApiError(404, "project_not_found")
    return {"keys": [key.jwk for key in project.keys.published()]}


ROUTES = (
    Route("POST", "/v1/b2b/sessions/authenticate", authenticate_session),
    Route("POST", "/v1/b2b/sessions/revoke", revoke_session),
    Route("GET", "/v1/b2b/sessions/jwks/{project_id}", jwks, needs_auth=False),
)
