"""Transaction-scoped locks on an identity, so concurrent writers for one person queue.

A row lock cannot cover what does not exist yet (a first refresh, a first sign-in), so on
PostgreSQL this takes ``pg_advisory_xact_lock`` on (namespace, hash of the key), released with
the transaction; SQLite's database-wide write lock already serializes writers.
"""

from __future__ import annotations

from django.db import connections

#: First keys of the two-key advisory locks, so this app's locks cannot collide with the host's.
CACHE_REFRESH = 0x5D15C0
MEMBER_LINK = 0x5D15C1


def lock(namespace: int, key: str, *, using: str) -> None:
    """Hold ``key``'s lock in ``namespace`` until the current transaction ends (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [namespace, key])
