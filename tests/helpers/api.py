"""Helpers for the HTTP API tests: URLs, JSON posts, IST cookies, seeded organizations, errors,
settings."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch

PREFIX = "/api/stytch/"
EMAIL = "ada@acme.example"


def url(path: str) -> str:
    return PREFIX + path


def post(client: APIClient, path: str, body: Any = None, **extra: Any) -> Any:
    return client.post(url(path), body if body is not None else {}, format="json", **extra)


def ist_cookie(client: APIClient, fake: FakeStytch, email: str = EMAIL) -> str:
    """Put a fresh discovery IST into the client's IST cookie, as the magic-link view would."""
    token = fake.mint_intermediate_session(email)
    client.cookies[app_settings.IST_COOKIE_NAME] = token
    return token


def seed_orgs(fake: FakeStytch, email: str = EMAIL) -> dict[str, str]:
    """Organizations for every branch: plain, MFA-required, SSO-only; ``email`` active in each."""
    seeded = fake.seed(
        {
            "organizations": [
                {"organization_slug": "acme", "organization_name": "Acme"},
                {
                    "organization_slug": "vault",
                    "organization_name": "Vault",
                    "mfa_policy": "REQUIRED_FOR_ALL",
                },
                {
                    "organization_slug": "ssoonly",
                    "organization_name": "SSO only",
                    "auth_methods": "RESTRICTED",
                    "allowed_auth_methods": ["sso"],
                },
            ],
            "members": [
                {"organization_slug": slug, "email_address": email} for slug in ("acme", "vault", "ssoonly")
            ],
        }
    )
    return {org["organization_slug"]: org["organization_id"] for org in seeded["organizations"]}


def stytch_calls(fake: FakeStytch) -> int:
    """Requests the fake served on Stytch API paths (control calls under /_fake/ excluded)."""
    counts: dict[str, int] = fake.stats()["requests"]
    return sum(count for path, count in counts.items() if path.startswith("/v1/"))


def configure(settings: Any, **changes: Any) -> None:
    """Change keys of ``STYTCH_DISCOVERY`` for one test (pytest-django's ``settings`` undoes it)."""
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, **changes}


def accept_client_claims(settings: Any) -> None:
    """Opt in to claims from the request (``ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS``), for the tests of
    what is done with them once accepted (their size, their reserved names)."""
    configure(settings, ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS=True)
