"""The RBAC policy: Stytch's reserved roles and resources, custom ones, and authorization checks.

A project policy starts with Stytch's defaults (sessions contract section A.7): the resources
``stytch.organization``, ``stytch.member``, ``stytch.sso``, ``stytch.self`` and ``stytch.scim``
with their reserved actions, the role ``stytch_member`` (every member; all ``stytch.self``
permissions) and ``stytch_admin`` (the organization's creator; ``*`` on every reserved
resource). Seeding adds custom resources and roles, may add permissions to the two reserved
roles, and gives organizations custom roles of their own. A check is granted, as the SDKs
decide locally, by every role of the member whose permissions name the resource with the
action or ``*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import validation
from .errors import ApiError, invalid_argument

Json = dict[str, Any]

MEMBER_ROLE = "stytch_member"
ADMIN_ROLE = "stytch_admin"
EVERY_ACTION = "*"

RESERVED_ACTIONS: dict[str, tuple[str, ...]] = {
    "stytch.organization": (
        "update.info.name",
        "update.info.slug",
        "update.info.untrusted_metadata",
        "update.info.email_jit_provisioning",
        "update.info.logo_url",
        "update.info.email_invites",
        "update.info.allowed_domains",
        "update.info.default_sso_connection",
        "update.info.sso_jit_provisioning",
        "update.info.mfa_policy",
        "update.info.implicit_roles",
        "delete",
    ),
    "stytch.member": (
        "create",
        "update.info.name",
        "update.info.untrusted_metadata",
        "update.info.mfa-phone",
        "update.info.delete.mfa-phone",
        "update.settings.is-breakglass",
        "update.settings.mfa_enrolled",
        "update.settings.roles",
        "search",
        "delete",
    ),
    "stytch.sso": ("create", "update", "delete"),
    "stytch.self": (
        "update.info.name",
        "update.info.untrusted_metadata",
        "update.info.mfa-phone",
        "update.info.delete.mfa-phone",
        "update.info.delete.password",
        "update.settings.mfa_enrolled",
        "delete",
    ),
    # Fake's choice: the contract lists no actions for SCIM; these mirror stytch.sso.
    "stytch.scim": ("create", "update", "delete"),
}


@dataclass(frozen=True)
class Permission:
    resource_id: str
    actions: tuple[str, ...]

    def to_json(self) -> Json:
        return {"resource_id": self.resource_id, "actions": list(self.actions)}


@dataclass(frozen=True)
class Role:
    role_id: str
    description: str
    permissions: tuple[Permission, ...]

    def grants(self, resource_id: str, action: str) -> bool:
        return any(
            permission.resource_id == resource_id
            and (action in permission.actions or EVERY_ACTION in permission.actions)
            for permission in self.permissions
        )

    def to_json(self) -> Json:
        return {
            "role_id": self.role_id,
            "description": self.description,
            "permissions": [permission.to_json() for permission in self.permissions],
        }


@dataclass(frozen=True)
class Resource:
    resource_id: str
    description: str
    actions: tuple[str, ...]

    def to_json(self) -> Json:
        return {
            "resource_id": self.resource_id,
            "description": self.description,
            "actions": list(self.actions),
        }


def default_resources() -> dict[str, Resource]:
    return {
        resource_id: Resource(resource_id, f"Stytch's reserved {resource_id} resource.", actions)
        for resource_id, actions in RESERVED_ACTIONS.items()
    }


def default_roles() -> dict[str, Role]:
    everything = tuple(Permission(resource_id, (EVERY_ACTION,)) for resource_id in RESERVED_ACTIONS)
    return {
        MEMBER_ROLE: Role(
            MEMBER_ROLE,
            "Granted to every member: manage their own member record.",
            (Permission("stytch.self", (EVERY_ACTION,)),),
        ),
        ADMIN_ROLE: Role(
            ADMIN_ROLE, "Granted to the organization's creator: every admin action.", everything
        ),
    }


def policy_json(roles: Mapping[str, Role], resources: Mapping[str, Resource]) -> Json:
    return {
        "roles": [role.to_json() for role in roles.values()],
        "resources": [resource.to_json() for resource in resources.values()],
        "scopes": [],  # member sessions need none; the SDK's model requires the list
    }


def granting_roles(
    role_ids: Iterable[str], roles: Iterable[Role], resource_id: str, action: str
) -> list[str]:
    """The member's roles that grant ``action`` on ``resource_id``, in the member's order."""
    granting = {role.role_id for role in roles if role.grants(resource_id, action)}
    return [role_id for role_id in role_ids if role_id in granting]


def authorization_verdict(
    check: Json, organization_ids: tuple[str, ...], role_ids: list[str], roles: Iterable[Role]
) -> Json:
    """sessions/authenticate's ``authorization_check``: a verdict, or a 403 as Stytch answers.

    ``organization_ids`` are the ids the session's organization answers to (id, slug).
    """
    if check["organization_id"] not in organization_ids:
        raise ApiError(403, "session_authorization_tenancy_error")
    granting = granting_roles(role_ids, roles, check["resource_id"], check["action"])
    if not granting:
        raise ApiError(403, "session_authorization_error")
    return {"authorized": True, "granting_roles": granting}


def parse_authorization_check(body: Json) -> Json | None:
    check = validation.optional_object(body, "authorization_check")
    if check is None:
        return None
    return {key: validation.required_str(check, key) for key in ("organization_id", "resource_id", "action")}


# -- seeding --------------------------------------------------------------------------------


def parse_resource(entry: Json) -> Resource:
    resource_id = validation.required_str(entry, "resource_id")
    if resource_id.startswith("stytch"):
        raise invalid_argument("A custom resource_id may not start with 'stytch'.")
    actions = validation.str_list(entry, "actions")
    if not actions or EVERY_ACTION in actions:
        raise invalid_argument("A resource needs a list of actions ('*' is implied).")
    return Resource(resource_id, validation.optional_str(entry, "description") or "", tuple(actions))


def parse_role(entry: Json, resources: Mapping[str, Resource]) -> Role:
    """A custom role whose permissions name known resources and their actions (or '*')."""
    role_id = validation.required_str(entry, "role_id")
    items = entry.get("permissions") or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid_argument("permissions must be a list of {resource_id, actions} objects.")
    permissions = []
    for item in items:
        resource = resources.get(validation.required_str(item, "resource_id"))
        if resource is None:
            raise invalid_argument(f"Role {role_id} names an unknown resource: {item['resource_id']}.")
        actions = validation.str_list(item, "actions")
        unknown = [action for action in actions if action not in (*resource.actions, EVERY_ACTION)]
        if not actions or unknown:
            raise invalid_argument(
                f"Role {role_id} needs actions of {resource.resource_id}: {unknown or []}."
            )
        permissions.append(Permission(resource.resource_id, tuple(actions)))
    return Role(role_id, validation.optional_str(entry, "description") or "", tuple(permissions))


def with_permissions_of(reserved: Role, addition: Role) -> Role:
    """A reserved role with a seeded role's permissions added (Stytch lets you edit both)."""
    return Role(reserved.role_id, reserved.description, reserved.permissions + addition.permissions)
