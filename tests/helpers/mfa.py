"""Helpers for the MFA and primary-step tests: organizations that ask for a step, entering them."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post, url

PHONE = "+15005550006"
MASKED = "+•••••••0006"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
RECOVERY_CODES = ["aaaa-bbbb-cccc", "dddd-eeee-ffff"]

Json = dict[str, Any]

ORGANIZATIONS: list[Json] = [
    {"organization_slug": "sms", "mfa_policy": "REQUIRED_FOR_ALL"},
    {"organization_slug": "totp", "mfa_policy": "REQUIRED_FOR_ALL"},
    {"organization_slug": "bare", "mfa_policy": "REQUIRED_FOR_ALL"},
    {
        "organization_slug": "sms-only",
        "mfa_policy": "REQUIRED_FOR_ALL",
        "mfa_methods": "RESTRICTED",
        "allowed_mfa_methods": ["sms_otp"],
    },
    {"organization_slug": "codes", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["email_otp"]},
    {
        "organization_slug": "codes-mfa",
        "auth_methods": "RESTRICTED",
        "allowed_auth_methods": ["email_otp"],
        "mfa_policy": "REQUIRED_FOR_ALL",
    },
    {"organization_slug": "links", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["magic_link"]},
    {"organization_slug": "sso", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["sso"]},
]


def seed_mfa(fake: FakeStytch, email: str = EMAIL) -> dict[str, str]:
    """Organizations for every step, ``email`` a member of each; member ids by organization slug.

    ``sms``: a verified phone; ``totp``: an authenticator app (``SECRET``, ``RECOVERY_CODES``);
    ``bare`` and ``sms-only``: no factor; ``codes``, ``codes-mfa`` (then SMS), ``links``, ``sso``:
    another primary method first.
    """
    factors: dict[str, Json] = {
        "sms": {"mfa_phone_number": PHONE},
        "totp": {"totp_secret": SECRET, "recovery_codes": RECOVERY_CODES},
        "codes-mfa": {"mfa_phone_number": PHONE},
    }
    return seed_members(fake, ORGANIZATIONS, factors, email=email)


def seed_members(
    fake: FakeStytch, organizations: list[Json], factors: dict[str, Json], *, email: str = EMAIL
) -> dict[str, str]:
    """``organizations``, ``email`` a member of each with its ``factors`` (by organization slug);
    member ids by organization slug."""
    seeded = fake.seed(
        {
            "organizations": organizations,
            "members": [
                {
                    "organization_slug": org["organization_slug"],
                    "email_address": email,
                    **factors.get(org["organization_slug"], {}),
                }
                for org in organizations
            ],
        }
    )
    slugs = {org["organization_id"]: org["organization_slug"] for org in seeded["organizations"]}
    return {slugs[member["organization_id"]]: member["member_id"] for member in seeded["members"]}


def enter(
    client: APIClient,
    fake: FakeStytch,
    slug: str,
    *,
    email: str = EMAIL,
    factors: tuple[str, ...] = ("magic_link",),
    **body: Any,
) -> Json:
    """Exchange a fresh IST into ``slug`` through the API: the client then holds the step's cookies."""
    client.cookies[app_settings.IST_COOKIE_NAME] = fake.mint_intermediate_session(email, factors=factors)
    response = post(client, "discovery/intermediate-sessions/exchange", {"organization_id": slug, **body})
    assert response.status_code == 200, response.content
    answer: Json = response.json()
    assert answer["member_authenticated"] is False, answer
    return answer


def pending_flow(client: APIClient) -> Json:
    body = client.get(url("session")).json()
    (flow,) = [flow for flow in body["flows"] if flow.get("is_pending")]
    return dict(flow)


def outbox(fake: FakeStytch, kind: str) -> list[Json]:
    return [message for message in fake.outbox() if message["kind"] == kind]


def last_code(fake: FakeStytch, kind: str = "sms_otp") -> str:
    return str(outbox(fake, kind)[-1]["code"])


def calls_to(fake: FakeStytch, path: str) -> list[Json]:
    """The bodies of the API calls the fake served on ``path``."""
    return [request["json"] for request in fake.requests() if request["path"] == path]


def ist_of(client: APIClient) -> str:
    return str(client.cookies[app_settings.IST_COOKIE_NAME].value)


def cookie(response: Any, name: str) -> Any:
    return response.cookies.get(name)
