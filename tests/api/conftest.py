"""Fixtures for the HTTP API tests: clients, a signed-in discovery, seeded organizations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from stytch_discovery.conf import app_settings
from stytch_discovery.testing import FakeStytch

PREFIX = "/api/stytch/"
EMAIL = "ada@acme.example"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Iterator[None]:
    # Throttle histories live in the cache; one test must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(db: None) -> APIClient:
    """A client that skips CSRF (Django's test default); CSRF has its own tests."""
    return APIClient()


@pytest.fixture
def csrf_api(db: None) -> APIClient:
    """A client that enforces CSRF like a browser, after the CSRF bootstrap."""
    client = APIClient(enforce_csrf_checks=True)
    token = client.get(PREFIX + "csrf").json()["csrf_token"]
    client.credentials(HTTP_X_CSRFTOKEN=token)
    return client


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
