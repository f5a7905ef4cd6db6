"""``authenticate_session`` and ``exchange_session`` against the fake Stytch, over real HTTP."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.exceptions import StytchDiscoveryInvalidSession
from stytch_discovery.models import CachedOrganization, StytchMember
from stytch_discovery.sessions import verification
from stytch_discovery.sessions.verification import verified_jwts
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL
from tests.helpers.sessions import (
    claims_of,
    expired_copy,
    seed_member_of,
    session_jwt,
    session_token,
    sign_in,
)

pytestmark = pytest.mark.django_db

AUTHENTICATE = "/v1/b2b/sessions/authenticate"


def authenticates(fake: FakeStytch) -> int:
    return int(fake.stats()["requests"].get(AUTHENTICATE, 0))


@pytest.fixture
def signed_in(api: APIClient, fake_stytch: FakeStytch) -> APIClient:
    seed_member_of(fake_stytch, "acme", "beta", "vault")
    sign_in(api, fake_stytch)
    return api


def expired_jwt(fake: FakeStytch, token: str) -> str:
    return str(fake.app.project.keys.sign(expired_copy(claims_of(token))))


def test_a_fresh_jwt_is_verified_here(fake_stytch: FakeStytch, signed_in: APIClient) -> None:
    result = services.authenticate_session(session_jwt=session_jwt(signed_in))

    assert result.verified_locally is True
    assert result.member is None  # a JWT names the member, Stytch's answer describes them
    assert result.member_session.organization_slug == "acme"
    assert authenticates(fake_stytch) == 0


def test_an_expired_jwt_is_refreshed_by_stytch_with_the_session_token(
    fake_stytch: FakeStytch, signed_in: APIClient
) -> None:
    expired = expired_jwt(fake_stytch, session_jwt(signed_in))

    result = services.authenticate_session(session_jwt=expired, session_token=session_token(signed_in))

    assert result.verified_locally is False
    assert result.session_jwt != expired
    assert result.session_token == session_token(signed_in)
    assert result.member is not None
    assert result.member.email_address == EMAIL
    (sent,) = [r["json"] for r in fake_stytch.requests() if r["path"] == AUTHENTICATE]
    assert set(sent) == {"session_token"}  # one credential: Stytch refuses two
    # The fresh JWT is now known here.
    assert services.authenticate_session(session_jwt=result.session_jwt).verified_locally is True


def test_every_process_holding_the_expired_jwt_shares_one_refresh(
    fake_stytch: FakeStytch, signed_in: APIClient
) -> None:
    expired = expired_jwt(fake_stytch, session_jwt(signed_in))
    services.authenticate_session(session_jwt=expired)

    verified_jwts.clear()  # another process: nothing verified here yet, Django's cache shared
    second = services.authenticate_session(session_jwt=expired)

    assert authenticates(fake_stytch) == 1
    assert second.member_session.organization_slug == "acme"
    assert second.session_jwt == ""  # that process did not ask: it has no fresh token to store


def test_a_jwt_refreshed_by_stytch_is_trusted_here_no_longer_than_the_max_age(
    fake_stytch: FakeStytch, signed_in: APIClient, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "SESSION_JWT_MAX_AGE": 60}
    refreshed = services.authenticate_session(
        session_jwt=expired_jwt(fake_stytch, session_jwt(signed_in)), session_token=session_token(signed_in)
    )
    assert refreshed.verified_locally is False
    services.revoke_session(session_token=session_token(signed_in))
    # 70 s later (past the max age and its leeway; the fresh JWT itself lives 5 minutes)
    later = time.time() + 70
    monkeypatch.setattr(verification, "time", SimpleNamespace(time=lambda: later))

    with pytest.raises(StytchDiscoveryInvalidSession):
        services.authenticate_session(session_jwt=refreshed.session_jwt)


def test_a_revoked_session_is_invalid_and_stays_so_without_asking_again(
    fake_stytch: FakeStytch, signed_in: APIClient
) -> None:
    token = session_token(signed_in)
    services.revoke_session(session_token=token)

    for _ in range(3):
        with pytest.raises(StytchDiscoveryInvalidSession):
            services.authenticate_session(session_token=token)

    assert authenticates(fake_stytch) == 1


def test_extending_the_session_always_asks_stytch(fake_stytch: FakeStytch, signed_in: APIClient) -> None:
    result = services.authenticate_session(session_jwt=session_jwt(signed_in), session_duration_minutes=120)

    assert result.verified_locally is False
    assert authenticates(fake_stytch) == 1


def test_a_credential_is_needed() -> None:
    with pytest.raises(ValueError, match="session_jwt"):
        services.authenticate_session()


def test_exchange_session_switches_and_links_the_member(
    fake_stytch: FakeStytch, signed_in: APIClient
) -> None:
    result = services.exchange_session(organization_id="beta", session_token=session_token(signed_in))

    assert result.member_authenticated is True
    assert result.organization.organization_slug == "beta"
    link = StytchMember.objects.get(member_id=result.member_id)
    assert link.organization_slug == "beta"
    assert link.user is not None
    # Both memberships are the same person: one user.
    assert StytchMember.objects.filter(user=link.user).count() == 2
    assert CachedOrganization.objects.get(organization_slug="beta").user == link.user


def test_exchange_into_an_mfa_organization_needs_the_next_step(
    fake_stytch: FakeStytch, signed_in: APIClient
) -> None:
    result = services.exchange_session(organization_id="vault", session_jwt=session_jwt(signed_in))

    assert result.member_authenticated is False
    assert result.intermediate_session_token
    assert result.mfa_required is not None
    assert not StytchMember.objects.filter(member_id=result.member_id).exists()  # not proven yet


@pytest.mark.parametrize("kwargs", [{}, {"session_token": "a", "session_jwt": "b"}])
def test_exchange_session_needs_exactly_one_credential(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        services.exchange_session(organization_id="beta", **kwargs)
