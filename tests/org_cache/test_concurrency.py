"""Concurrent refreshes of one identity on PostgreSQL: serialized, never mixed, never failing.

SQLite serializes every writer with its database lock, so only PostgreSQL (where the advisory
lock of ``internal.locks`` does the work) can show a race; CI runs this module in its
PostgreSQL pass (``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from stytch_discovery.models import CachedIdentity
from stytch_discovery.org_cache import store
from tests.helpers.org_cache import EMAIL, cached_ids, listing, org_id, snapshot

THREADS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite's lock serializes writers anyway)",
    ),
    pytest.mark.django_db(transaction=True),
]


def refresh_all_at_once(lists: list[list[int]]) -> list[BaseException]:
    """One thread per list, released together; returns what the threads raised."""
    barrier = threading.Barrier(len(lists))
    errors: list[BaseException] = []

    def refresh(numbers: list[int]) -> None:
        try:
            barrier.wait(timeout=30)
            store.record_discovery(email_address=EMAIL, discovered=listing(numbers), user=None)
        except BaseException as error:  # reported to the main thread, which fails the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh, args=(numbers,)) for numbers in lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a refresh is stuck (deadlock?)"
    return errors


@pytest.mark.parametrize("run", range(3))
def test_concurrent_refreshes_leave_exactly_one_of_the_lists(
    run: int, caplog: pytest.LogCaptureFixture
) -> None:
    # Overlapping lists of different lengths, so a mix of two refreshes would be visible.
    lists = [list(range(i, i + 5 + i % 7)) for i in range(THREADS)]
    store.record_discovery(email_address=EMAIL, discovered=listing(range(100, 110)), user=None)

    errors = refresh_all_at_once(lists)

    assert errors == []
    # record_discovery logs (rather than raises) database errors such as deadlocks.
    assert [r.getMessage() for r in caplog.records if r.name == "stytch_discovery.cache"] == []
    assert cached_ids() in [sorted(org_id(n) for n in numbers) for numbers in lists]


@pytest.mark.parametrize("run", range(3))
def test_concurrent_unchanged_and_changed_lists_leave_rows_and_digest_in_step(
    run: int, caplog: pytest.LogCaptureFixture
) -> None:
    # Every other thread lists exactly what is cached (the one-UPDATE path) while the others
    # rewrite: whichever commits last, the digest must describe the rows it left.
    cached = list(range(100, 110))
    store.record_discovery(email_address=EMAIL, discovered=listing(cached), user=None)
    lists = [cached if i % 2 else list(range(i, i + 5 + i % 7)) for i in range(THREADS)]

    errors = refresh_all_at_once(lists)

    assert errors == []
    assert [r.getMessage() for r in caplog.records if r.name == "stytch_discovery.cache"] == []
    final = cached_ids()
    (winner,) = {tuple(numbers) for numbers in lists if sorted(org_id(n) for n in numbers) == final}
    assert CachedIdentity.objects.get().organization_count == len(final)
    before = snapshot()
    store.record_discovery(email_address=EMAIL, discovered=listing(winner), user=None)
    assert snapshot() == before  # confirmed by its digest: not one row rewritten
    store.record_discovery(email_address=EMAIL, discovered=listing([1]), user=None)
    assert cached_ids() == [org_id(1)]
