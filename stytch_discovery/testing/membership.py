"""Who can enter which organization: the five membership types and what entering still needs.

Pure rules over :class:`~stytch_discovery.testing.state.FakeState` (caller holds its lock).
"""

from __future__ import annotations

from . import validation
from .models import Discovery, Member, Organization, Requirements
from .state import MEMBER_STATUSES, FakeState

MFA_REQUIRED = "REQUIRED_FOR_ALL"
#: The primary factors that prove the email (contract §3.2); a returning password and
#: GitHub, Slack or HubSpot OAuth do not, nor (fake's choice, as discovery never carries it) SSO.
EMAIL_VERIFYING_FACTORS = ("magic_link", "email_otp", "google_oauth", "microsoft_oauth")


def discover(state: FakeState, email_address: str, *, include_eligible: bool) -> list[Discovery]:
    found = []
    for organization in state.organizations.values():
        member = state.member_in(organization, email_address)
        if member is not None and member.status in MEMBER_STATUSES:
            found.append(Discovery(organization, f"{member.status}_member", member, None))
        elif include_eligible:
            eligible = eligibility(state, organization, email_address)
            if eligible is not None:
                found.append(eligible)
    return found


def eligibility(state: FakeState, organization: Organization, email_address: str) -> Discovery | None:
    """How an identity without a member may join: by email domain or OAuth tenant (JIT)."""
    settings = organization.settings
    domain = validation.email_domain(email_address)
    if (
        settings["email_jit_provisioning"] == "RESTRICTED"
        and domain in settings["email_allowed_domains"]
        and has_verified_member_on(state, organization, domain)
    ):
        return Discovery(organization, "eligible_to_join_by_email_domain", None, {"domain": domain})
    if settings["oauth_tenant_jit_provisioning"] == "RESTRICTED":
        carried = state.identities.get(email_address.lower(), {})
        for provider, tenant_ids in settings["allowed_oauth_tenants"].items():
            for tenant_id in carried.get(provider, []):
                if tenant_id in tenant_ids:
                    details = {"provider": provider, "tenant_id": tenant_id}
                    return Discovery(organization, "eligible_to_join_by_oauth_tenant", None, details)
    return None


def has_verified_member_on(state: FakeState, organization: Organization, domain: str) -> bool:
    """The anti-phishing rule: JIT by domain needs an active verified member on it."""
    return any(
        member.status == "active"
        and member.email_address_verified
        and validation.email_domain(member.email_address) == domain
        for member in state.members_by_org[organization.organization_id].values()
    )


def requirements(
    organization: Organization, member: Member | None, factors: tuple[str, ...] = ("magic_link",)
) -> Requirements:
    """What entering still needs beyond ``factors`` (discovery ISTs and sessions: the magic link).

    An organization with ``auth_methods: RESTRICTED`` needs one of its ``allowed_auth_methods``
    among the factors; a member whose email is not verified (an organization's creator through a
    factor that proves no email) needs one of the organization's methods that proves it; MFA is
    needed under ``mfa_policy: REQUIRED_FOR_ALL`` or for an MFA-enrolled member (the caller
    finishes MFA itself, so it is never among ``factors``).
    """
    settings = organization.settings
    allowed = settings["allowed_auth_methods"]
    restricted = settings["auth_methods"] == "RESTRICTED"
    if restricted and not {validation.auth_method(factor) for factor in factors} & set(allowed):
        return Requirements(primary_auth_methods=list(allowed))
    if member is not None and not member.email_address_verified and not verifies_email(factors):
        offered = allowed if restricted else validation.AUTH_METHODS
        return Requirements(
            primary_auth_methods=[method for method in offered if method in EMAIL_VERIFYING_FACTORS]
        )
    mfa = settings["mfa_policy"] == MFA_REQUIRED or (member is not None and member.mfa_enrolled)
    return Requirements(mfa=mfa)


def verifies_email(factors: tuple[str, ...]) -> bool:
    return bool(set(factors) & set(EMAIL_VERIFYING_FACTORS))
