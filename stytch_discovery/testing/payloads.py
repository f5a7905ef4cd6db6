"""JSON builders for Stytch's Organization, Member, MemberSession and discovery objects.

Every field the SDK 15.3.0 models require (contract section 4) is present, with ``""`` or
``[]`` rather than null where a field is required.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from .models import Discovery, Member, MemberSession, Organization, Requirements
from .policy import ADMIN_ROLE
from .validation import email_domain

Json = dict[str, Any]

JWT_LIFETIME = timedelta(minutes=5)
SESSION_CLAIM = "https://stytch.com/session"
ORGANIZATION_CLAIM = "https://stytch.com/organization"


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def organization(org: Organization) -> Json:
    settings = org.settings
    return {
        "organization_id": org.organization_id,
        **{key: value for key, value in settings.items() if value is not None},
        "organization_external_id": settings["organization_external_id"],
        "sso_jit_provisioning_allowed_connections": [],
        "sso_active_connections": [
            {
                "connection_id": connection.connection_id,
                "display_name": connection.display_name,
                "identity_provider": connection.identity_provider,
            }
            for connection in org.sso_connections
        ],
        "sso_default_connection_id": org.sso_connections[0].connection_id if org.sso_connections else None,
        "scim_active_connection": None,
        "claimed_email_domains": [],
        "custom_roles": [role.to_json() for role in org.custom_roles.values()],
        "created_at": iso(org.created_at),
        "updated_at": iso(org.updated_at),
    }


def member_roles(member: Member, org: Organization) -> list[Json]:
    """Direct roles plus the organization's implicit roles for the member's email domain."""
    roles: dict[str, list[Json]] = {
        role_id: [{"type": "direct_assignment", "details": {}}] for role_id in member.direct_roles
    }
    domain = email_domain(member.email_address)
    for assignment in org.settings["rbac_email_implicit_role_assignments"]:
        if assignment["domain"] == domain:
            source = {"type": "email_assignment", "details": {"email_domain": domain}}
            roles.setdefault(assignment["role_id"], []).append(source)
    return [{"role_id": role_id, "sources": sources} for role_id, sources in roles.items()]


def role_ids(member: Member, org: Organization) -> list[str]:
    return [role["role_id"] for role in member_roles(member, org)]


def member(member: Member, org: Organization) -> Json:
    return {
        "organization_id": member.organization_id,
        "member_id": member.member_id,
        "email_address": member.email_address,
        "status": member.status,
        "name": member.name,
        "sso_registrations": list(member.sso_registrations),
        "oauth_registrations": list(member.oauth_registrations),
        "retired_email_addresses": [],
        "is_breakglass": False,
        "is_admin": ADMIN_ROLE in member.direct_roles,
        "is_locked": False,
        "email_address_verified": member.email_address_verified,
        "mfa_enrolled": member.mfa_enrolled,
        "mfa_phone_number_verified": member.mfa_phone_number_verified,
        "member_password_id": "",
        "totp_registration_id": member.totp.registration_id if member.totp else "",
        "mfa_phone_number": member.mfa_phone_number,
        "default_mfa_method": member.default_mfa_method,
        "roles": member_roles(member, org),
        "trusted_metadata": {},
        "untrusted_metadata": {},
        "external_id": "",
        "scim_registration": None,
        "lock_created_at": None,
        "lock_expires_at": None,
        "created_at": iso(member.created_at),
        "updated_at": iso(member.updated_at),
    }


def requirement_fields(
    requirements: Requirements, member: Member | None = None, secondary_auth_initiated: str | None = None
) -> Json:
    """``primary_required`` and ``mfa_required``; the member's options only once they have a factor.

    Discovery never starts secondary auth; an exchange or a primary authentication may have sent
    an SMS code (``secondary_auth_initiated: "sms_otp"``).
    """
    primary = requirements.primary_auth_methods
    options = None
    if member is not None and member.active_mfa_factors:
        options = {
            "mfa_phone_number": member.mfa_phone_number if member.mfa_phone_number_verified else "",
            "totp_registration_id": member.totp.registration_id if member.totp else "",
        }
    return {
        "primary_required": None if primary is None else {"allowed_auth_methods": primary},
        "mfa_required": (
            {"member_options": options, "secondary_auth_initiated": secondary_auth_initiated}
            if requirements.mfa and primary is None
            else None
        ),
    }


def discovered_organization(found: Discovery, requirements: Requirements) -> Json:
    return {
        "member_authenticated": requirements.satisfied,
        "organization": organization(found.organization),
        "membership": {
            "type": found.membership_type,
            "details": found.details,
            "member": None if found.member is None else member(found.member, found.organization),
        },
        **requirement_fields(requirements, found.member),
    }


#: Each factor's ``type`` and ``delivery_method`` in Stytch's AuthenticationFactor.
FACTOR_SHAPES = {
    "magic_link": ("magic_link", "email"),
    "email_otp": ("otp", "email"),
    "sms_otp": ("otp", "sms"),
    "totp": ("totp", "authenticator_app"),
    "recovery_code": ("recovery_codes", "recovery_code"),
    "password": ("password", "knowledge"),
    "sso": ("sso", "sso_saml"),
    "sso_oidc": ("sso", "sso_oidc"),
    **{
        f"{name}_oauth": ("oauth", f"oauth_{name}")
        for name in ("google", "microsoft", "slack", "github", "hubspot")
    },
}


def authentication_factors(
    member: Member, when: datetime, factors: tuple[str, ...] = ("magic_link",)
) -> list[Json]:
    """How the session was earned: its primary factor(s), then its MFA factor, if any."""
    found = []
    for factor in factors:
        kind, delivery = FACTOR_SHAPES[factor]
        entry: Json = {
            "type": kind,
            "delivery_method": delivery,
            "last_authenticated_at": iso(when),
            "created_at": iso(when),
            "updated_at": iso(when),
        }
        if delivery == "email":
            entry["email_factor"] = {"email_id": member.email_id, "email_address": member.email_address}
        elif delivery == "sms":
            entry["phone_number_factor"] = {"phone_id": "", "phone_number": member.mfa_phone_number}
        elif delivery == "authenticator_app" and member.totp is not None:
            entry["authenticator_app_factor"] = {"totp_id": member.totp.registration_id}
        found.append(entry)
    return found


def member_session(session: MemberSession, member: Member, org: Organization) -> Json:
    return {
        "member_session_id": session.member_session_id,
        "member_id": session.member_id,
        "organization_id": org.organization_id,
        "organization_slug": org.slug,
        "started_at": iso(session.started_at),
        "last_accessed_at": iso(session.last_accessed_at),
        "expires_at": iso(session.expires_at),
        "authentication_factors": authentication_factors(member, session.started_at, session.factors),
        "roles": role_ids(member, org),
        "custom_claims": session.custom_claims,
    }


def session_claims(
    session: MemberSession, member: Member, org: Organization, project_id: str, now: datetime
) -> Json:
    """The claims of a session JWT (contract section 6), custom claims merged at top level."""
    issued_at = int(now.timestamp())
    return {
        **session.custom_claims,
        "aud": [project_id],
        "exp": issued_at + int(JWT_LIFETIME.total_seconds()),
        "iat": issued_at,
        "iss": f"stytch.com/{project_id}",
        "nbf": issued_at,
        "sub": member.member_id,
        SESSION_CLAIM: {
            "id": session.member_session_id,
            "started_at": iso(session.started_at),
            "last_accessed_at": iso(session.last_accessed_at),
            "expires_at": iso(session.expires_at),
            "attributes": {"ip_address": "", "user_agent": ""},
            "authentication_factors": authentication_factors(member, session.started_at, session.factors),
            "roles": role_ids(member, org),
        },
        ORGANIZATION_CLAIM: {"organization_id": org.organization_id, "slug": org.slug},
    }
