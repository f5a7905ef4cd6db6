"""Work shared between processes through Django's cache, which may be down: a single-flight.

Used where every process of a fleet would otherwise ask Stytch the same thing at the same
moment (the JWKS at start-up, the refresh of an expired session JWT that several requests
carry): the first process to claim the key asks, the others wait a moment for its answer.
Only public or token-free values go into the cache.

The cache only saves work there, so it may fail: a :class:`SharedCache` goes around a cache that
does not answer, and its operation goes on in the process (asking Stytch as one process alone
would). It logs a warning naming the exception's type, never its text (a cache client's message
can carry its URL, and a Redis URL its password), at most one per consequence a minute in each
process (:class:`FailureWarnings`), and makes no further cache call in that operation (a cache
that times out would cost its timeout at each). What cannot go on without the cache (the throttles,
the single-use redirect states) refuses the request and logs through the same, at ERROR.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache as django_cache

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


#: A process warns of a failing cache at most once per consequence in this many seconds. While
#: the cache is down every request fails the same way, and a warning each would flood the logs
#: (hiding the rest, and paid for) with nothing new. The first failure is still logged at once,
#: and one a minute then tells that the outage goes on and, by its count, how many requests it
#: touched. Per process, since the processes could only agree through the cache that is down.
WARNING_INTERVAL_SECONDS = 60


class FailureWarnings:
    """The warnings of one process about a failing cache, at most one per consequence each
    ``WARNING_INTERVAL_SECONDS``; the failures not logged are counted, and the next warning of the
    same consequence tells their number. Thread-safe. ``clock`` is monotonic seconds.

    A warning is at WARNING, or at the level its caller gives: ERROR where the consequence is a
    refused request (the server must be fixed), which a request's own log line then leaves out
    (``internal.http.errors.CACHE_DOWN_CODES``), or an outage would log an error per request."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        #: consequence -> (when it was last logged, failures since not logged). The consequences
        #: are the callers' constant texts, so the table stays a few entries long.
        self._last: dict[str, tuple[float, int]] = {}

    def log(self, error: Exception, consequence: str, level: int = logging.WARNING) -> None:
        """Warn of ``error`` at ``level``, naming its type only (its text may carry the cache's
        URL), unless a warning of the same consequence was logged less than the interval ago."""
        now = self.clock()
        with self._lock:
            logged_at, unlogged = self._last.get(consequence, (None, 0))
            if logged_at is not None and now - logged_at < WARNING_INTERVAL_SECONDS:
                self._last[consequence] = (logged_at, unlogged + 1)
                return
            self._last[consequence] = (now, 0)
        more = f"; {unlogged} more since the last warning" if unlogged else ""
        logger.log(level, "Django's cache failed (%s): %s%s", type(error).__name__, consequence, more)

    def clear(self) -> None:
        """Forget what was logged (tests): the next failure of each consequence is logged."""
        with self._lock:
            self._last.clear()


failure_warnings = FailureWarnings()


def log_failure(error: Exception, consequence: str, level: int = logging.WARNING) -> None:
    """Warn that a cache call failed, as :class:`FailureWarnings` allows."""
    failure_warnings.log(error, consequence, level)


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
