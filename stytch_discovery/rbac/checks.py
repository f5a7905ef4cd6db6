"""The checks behind the permission classes and the decorators: member, role, permission, tenancy.

Each returns the member session or raises a ``Problem`` whose body is the documented error
shape: 401 ``not_authenticated`` without a session, 403 ``permission_denied`` without the role
or permission, 403 ``organization_mismatch`` when the URL names another organization.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stytch_discovery.client import StytchClient
from stytch_discovery.exceptions import StytchDiscoveryAPIError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http.errors import AuthenticationProblem, Problem
from stytch_discovery.rbac.policy import policies
from stytch_discovery.sessions import services
from stytch_discovery.sessions.requests import authenticate_request, forget_dead_session
from stytch_discovery.sessions.types import MemberSession


def require_member(request: Any) -> MemberSession:
    """The request's member session (set by the middleware or the authentication class)."""
    session = getattr(request, "stytch", None)
    if not isinstance(session, MemberSession):
        raise AuthenticationProblem("not_authenticated")
    return session


def require_role(session: MemberSession, role_id: str) -> None:
    if not session.has_role(role_id):
        raise Problem("permission_denied", f"This needs the {role_id!r} role.")


#: How Stytch's organization ids begin. A slug may be spelled the same way (it is up to 128 of
#: ``[A-Za-z0-9._~-]``, chosen by whoever creates the organization), so a URL value of this shape is
#: compared with the session's id only: a slug made to read as another organization's id must not
#: pass for that organization.
_ORGANIZATION_ID_PREFIXES = ("organization-live-", "organization-test-")


def require_organization(session: MemberSession, organization: object) -> None:
    """Tenancy: an organization named by the URL (id or slug) must be the session's.

    ``organization`` is the URL keyword's value as the path converter made it (an ``int`` names
    no Stytch organization, so it is a mismatch).
    """
    if organization is None or organization == session.organization_id:
        return
    if (
        not isinstance(organization, str)
        or organization.startswith(_ORGANIZATION_ID_PREFIXES)
        or organization != session.organization_slug
    ):
        raise Problem("organization_mismatch")


def require_permission(
    request: HttpRequest, session: MemberSession, resource_id: str, action: str, *, remote: bool = False
) -> tuple[str, ...]:
    """The roles that grant ``action`` on ``resource_id``: checked here, or by Stytch (``remote``)."""
    if remote:
        return _ask_stytch(request, session, resource_id, action)
    granting = policies.policy(stytch=StytchClient.from_settings()).granting_roles(
        session.roles, resource_id, action
    )
    if not granting:
        raise Problem("permission_denied", f"This needs permission to {action} {resource_id}.")
    return granting


def _ask_stytch(
    request: HttpRequest, session: MemberSession, resource_id: str, action: str
) -> tuple[str, ...]:
    verified = authenticate_request(request)
    if verified is None:
        raise AuthenticationProblem("not_authenticated")
    check = {"organization_id": session.organization_id, "resource_id": resource_id, "action": action}
    try:
        answer = services.authenticate_session(
            session_jwt=verified.credential.session_jwt,
            session_token=verified.credential.session_token,
            authorization_check=check,
        )
    except StytchDiscoveryInvalidSession:
        forget_dead_session(request, verified.credential)  # revoked since its JWT was signed
        raise
    except StytchDiscoveryAPIError as error:
        if error.status_code == 403:
            raise Problem("permission_denied", f"This needs permission to {action} {resource_id}.") from error
        raise
    return tuple((answer.verdict or {}).get("granting_roles") or ())
