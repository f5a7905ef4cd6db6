"""Fixtures shared by every test folder (helpers live in ``tests/helpers``, not here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.helpers.api import PREFIX

# fake_stytch comes from the package's pytest11 entry point; listing it here would register it twice.
pytest_plugins = ["tests.helpers.mock_stytch"]


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
