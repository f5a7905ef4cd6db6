"""RBAC: the project policy and an organization's policy (its custom roles), as the SDK reads them.

The SDK's local authorization checks fetch both (sessions contract section A.7), so both must
answer. The org-policy GET also carries ``?organization_id=``; the path is what counts.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import policy
from stytch_discovery.testing.routes.registry import Project, Request, Route

Json = dict[str, Any]


def project_policy(project: Project, request: Request) -> Json:
    return {"policy": policy.policy_json(project.state.roles, project.state.resources)}


def organization_policy(project: Project, request: Request) -> Json:
    """By organization_id, slug or external id, as Stytch accepts for organization ids."""
    organization = project.state.find_organization(request.params["organization_id"])
    return {"org_policy": {"roles": [role.to_json() for role in organization.custom_roles.values()]}}


ROUTES = (
    Route("GET", "/v1/b2b/rbac/policy", project_policy),
    Route("GET", "/v1/b2b/rbac/organizations/{organization_id}", organization_policy),
)
