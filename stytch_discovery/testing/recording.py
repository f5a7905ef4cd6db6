"""What the fake saw: request counts per path, accepted connections, and a request log.

Only API calls are recorded; the ``/_fake/`` control endpoints are not, so a test's own
set-up and assertions do not disturb the numbers it asserts.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any

Json = dict[str, Any]

REQUEST_LOG_SIZE = 1000


def redacted(name: str, value: str) -> str:
    if name.lower() != "authorization":
        return value
    scheme = value.split(" ", 1)[0]
    return f"{scheme} ***"


class Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._connections = 0
        self._log: deque[Json] = deque(maxlen=REQUEST_LOG_SIZE)

    def connection_opened(self) -> None:
        with self._lock:
            self._connections += 1

    def record(self, method: str, path: str, headers: Iterable[tuple[str, str]], body: Any) -> None:
        entry = {
            "method": method,
            "path": path,
            "headers": {name: redacted(name, value) for name, value in headers},
            "json": body,
        }
        with self._lock:
            self._counts[path] += 1
            self._log.append(entry)

    def stats(self) -> Json:
        with self._lock:
            return {"requests": dict(self._counts), "connections": self._connections}

    def requests(self) -> list[Json]:
        with self._lock:
            return list(self._log)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._connections = 0
            self._log.clear()
