"""The single-use record store of the browser redirects (OAuth discovery, SSO and OAuth primary)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from stytch_discovery.internal.redirect_state import RecordStore, new_state

STORE = RecordStore("test:redirect_state:")


def test_a_record_is_found_by_its_state_and_used_once() -> None:
    state = new_state()
    STORE.keep(state, {"kind": "sso"}, 60)

    assert STORE.find(state) == {"kind": "sso"}
    assert STORE.use(state) is True
    assert STORE.use(state) is False  # the racing second callback loses
    assert STORE.find(state) is None


def test_the_cache_holds_the_state_by_its_sha256_only() -> None:
    state = new_state()
    STORE.keep(state, True, 60)

    assert cache.get("test:redirect_state:" + hashlib.sha256(state.encode()).hexdigest()) is True
    assert cache.get("test:redirect_state:" + state) is None
    assert state not in STORE.key(state)


def test_two_stores_keep_apart_and_states_are_fresh() -> None:
    state = new_state()
    RecordStore("test:other:").keep(state, 1, 60)

    assert STORE.find(state) is None
    assert len(state) == 43
    assert new_state() != state
