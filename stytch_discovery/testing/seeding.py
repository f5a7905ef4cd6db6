"""Seeding: RBAC resources and roles, organizations, members and identities in one atomic call.

Format (every list optional)::

    {
      "resources": [{"resource_id": "document", "description": "",
                     "actions": ["read", "write"]}],
      "roles": [{"role_id": "editor", "description": "",
                 "permissions": [{"resource_id": "document", "actions": ["read", "write"]}]}],
      "organizations": [{"organization_slug": "acme", "organization_name": "Acme",
                         "organization_id": "optional fixed id",
                         "custom_roles": [...same shape as roles...],
                         # SSO connections the fake identity provider signs anyone in through
                         # (every key optional; the first is the default connection):
                         "sso_connections": [{"connection_id": "saml-connection-test-acme",
                                              "display_name": "Acme SSO",
                                              "identity_provider": "okta",
                                              "type": "saml"}],  # or "oidc"
                         ...any Create field}],
      "members": [{"organization_slug": "acme",  # or "organization_id"
                   "email_address": "ada@acme.example",
                   "status": "active" | "invited" | "pending",  # default active
                   "name": "", "mfa_enrolled": false, "is_admin": false,
                   "roles": ["editor"],  # besides stytch_member (and stytch_admin for is_admin)
                   "email_address_verified": true,
                   # MFA factors (neither by default): a verified phone, an active TOTP
                   # registration (its secret generated, or given as base32), a default method.
                   "mfa_phone_number": "+15005550006", "totp": true, "totp_secret": "...",
                   "recovery_codes": ["abcd-efgh-ijkl", ...], "default_mfa_method": "totp"}],
      "identities": [{"email_address": "bo@acme.example",
                      "oauth_tenants": {"slack": ["T123"]}}]
    }

Resources, then roles, organizations, members and identities are added in that order, so a
role names resources of the same call and a member roles of it. A role named
``stytch_member`` or ``stytch_admin`` adds its permissions to that reserved role; other ids
starting with ``stytch_`` are refused, and so are roles or resources already in the policy,
organization roles reusing a project role id, and member roles that neither the project nor
the member's organization defines. Organizations are validated with the Create rules (the slug
is required, the name defaults to the slug). On any error nothing is stored and the error is
raised (400 over HTTP).
"""

from __future__ import annotations

import re
from typing import Any

from . import payloads, policy, validation
from .errors import ApiError, invalid_argument
from .models import Organization, SsoConnection
from .state import MEMBER_STATUSES, FakeState, new_id

Json = dict[str, Any]

RESERVED_ROLES = (policy.MEMBER_ROLE, policy.ADMIN_ROLE)
E164_RE = re.compile(r"\+[1-9][0-9]{1,14}")
BASE32_RE = re.compile(r"[A-Z2-7]{16,128}")
RECOVERY_CODE_RE = re.compile(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}")


def seed(state: FakeState, data: Json) -> Json:
    """Caller holds ``state.lock``. Seeding only adds, so a rollback restores copies."""
    saved = (
        dict(state.resources),
        dict(state.roles),
        dict(state.organizations),
        dict(state.members),
        {org_id: dict(members) for org_id, members in state.members_by_org.items()},
        dict(state.identities),
    )
    try:
        return {
            "resources": [seed_resource(state, entry).to_json() for entry in objects(data, "resources")],
            "roles": [seed_role(state, entry).to_json() for entry in objects(data, "roles")],
            "organizations": [
                payloads.organization(seed_organization(state, entry))
                for entry in objects(data, "organizations")
            ],
            "members": [seed_member(state, entry) for entry in objects(data, "members")],
            "identities": [seed_identity(state, entry) for entry in objects(data, "identities")],
        }
    except ApiError:
        (
            state.resources,
            state.roles,
            state.organizations,
            state.members,
            state.members_by_org,
            state.identities,
        ) = saved
        raise


def objects(data: Json, key: str) -> list[Json]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid_argument(f"{key} must be a list of objects.")
    return items


def seed_resource(state: FakeState, entry: Json) -> policy.Resource:
    resource = policy.parse_resource(entry)
    if resource.resource_id in state.resources:
        raise invalid_argument(f"The policy already has the resource {resource.resource_id}.")
    state.resources[resource.resource_id] = resource
    return resource


def seed_role(state: FakeState, entry: Json) -> policy.Role:
    role = policy.parse_role(entry, state.resources)
    if role.role_id in RESERVED_ROLES:
        role = policy.with_permissions_of(state.roles[role.role_id], role)
    elif role.role_id.startswith("stytch_") or role.role_id in state.roles:
        raise invalid_argument(f"The role_id {role.role_id} is reserved or already in the policy.")
    state.roles[role.role_id] = role
    return role


def seed_organization(state: FakeState, entry: Json) -> Organization:
    settings = validation.organization_fields(entry)
    slug = validation.required_str(entry, "organization_slug")
    settings["organization_name"] = settings["organization_name"] or slug
    organization = state.add_organization(settings, validation.optional_str(entry, "organization_id"))
    for role_entry in objects(entry, "custom_roles"):
        role = policy.parse_role(role_entry, state.resources)
        if role.role_id.startswith("stytch_") or role.role_id in state.roles:
            raise invalid_argument(
                f"The organization role {role.role_id} reuses a reserved or project role_id."
            )
        organization.custom_roles[role.role_id] = role
    for item in objects(entry, "sso_connections"):
        organization.sso_connections.append(seed_sso_connection(state, organization, item))
    return organization


def seed_sso_connection(state: FakeState, organization: Organization, entry: Json) -> SsoConnection:
    kind = validation.one_of(entry, "type", ("saml", "oidc"), "invalid_argument") or "saml"
    connection_id = validation.optional_str(entry, "connection_id") or new_id(f"{kind}-connection")
    taken = {c.connection_id for org in state.organizations.values() for c in org.sso_connections}
    if connection_id in taken:
        raise invalid_argument(f"The SSO connection_id {connection_id} is already used.")
    return SsoConnection(
        connection_id=connection_id,
        display_name=validation.optional_str(entry, "display_name")
        or f"{organization.settings['organization_name']} SSO",
        identity_provider=validation.optional_str(entry, "identity_provider") or "generic",
        kind=kind,
    )


def seed_member(state: FakeState, entry: Json) -> Json:
    reference = validation.optional_str(entry, "organization_id") or validation.required_str(
        entry, "organization_slug"
    )
    organization = state.find_organization(reference)
    status = validation.one_of(entry, "status", MEMBER_STATUSES, "invalid_argument") or "active"
    verified = validation.optional_bool(entry, "email_address_verified")
    roles = validation.str_list(entry, "roles")
    unknown = [
        role_id
        for role_id in roles
        if role_id not in state.roles and role_id not in organization.custom_roles
    ]
    if unknown:
        raise invalid_argument(f"Unknown roles for a member of {organization.slug}: {', '.join(unknown)}.")
    member = state.add_member(
        organization,
        validation.email_address(entry),
        status=status,
        name=validation.optional_str(entry, "name") or "",
        admin=bool(validation.optional_bool(entry, "is_admin")),
        roles=roles,
        mfa_enrolled=bool(validation.optional_bool(entry, "mfa_enrolled")),
        email_address_verified=verified is not False,
    )
    seed_mfa_factors(state, member, entry)
    return payloads.member(member, organization)


def seed_mfa_factors(state: FakeState, member: Any, entry: Json) -> None:
    phone = validation.optional_str(entry, "mfa_phone_number")
    if phone is not None:
        if not E164_RE.fullmatch(phone):
            raise invalid_argument("mfa_phone_number must be in E.164, e.g. +15005550006.")
        member.mfa_phone_number = phone
        member.mfa_phone_number_verified = (
            validation.optional_bool(entry, "mfa_phone_number_verified") is not False
        )
    secret = validation.optional_str(entry, "totp_secret")
    if secret is not None and not BASE32_RE.fullmatch(secret):
        raise invalid_argument("totp_secret must be 16 to 128 base32 characters (A-Z, 2-7).")
    if validation.optional_bool(entry, "totp") or secret is not None:
        member.totp = state.new_totp_registration(None, secret)
        codes = validation.str_list(entry, "recovery_codes")
        if codes:
            if not all(RECOVERY_CODE_RE.fullmatch(code) for code in codes):
                raise invalid_argument(
                    "recovery_codes look like abcd-efgh-1234 (lower-case letters, digits)."
                )
            member.totp.recovery_codes = list(codes)
    default = validation.one_of(entry, "default_mfa_method", ("sms_otp", "totp"), "invalid_argument")
    if default is not None:
        member.default_mfa_method = default


def seed_identity(state: FakeState, entry: Json) -> Json:
    email = validation.email_address(entry)
    tenants = validation.allowed_oauth_tenants(entry, "oauth_tenants")
    state.identities[email.lower()] = tenants
    return {"email_address": email, "oauth_tenants": tenants}
