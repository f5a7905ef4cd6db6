"""The ``sessions/authenticate`` answer shared through Django's cache (so the other processes need
not ask Stytch again about an expired JWT) holds what rebuilding the answer needs, and no more:
no token, no full phone number, and a key from which no token can be read.

Read back from the real cache, locmem and Redis, as stored bytes. Real HTTP to the fake Stytch:
a member signs in with an SMS code (so their session's factors name the phone), their JWT cookie
is re-signed as issued ten minutes ago, and a request has Stytch refresh it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache, caches
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.conf import app_settings
from stytch_discovery.models import StytchMember
from stytch_discovery.sessions.verification import verified_jwts
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, post
from tests.helpers.mfa import MASKED, PHONE, enter, ist_of, last_code, seed_mfa
from tests.helpers.redis import redis_cache, redis_client
from tests.helpers.sessions import claims_of, expired_copy, session_jwt, session_token

__all__ = ["redis_cache"]  # the fixture, imported for pytest

AUTHENTICATE = "/v1/b2b/sessions/authenticate"
#: The shared answer's key: the SHA-256 of the credential, behind the backend's prefix and version.
SHARED_KEY = re.compile(rb"(?:.*:)?(stytch_discovery:session:[0-9a-f]{64})")
Contents = Callable[[], dict[bytes, bytes]]


@pytest.fixture(params=["locmem", "redis"])
def cache_contents(request: pytest.FixtureRequest) -> Contents:
    """What Django's default cache holds, each key and value as the backend stores them."""
    if request.param == "redis":
        prefix = request.getfixturevalue("redis_cache")
        client = redis_client()
        return lambda: {name: client.get(name) for name in client.scan_iter(match=f"{prefix}:*")}
    backend: Any = caches["default"]
    return lambda: {key.encode(): value for key, value in backend._cache.items()}


@pytest.fixture
def refreshed(api: APIClient, fake_stytch: FakeStytch, cache_contents: Contents) -> dict[str, str]:
    """The tokens of an SMS-verified session whose expired JWT one request just had refreshed, and
    the IST its step spent."""
    seed_mfa(fake_stytch)
    enter(api, fake_stytch, "sms")
    ist = ist_of(api)  # spent by the step: the cache remembers that, by its digest
    assert post(api, "mfa/sms/send", {}).status_code == 200
    assert post(api, "mfa/sms/authenticate", {"code": last_code(fake_stytch)}).status_code == 200
    old_jwt = str(fake_stytch.app.project.keys.sign(expired_copy(claims_of(session_jwt(api)))))
    api.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = old_jwt
    token = session_token(api)
    assert PHONE in str(claims_of(old_jwt))  # Stytch's JWT names the factor's phone number

    assert api.get("/host/drf/me").status_code == 200
    assert fake_stytch.stats()["requests"][AUTHENTICATE] == 1
    return {"old_jwt": old_jwt, "fresh_jwt": session_jwt(api), "session_token": token, "ist": ist}


def test_the_cache_holds_no_token_and_no_full_phone_number(
    refreshed: dict[str, str], cache_contents: Contents
) -> None:
    stored = cache_contents()

    secrets = [PHONE.lstrip("+").encode(), *(token.encode() for token in refreshed.values())]
    for key, value in stored.items():
        for secret in secrets:
            assert secret not in key
            assert secret not in value, key
    (key,) = [found[1] for found in map(SHARED_KEY.fullmatch, stored) if found]
    answer = cache.get(key.decode())
    assert set(answer) == {"member_session", "member", "organization", "request_id"}
    assert answer["member"]["email_address"] == EMAIL
    assert "mfa_phone_number" not in answer["member"]
    (sms,) = [f for f in answer["member_session"]["authentication_factors"] if f["delivery_method"] == "sms"]
    assert sms["phone_number_factor"]["phone_number"] == MASKED


def test_another_process_signs_the_member_in_from_the_shared_answer_alone(
    refreshed: dict[str, str], fake_stytch: FakeStytch, db: None
) -> None:
    verified_jwts.clear()  # another process: it verified no JWT
    StytchMember.objects.all().delete()  # and links the member on first sight, from the answer
    other = APIClient()
    other.cookies[app_settings.SESSION_JWT_COOKIE_NAME] = refreshed["old_jwt"]
    other.cookies[app_settings.SESSION_COOKIE_NAME] = refreshed["session_token"]

    answer = other.get("/host/drf/me")
    result = services.authenticate_session(
        session_jwt=refreshed["old_jwt"], session_token=refreshed["session_token"]
    )

    assert answer.status_code == 200, answer.content
    assert answer.json()["user"] == EMAIL
    assert fake_stytch.stats()["requests"][AUTHENTICATE] == 1
    assert result.member is not None
    assert result.organization is not None
    assert (result.member.email_address, result.organization.organization_slug) == (EMAIL, "sms")
    assert PHONE not in str(result.raw)
