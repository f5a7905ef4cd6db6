"""Code sends and attempts are throttled per member, whatever the client: a code cannot be brute-forced."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post
from tests.helpers.mfa import enter, seed_mfa


@pytest.fixture
def rates(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.code_attempt": "3/min", "stytch_discovery.code_send": "2/hour"},
    }


def test_attempts_are_counted_per_member_across_clients(
    fake_stytch: FakeStytch, rates: None, db: None
) -> None:
    seed_mfa(fake_stytch)
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    enter(first, fake_stytch, "totp")
    enter(second, fake_stytch, "totp")  # the same member, another address, another IST
    statuses = [
        post(client, "mfa/totp/authenticate", {"code": "000000"}).status_code
        for client in (first, second, first)
    ]

    throttled = post(second, "mfa/totp/authenticate", {"code": "000000"})

    assert statuses == [400, 400, 400]
    assert (throttled.status_code, throttled.json()["code"]) == (429, "throttled")
    assert int(throttled["Retry-After"]) > 0


def test_another_member_is_not_throttled_by_the_first(fake_stytch: FakeStytch, rates: None, db: None) -> None:
    seed_mfa(fake_stytch)
    fake_stytch.seed(
        {"members": [{"organization_slug": "totp", "email_address": "bo@acme.example", "totp": True}]}
    )
    ada, bo = APIClient(), APIClient()  # the same address
    enter(ada, fake_stytch, "totp")
    enter(bo, fake_stytch, "totp", email="bo@acme.example")
    for _ in range(3):
        post(ada, "mfa/totp/authenticate", {"code": "000000"})

    assert post(ada, "mfa/totp/authenticate", {"code": "000000"}).status_code == 429
    assert post(bo, "mfa/totp/authenticate", {"code": "000000"}).status_code == 400


def test_sends_have_their_own_scope(fake_stytch: FakeStytch, rates: None, db: None) -> None:
    seed_mfa(fake_stytch)
    client = APIClient()
    enter(client, fake_stytch, "bare")
    assert post(client, "mfa/totp/create", {}).status_code == 200
    assert post(client, "mfa/sms/send", {"mfa_phone_number": "+15005550006"}).status_code == 200

    third = post(client, "mfa/sms/send", {"mfa_phone_number": "+15005550006"})

    assert (third.status_code, third.json()["code"]) == (429, "throttled")
    assert post(client, "mfa/totp/authenticate", {"code": "000000"}).status_code == 400  # attempts still go
