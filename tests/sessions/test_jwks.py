"""The project's signing keys: fetched once, shared between processes, refreshed on rotation,
kept through an outage."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from stytch_discovery.sessions.jwks import signing_keys
from stytch_discovery.sessions.verification import verified_jwts
from stytch_discovery.testing import FakeStytch
from tests.helpers.sessions import claims_of, header_of, new_key, seed_member_of, session_jwt, sign_in, signed

ME = "/host/drf/me"


def jwks_fetches(fake: FakeStytch) -> int:
    return int(fake.stats()["requests"].get(f"/v1/b2b/sessions/jwks/{fake.project_id}", 0))


def as_bearer(api: APIClient, token: str) -> Any:
    return api.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def signed_in(api: APIClient, fake_stytch: FakeStytch) -> str:
    seed_member_of(fake_stytch, "acme", "beta")
    sign_in(api, fake_stytch)
    return session_jwt(api)


def test_another_process_reads_the_keys_from_djangos_cache(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str
) -> None:
    assert as_bearer(api, signed_in).status_code == 200
    assert jwks_fetches(fake_stytch) == 1

    # A new process: its own memory is empty, Django's cache (Redis in production) is shared.
    signing_keys.clear()
    verified_jwts.clear()
    assert as_bearer(api, signed_in).status_code == 200

    assert jwks_fetches(fake_stytch) == 1


def test_a_rotated_key_is_fetched_once_and_the_old_one_still_verifies(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str
) -> None:
    assert as_bearer(api, signed_in).status_code == 200
    new_kid = fake_stytch.rotate_signing_key()
    other = APIClient()
    sign_in(other, fake_stytch, organization="beta")
    fresh = session_jwt(other)
    assert header_of(fresh)["kid"] == new_kid

    for _ in range(3):
        assert as_bearer(api, fresh).status_code == 200
    verified_jwts.clear()
    assert as_bearer(api, signed_in).status_code == 200  # signed by the old key, still published

    assert jwks_fetches(fake_stytch) == 2


def test_a_rotated_key_is_fetched_when_the_shared_copy_expired_before_this_processs_own(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str
) -> None:
    assert as_bearer(api, signed_in).status_code == 200
    # Another process stored the shared copy first, so it expires while this process's is fresh.
    cache.clear()
    new_kid = fake_stytch.rotate_signing_key()
    other = APIClient()
    sign_in(other, fake_stytch, organization="beta")
    fresh = session_jwt(other)
    assert header_of(fresh)["kid"] == new_kid

    assert as_bearer(api, fresh).status_code == 200
    assert jwks_fetches(fake_stytch) == 2


def test_an_unknown_key_id_refetches_at_most_once_per_cooldown(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str
) -> None:
    assert as_bearer(api, signed_in).status_code == 200
    forged = [signed(claims_of(signed_in), key=new_key(), kid=f"jwk-test-nope-{n}") for n in range(5)]

    for token in forged:
        assert as_bearer(api, token).status_code == 401

    # The first unknown key id refetched (Stytch may have rotated); the others waited for the cooldown.
    assert jwks_fetches(fake_stytch) == 2


def test_a_failed_refetch_keeps_the_last_good_keys(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "JWKS_CACHE_SECONDS": 0.001, "MAX_RETRIES": 0}
    assert as_bearer(api, signed_in).status_code == 200
    fake_stytch.add_fault(f"/v1/b2b/sessions/jwks/{fake_stytch.project_id}", status=503, count=-1)
    cache.clear()  # Django's cache lost the set too (a Redis restart)
    verified_jwts.clear()

    response = as_bearer(api, signed_in)

    assert response.status_code == 200, response.content
    assert fake_stytch.stats()["requests"].get("/v1/b2b/sessions/authenticate", 0) == 0


def test_without_any_key_the_session_is_checked_with_stytch(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "MAX_RETRIES": 0}
    signing_keys.clear()
    cache.clear()
    fake_stytch.add_fault(f"/v1/b2b/sessions/jwks/{fake_stytch.project_id}", status=503, count=-1)

    response = as_bearer(api, signed_in)

    assert response.status_code == 200, response.content
    assert fake_stytch.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1


def test_a_jwks_that_never_answered_is_asked_again_once_per_cooldown_not_per_request(
    api: APIClient, fake_stytch: FakeStytch, signed_in: str, settings: Any
) -> None:
    # Each attempt waits for Stytch's timeout under the process's lock: one per request would
    # queue every request behind the one before it.
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "MAX_RETRIES": 0}
    signing_keys.clear()
    cache.clear()
    fake_stytch.add_fault(f"/v1/b2b/sessions/jwks/{fake_stytch.project_id}", status=503, count=-1)

    for _ in range(5):
        verified_jwts.clear()
        assert as_bearer(api, signed_in).status_code == 200

    assert jwks_fetches(fake_stytch) <= 2  # the first, and at most one refetch in the cooldown
    # Stytch checked the session instead, once: its answer is shared through Django's cache.
    assert fake_stytch.stats()["requests"]["/v1/b2b/sessions/authenticate"] == 1
