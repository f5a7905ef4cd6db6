"""Failure lines that would repeat with every request, logged at most once a minute per process.

While something the requests need is down (Django's cache, Stytch) every request fails the same
way, and a line each would flood the logs (hiding the rest, and paid for) and, at ERROR, the
admins' mailboxes, with nothing new. The first failure of a kind is still logged at once, and one a
minute then tells that it goes on and, by its count, how many failures it stands for. Per process,
since processes could only agree through a cache, which may be what is down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

#: A process logs a failure of one kind at most once in this many seconds.
INTERVAL_SECONDS = 60


class FailureLog:
    """Lines on ``logger``, at most one per kind each ``INTERVAL_SECONDS``; the failures not logged
    are counted, and the next line of the same kind tells their number. Thread-safe. ``clock`` is
    monotonic seconds."""

    def __init__(self, logger: logging.Logger, clock: Callable[[], float] = time.monotonic) -> None:
        self.logger = logger
        self.clock = clock
        self._lock = threading.Lock()
        #: kind -> (when it was last logged, failures since not logged). The kinds are the callers'
        #: constant texts, so the table stays a few entries long.
        self._last: dict[str, tuple[float, int]] = {}

    def log(self, kind: str, level: int, message: str, *args: object) -> None:
        """Log ``message % args`` at ``level`` unless a line of ``kind`` was logged less than the
        interval ago (then only count it)."""
        now = self.clock()
        with self._lock:
            logged_at, unlogged = self._last.get(kind, (None, 0))
            if logged_at is not None and now - logged_at < INTERVAL_SECONDS:
                self._last[kind] = (logged_at, unlogged + 1)
                return
            self._last[kind] = (now, 0)
        if unlogged:
            message, args = f"{message}; %d more since the last warning", (*args, unlogged)
        self.logger.log(level, message, *args)

    def clear(self) -> None:
        """Forget what was logged (tests): the next failure of each kind is logged."""
        with self._lock:
            self._last.clear()
