"""Fixtures shared by every test folder (helpers live in ``tests/helpers``, not here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from stytch_discovery.internal.http.outages import reports as stytch_failure_reports
from stytch_discovery.internal.shared import failure_warnings
from stytch_discovery.rbac.policy import policies
from stytch_discovery.sessions.jwks import signing_keys
from stytch_discovery.sessions.verification import verified_jwts
from tests.helpers.api import PREFIX

# fake_stytch comes from the package's pytest11 entry point; listing it here would register it twice.
pytest_plugins = ["tests.helpers.mock_stytch"]

FORGET = (
    cache.clear,
    signing_keys.clear,
    verified_jwts.clear,
    policies.clear,
    failure_warnings.clear,
    stytch_failure_reports.clear,
)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # Throttle counts, shared key sets and session answers live in Django's cache; verified JWTs,
    # key sets, RBAC policies and the cache and Stytch failures already logged in the process. One test must
    # not see another's.
    for forget in FORGET:
        forget()
    yield
    for forget in FORGET:
        forget()


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
