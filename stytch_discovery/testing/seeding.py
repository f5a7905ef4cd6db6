"""Seeding: organizations, members and identities in one atomic call.

Format (every list optional)::

    {
      "organizations": [{"organization_slug": "acme", "organization_name": "Acme",
                         "organization_id": "optional fixed id", ...any Create field}],
      "members": [{"organization_slug": "acme",  # or "organization_id"
                   "email_address": "ada@acme.example",
                   "status": "active" | "invited" | "pending",  # default active
                   "name": "", "mfa_enrolled": false, "is_admin": false,
                   "email_address_verified": true}],
      "identities": [{"email_address": "bo@acme.example",
                      "oauth_tenants": {"slack": ["T123"]}}]
    }

Organizations are validated with the Create rules (the slug is required, the name defaults to
the slug). On any error nothing is stored and the error is raised (400 over HTTP).
"""

from __future__ import annotations

from typing import Any

from . import payloads, validation
from .errors import ApiError, invalid_argument
from .models import Organization
from .state import MEMBER_STATUSES, FakeState

Json = dict[str, Any]


def seed(state: FakeState, data: Json) -> Json:
    """Caller holds ``state.lock``. Seeding only adds, so a rollback restores copies."""
    saved = (
        dict(state.organizations),
        dict(state.members),
        {org_id: dict(members) for org_id, members in state.members_by_org.items()},
        dict(state.identities),
    )
    try:
        return {
            "organizations": [
                payloads.organization(seed_organization(state, entry))
                for entry in objects(data, "organizations")
            ],
            "members": [seed_member(state, entry) for entry in objects(data, "members")],
            "identities": [seed_identity(state, entry) for entry in objects(data, "identities")],
        }
    except ApiError:
        state.organizations, state.members, state.members_by_org, state.identities = saved
        raise


def objects(data: Json, key: str) -> list[Json]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid_argument(f"{key} must be a list of objects.")
    return items


def seed_organization(state: FakeState, entry: Json) -> Organization:
    settings = validation.organization_fields(entry)
    slug = validation.required_str(entry, "organization_slug")
    settings["organization_name"] = settings["organization_name"] or slug
    return state.add_organization(settings, validation.optional_str(entry, "organization_id"))


def seed_member(state: FakeState, entry: Json) -> Json:
    reference = validation.optional_str(entry, "organization_id") or validation.required_str(
        entry, "organization_slug"
    )
    organization = state.find_organization(reference)
    status = validation.one_of(entry, "status", MEMBER_STATUSES, "invalid_argument") or "active"
    verified = validation.optional_bool(entry, "email_address_verified")
    member = state.add_member(
        organization,
        validation.email_address(entry),
        status=status,
        name=validation.optional_str(entry, "name") or "",
        admin=bool(validation.optional_bool(entry, "is_admin")),
        mfa_enrolled=bool(validation.optional_bool(entry, "mfa_enrolled")),
        email_address_verified=verified is not False,
    )
    return payloads.member(member, organization)


def seed_identity(state: FakeState, entry: Json) -> Json:
    email = validation.email_address(entry)
    tenants = validation.allowed_oauth_tenants(entry, "oauth_tenants")
    state.identities[email.lower()] = tenants
    return {"email_address": email, "oauth_tenants": tenants}
