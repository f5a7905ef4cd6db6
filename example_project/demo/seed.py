"""The demo's data: one email that sees every membership type, plus an MFA and an SSO case.

``ada@acme.example`` is an active member of Acme, invited to Globex, pending in Initech,
eligible to join Umbrella by email domain (JIT on acme.example, where Grace is an active
verified member) and Hooli by OAuth tenant (her Slack workspace T0ACME is allowed), an active
member of Stark Industries (MFA for everyone; her phone gets an SMS code), Oscorp (MFA; she has
an authenticator app), Tyrell (MFA; she has set nothing up yet), Massive Dynamic (an emailed code
first, then an SMS code) and Wayne Enterprises (SSO only, through its SAML connection).
Cyberdyne exists but she cannot see it: its slug shows the "slug taken" message on create.
Organization ids are fixed, so the cache of a previous run still points at real organizations.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from stytch_discovery.models import CachedOrganization, StytchMember
from stytch_discovery.testing import FakeStytch

DEMO_EMAIL = "ada@acme.example"
#: Ada's phone (Twilio's test number, as Stytch's docs use) and her authenticator app's secret.
DEMO_PHONE = "+15005550006"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def demo_id(slug: str) -> str:
    """The same organization id every run, so the cache of a previous run still points at it."""
    return f"organization-test-demo-{slug}"


ADMIN_USERNAME = "admin"

DEMO_DATA: dict[str, Any] = {
    "organizations": [
        {"organization_slug": "acme", "organization_id": demo_id("acme"), "organization_name": "Acme"},
        {"organization_slug": "globex", "organization_id": demo_id("globex"), "organization_name": "Globex"},
        {
            "organization_slug": "initech",
            "organization_id": demo_id("initech"),
            "organization_name": "Initech",
        },
        {
            "organization_slug": "umbrella",
            "organization_id": demo_id("umbrella"),
            "organization_name": "Umbrella",
            "email_jit_provisioning": "RESTRICTED",
            "email_allowed_domains": ["acme.example"],
        },
        {
            "organization_slug": "hooli",
            "organization_id": demo_id("hooli"),
            "organization_name": "Hooli",
            "oauth_tenant_jit_provisioning": "RESTRICTED",
            "allowed_oauth_tenants": {"slack": ["T0ACME"]},
        },
        {
            "organization_slug": "stark-industries",
            "organization_id": demo_id("stark-industries"),
            "organization_name": "Stark Industries",
            "mfa_policy": "REQUIRED_FOR_ALL",
        },
        {
            "organization_slug": "oscorp",
            "organization_id": demo_id("oscorp"),
            "organization_name": "Oscorp",
            "mfa_policy": "REQUIRED_FOR_ALL",
        },
        {
            "organization_slug": "tyrell",
            "organization_id": demo_id("tyrell"),
            "organization_name": "Tyrell",
            "mfa_policy": "REQUIRED_FOR_ALL",
        },
        {
            "organization_slug": "massive-dynamic",
            "organization_id": demo_id("massive-dynamic"),
            "organization_name": "Massive Dynamic",
            "auth_methods": "RESTRICTED",
            "allowed_auth_methods": ["email_otp"],
            "mfa_policy": "REQUIRED_FOR_ALL",
        },
        {
            "organization_slug": "wayne-enterprises",
            "organization_id": demo_id("wayne-enterprises"),
            "organization_name": "Wayne Enterprises",
            "auth_methods": "RESTRICTED",
            "allowed_auth_methods": ["sso"],
            # Entered through the fake identity provider's sign-in page.
            "sso_connections": [
                {
                    "connection_id": "saml-connection-test-demo-wayne-enterprises",
                    "display_name": "Wayne Enterprises Okta",
                    "identity_provider": "okta",
                }
            ],
        },
        {
            "organization_slug": "cyberdyne",
            "organization_id": demo_id("cyberdyne"),
            "organization_name": "Cyberdyne",
        },
    ],
    "members": [
        {"organization_slug": "acme", "email_address": DEMO_EMAIL, "name": "Ada Lovelace", "is_admin": True},
        {"organization_slug": "acme", "email_address": "grace@acme.example", "name": "Grace Hopper"},
        {"organization_slug": "globex", "email_address": DEMO_EMAIL, "status": "invited"},
        {"organization_slug": "globex", "email_address": "hank@globex.example", "name": "Hank Scorpio"},
        {
            "organization_slug": "initech",
            "email_address": DEMO_EMAIL,
            "status": "pending",
            "email_address_verified": False,
        },
        {"organization_slug": "initech", "email_address": "bill@initech.example", "name": "Bill Lumbergh"},
        {"organization_slug": "umbrella", "email_address": "grace@acme.example", "name": "Grace Hopper"},
        {"organization_slug": "hooli", "email_address": "gavin@hooli.example", "name": "Gavin Belson"},
        {
            "organization_slug": "stark-industries",
            "email_address": DEMO_EMAIL,
            "name": "Ada Lovelace",
            "mfa_phone_number": DEMO_PHONE,
        },
        {
            "organization_slug": "oscorp",
            "email_address": DEMO_EMAIL,
            "name": "Ada Lovelace",
            "totp_secret": DEMO_TOTP_SECRET,
        },
        {"organization_slug": "tyrell", "email_address": DEMO_EMAIL, "name": "Ada Lovelace"},
        {
            "organization_slug": "massive-dynamic",
            "email_address": DEMO_EMAIL,
            "name": "Ada Lovelace",
            "mfa_phone_number": DEMO_PHONE,
        },
        {"organization_slug": "wayne-enterprises", "email_address": DEMO_EMAIL, "name": "Ada Lovelace"},
        {"organization_slug": "cyberdyne", "email_address": "miles@cyberdyne.example", "name": "Miles Dyson"},
    ],
    "identities": [{"email_address": DEMO_EMAIL, "oauth_tenants": {"slack": ["T0ACME"]}}],
}


def seed_fake(fake: FakeStytch) -> None:
    fake.seed(DEMO_DATA)


def forget_previous_run() -> None:
    """A new fake has none of the last run's members, nor the organizations created then."""
    seeded = [organization["organization_id"] for organization in DEMO_DATA["organizations"]]
    CachedOrganization.objects.exclude(organization_id__in=seeded).delete()
    StytchMember.objects.all().delete()


def ensure_admin(password: str) -> str:
    """Create or update the demo superuser with this password; returns its username."""
    user_model = get_user_model()
    user, _ = user_model._default_manager.get_or_create(**{user_model.USERNAME_FIELD: ADMIN_USERNAME})
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return ADMIN_USERNAME
