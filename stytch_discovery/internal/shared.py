"""One process computes what several would: a small single-flight over Django's cache.

Used where every process of a fleet would otherwise ask Stytch the same thing at the same
moment (the JWKS at start-up, the refresh of an expired session JWT that several requests
carry): the first process to claim the key asks, the others wait a moment for its answer.
Only public or token-free values go into the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache as django_cache

Value = TypeVar("Value")

#: How long a process that finds another one producing waits for its result before producing too.
WAIT_SECONDS = 1.0
_POLL_SECONDS = 0.02
#: How long a claim lives if its process dies before releasing it.
_CLAIM_SECONDS = 15


def produce_once(key: str, produce: Callable[[], Value | None]) -> Value | None:
    """``produce()`` (which stores its value at ``key``) here, or the value another process stored.

    Returns None when neither gives a value (the producer failed, or took too long and ours did).
    """
    claim = f"{key}:producing"
    if not django_cache.add(claim, 1, _CLAIM_SECONDS):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
            found: Value | None = django_cache.get(key)
            if found is not None:
                return found
        return produce()
    try:
        return produce()
    finally:
        django_cache.delete(claim)
