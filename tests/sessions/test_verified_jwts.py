"""The process's table of verified JWTs (``VerifiedJwts``), in isolation.

Pinned: an entry lives until its ``exp`` plus the leeway, the table never holds more than
``VERIFIED_JWT_CACHE_SIZE`` (oldest out first; 0 keeps none), and keys are per project and hold
no token.
"""

from __future__ import annotations

import time
from typing import Any, cast

import pytest

from stytch_discovery.sessions.types import MemberSession
from stytch_discovery.sessions.verification import VerifiedJwts

SCOPE = ("https://stytch.invalid", "project-test-1")


def session(name: str) -> MemberSession:
    return cast(MemberSession, name)  # the table keeps whatever it is given


@pytest.fixture
def table(settings: Any) -> VerifiedJwts:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "SESSION_JWT_LEEWAY": 5.0}
    return VerifiedJwts()


def test_an_entry_is_kept_until_its_expiry_plus_the_leeway(table: VerifiedJwts) -> None:
    now = time.time()
    fresh, within_leeway, stale = (VerifiedJwts.entry(SCOPE, token) for token in ("a", "b", "c"))
    table.put(fresh, session("fresh"), expires=now + 60)
    table.put(within_leeway, session("leeway"), expires=now - 2)
    table.put(stale, session("stale"), expires=now - 6)

    assert table.get(fresh) == session("fresh")
    assert table.get(within_leeway) == session("leeway")
    assert table.get(stale) is None
    assert table.get(VerifiedJwts.entry(SCOPE, "never-put")) is None


def test_the_oldest_entries_go_first_when_the_table_is_full(table: VerifiedJwts, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "VERIFIED_JWT_CACHE_SIZE": 2}
    keys = [VerifiedJwts.entry(SCOPE, token) for token in ("one", "two", "three")]
    for key, name in zip(keys, ("one", "two", "three"), strict=True):
        table.put(key, session(name), expires=time.time() + 60)

    assert [table.get(key) for key in keys] == [None, session("two"), session("three")]


def test_a_size_of_zero_keeps_nothing(table: VerifiedJwts, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "VERIFIED_JWT_CACHE_SIZE": 0}
    key = VerifiedJwts.entry(SCOPE, "token")
    table.put(key, session("s"), expires=time.time() + 60)
    assert table.get(key) is None


def test_clear_forgets_everything(table: VerifiedJwts) -> None:
    key = VerifiedJwts.entry(SCOPE, "token")
    table.put(key, session("s"), expires=time.time() + 60)
    table.clear()
    assert table.get(key) is None


def test_keys_are_per_project_and_hold_no_token() -> None:
    token = "eyJ.secret-session-jwt.sig"
    key = VerifiedJwts.entry(SCOPE, token)
    assert key != VerifiedJwts.entry(("https://stytch.invalid", "project-test-2"), token)
    assert key != VerifiedJwts.entry(("https://other.invalid", "project-test-1"), token)
    assert key == VerifiedJwts.entry(SCOPE, token)
    assert token.encode() not in key
    assert len(key) == 32
