"""Work shared between processes through Django's cache, which may be down: a single-flight.

Used where every process of a fleet would otherwise ask Stytch the same thing at the same
moment (the JWKS at start-up, the refresh of an expired session JWT that several requests
carry): the first process to claim the key asks, the others wait a moment for its answer.
Only public or token-free values go into the cache.

The cache only saves work there, so it may fail: a :class:`SharedCache` goes around a cache that
does not answer, and its operation goes on in the process (asking Stytch as one process alone
would). It logs a warning naming the exception's type, never its text (a cache client's message
can carry its URL, and a Redis URL its password), at most one per consequence a minute in each
process (``internal.failure_log``), and makes no further cache call in that operation (a cache
that times out would cost its timeout at each). What cannot go on without the cache (the throttles,
the single-use redirect states) refuses the request and logs through the same, at ERROR.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache as django_cache

from stytch_discovery.internal.failure_log import FailureLog

Value = TypeVar("Value")

logger = logging.getLogger("stytch_discovery.cache")

#: How long a process that finds another one producing waits for its result before producing too.
WAIT_SECONDS = 1.0
_POLL_SECONDS = 0.02
#: How long a claim lives if its process dies before releasing it.
_CLAIM_SECONDS = 15


class SharedCache:
    """Django's default cache for one operation; once a call fails, the cache counts as down until
    the operation ends: it holds nothing and stores nothing. ``consequence`` ends the warning (what
    the operation does without the cache)."""

    def __init__(self, consequence: str) -> None:
        self.consequence = consequence
        self.down = False

    def get(self, key: str) -> Any:
        """The value at ``key``; None when there is none or the cache is down."""
        return self._call("get", key)

    def add(self, key: str, value: Any, timeout: float) -> bool | None:
        """Store ``value`` unless ``key`` holds one: whether it did, or None when the cache is down."""
        added = self._call("add", key, value, timeout)
        return None if self.down else bool(added)

    def set(self, key: str, value: Any, timeout: float) -> None:
        self._call("set", key, value, timeout)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def _call(self, method: str, *args: Any) -> Any:
        if self.down:
            return None
        try:
            return getattr(django_cache, method)(*args)
        except Exception as error:  # whatever the cache backend raises when its server is gone
            self.down = True
            log_failure(error, self.consequence)
            return None


#: The cache's warnings, at most one per consequence a minute in each process: while the cache is
#: down every request fails the same way. A warning is at WARNING, or at the level its caller
#: gives: ERROR where the consequence is a refused request (the server must be fixed), which a
#: request's own log line then leaves out (``internal.http.errors.CACHE_DOWN_CODES``), or an
#: outage would log an error per request.
failure_warnings = FailureLog(logger)


def log_failure(error: Exception, consequence: str, level: int = logging.WARNING) -> None:
    """Warn that a cache call failed, naming the exception's type only (its text may carry the
    cache's URL), unless a warning of the same consequence was logged less than a minute ago."""
    failure_warnings.log(
        consequence, level, "Django's cache failed (%s): %s", type(error).__name__, consequence
    )


def produce_once(key: str, produce: Callable[[], Value | None], shared: SharedCache) -> Value | None:
    """``produce()`` (which stores its value at ``key``) here, or the value another process stored.

    Returns None when neither gives a value (the producer failed, or took too long and ours did).
    With the cache down, ``produce()`` runs here at once.
    """
    claim = f"{key}:producing"
    claimed = shared.add(claim, 1, _CLAIM_SECONDS)
    if claimed is False:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and not shared.down:
            time.sleep(_POLL_SECONDS)
            found: Value | None = shared.get(key)
            if found is not None:
                return found
        return produce()
    try:
        return produce()
    finally:
        if claimed:
            shared.delete(claim)
