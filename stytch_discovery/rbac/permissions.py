"""DRF permission classes over the Stytch member session (``request.stytch``).

Use them with ``StytchSessionAuthentication`` (or ``StytchSessionMiddleware``)::

    permission_classes = [IsStytchMember]
    permission_classes = [HasStytchRole("stytch_admin")]
    permission_classes = [HasStytchPermission("documents", "write")]

The ones that take arguments are functions that make the class, so DRF's ``&``, ``|`` and
``~`` combine them as they do any permission class.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from stytch_discovery.exceptions import StytchDiscoveryError
from stytch_discovery.internal.http import outages
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.rbac.checks import (
    require_member,
    require_organization,
    require_permission,
    require_role,
)


class IsStytchMember(BasePermission):
    """A verified member session (401 ``not_authenticated`` otherwise)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        require_member(request)
        return True


class _HasRole(BasePermission):
    role_id: str

    def has_permission(self, request: Request, view: APIView) -> bool:
        require_role(require_member(request), self.role_id)
        return True


class _HasPermission(BasePermission):
    resource_id: str
    action: str
    organization_url_kwarg: str
    remote: bool

    def has_permission(self, request: Request, view: APIView) -> bool:
        session = require_member(request)
        require_organization(session, (getattr(view, "kwargs", None) or {}).get(self.organization_url_kwarg))
        try:
            require_permission(request._request, session, self.resource_id, self.action, remote=self.remote)
        except StytchDiscoveryError as error:
            # Stytch could not give the policy or the verdict: its documented status, not a 500,
            # logged here (the host's view does not), once a minute at ERROR when every request fails.
            answer = outages.refused(request._request, error)
            raise Problem.answering(answer) from error
        return True


def HasStytchRole(role_id: str) -> type[BasePermission]:  # reads as the class it makes
    """The permission class "the session has ``role_id``" (403 ``permission_denied`` otherwise)."""
    return type(f"HasStytchRole({role_id!r})", (_HasRole,), {"role_id": role_id})


def HasStytchPermission(  # reads as the class it makes
    resource_id: str,
    action: str,
    *,
    organization_url_kwarg: str = "organization_id",
    remote: bool = False,
) -> type[BasePermission]:
    """The permission class "a role of the session may do ``action`` on ``resource_id``".

    Checked against the project's RBAC policy. When the URL has ``organization_url_kwarg``
    (``organization_id`` by default), it must name the session's organization (id or slug; 403
    ``organization_mismatch``; a value shaped like an organization id must be its id, since a
    slug may be spelled like another organization's id). ``remote=True`` asks Stytch
    (``sessions/authenticate`` with an ``authorization_check``) instead of the cached policy.
    """
    attributes = {
        "resource_id": resource_id,
        "action": action,
        "organization_url_kwarg": organization_url_kwarg,
        "remote": remote,
    }
    return type(f"HasStytchPermission({resource_id!r}, {action!r})", (_HasPermission,), attributes)
