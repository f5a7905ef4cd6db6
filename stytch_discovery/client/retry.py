"""The retry policy of the transport: which failures may be sent again, and after how long.

A call is sent again only when that cannot make Stytch act twice: when the request provably
never left this host, or when the call is read-only (``idempotent``) and failed in a way a
second try can fix (connection errors, 429, 502/503/504).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


def never_reached_stytch(error: requests.RequestException) -> bool:
    """True when the request provably never left this host: refused or connect timeout."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def retry_after_seconds(response: requests.Response) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date), None when absent."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int
    backoff: float
    max_retry_after: float

    @staticmethod
    def may_resend_after(error: requests.RequestException, *, idempotent: bool) -> bool:
        """Whether a transport failure may be retried.

        A read timeout is not retried even for a read-only call: the caller's wait would
        double, and a hung Stytch is not helped by a second wait.
        """
        return never_reached_stytch(error) or (idempotent and isinstance(error, requests.ConnectionError))

    @staticmethod
    def may_resend_status(status: int, *, idempotent: bool) -> bool:
        return idempotent and status in RETRYABLE_STATUSES

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait after failed ``attempt`` (1-based), or None when no retry is left."""
        if attempt > self.max_retries:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        # Full jitter keeps many workers from retrying in lock-step.
        return random.uniform(0, self.backoff * 2 ** (attempt - 1))  # noqa: S311
