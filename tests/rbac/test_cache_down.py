"""RBAC checks while Django's cache is down: the policy is kept in the process, as it always is.

Django's cache only shares the policy between processes; with it down, each process fetches the
policy once per ``RBAC_POLICY_CACHE_SECONDS``, not once per request, and never answers a 500.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.down_cache import CacheOutage, cache_outage
from tests.helpers.sessions import session_jwt, sign_in

__all__ = ["cache_outage"]  # the fixture, imported for pytest

POLICY = "/v1/b2b/rbac/policy"
READER, OWNER = "ada@acme.example", "boss@acme.example"

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(fake_stytch: FakeStytch) -> str:
    seeded = fake_stytch.seed(
        {
            "resources": [{"resource_id": "documents", "description": "", "actions": ["read", "write"]}],
            "roles": [
                {"role_id": "reader", "permissions": [{"resource_id": "documents", "actions": ["read"]}]},
            ],
            "organizations": [{"organization_slug": "acme", "organization_name": "Acme"}],
            "members": [
                {"organization_slug": "acme", "email_address": READER, "roles": ["reader"]},
                {"organization_slug": "acme", "email_address": OWNER},
            ],
        }
    )
    return str(seeded["organizations"][0]["organization_id"])


def member(fake: FakeStytch, email: str) -> APIClient:
    client = APIClient()
    sign_in(client, fake, email=email)
    client.raise_request_exception = False
    return client


def test_a_permission_view_checks_the_policy_fetched_once_per_process(
    fake_stytch: FakeStytch, acme: str, cache_outage: CacheOutage, caplog: pytest.LogCaptureFixture
) -> None:
    reader, other = member(fake_stytch, READER), member(fake_stytch, OWNER)
    cache_outage.begin()

    allowed = [reader.get(f"/host/drf/organizations/{acme}/documents") for _ in range(3)]
    denied = other.get(f"/host/drf/organizations/{acme}/documents")

    assert [response.status_code for response in allowed] == [200, 200, 200], allowed[0].content
    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    assert fake_stytch.stats()["requests"][POLICY] == 1
    cache_outage.assert_logged_safely(caplog, session_jwt(reader), session_jwt(other))


def test_the_process_copy_keeps_the_same_max_age(
    fake_stytch: FakeStytch,
    acme: str,
    cache_outage: CacheOutage,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "RBAC_POLICY_CACHE_SECONDS": 0}
    reader = member(fake_stytch, READER)
    cache_outage.begin()

    answers = [reader.get(f"/host/drf/organizations/{acme}/documents") for _ in range(2)]

    assert [response.status_code for response in answers] == [200, 200], answers[0].content
    assert fake_stytch.stats()["requests"][POLICY] == 2  # kept no longer than the setting says
    cache_outage.assert_logged_safely(caplog, session_jwt(reader))
