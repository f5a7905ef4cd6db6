"""Single-use records of the browser redirects that start at Stytch: OAuth discovery, SSO and OAuth
as the primary step.

A start draws a random state (it goes to the browser in a cookie, each flow its own way) and keeps
what the callback will need under the state's SHA-256 in Django's cache, so the cache holds no
state a cookie could be rebuilt from. The callback finds the record by its state, then uses it:
``cache.delete`` answers True to one caller only, so of two racing callbacks exactly one wins.
The cache must be shared between processes (Redis, Memcached), as for the throttles. Without it
no start could be made single use, so a cache that fails is a 503 ``cache_unavailable`` (on these
browser navigations, a redirect with that code), at the start as at the callback.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from stytch_discovery.internal import pkce
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.shared import log_failure

Result = TypeVar("Result")


def new_state() -> str:
    """A fresh random state (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class RecordStore:
    """The records of one flow kind, under cache keys that start with ``prefix``."""

    prefix: str

    @sensitive_variables("state")
    def key(self, state: str) -> str:
        return self.prefix + hashlib.sha256(state.encode()).hexdigest()

    def keep(self, state: str, record: Any, seconds: int) -> None:
        """Keep ``record`` for ``state`` ``seconds`` long (it replaces any earlier one)."""
        _guarded(lambda: cache.set(self.key(state), record, seconds))

    def find(self, state: str) -> Any:
        """The record kept for ``state``, or None (never kept, expired or used)."""
        return _guarded(lambda: cache.get(self.key(state)))

    def use(self, state: str) -> bool:
        """Remove the record: True for the one caller that removed it, False for the others."""
        return bool(_guarded(lambda: cache.delete(self.key(state))))


@sensitive_variables("state")
def recorded_verifier(state: str, record: Mapping[str, Any], *, salt: str) -> str | None:
    """The PKCE verifier of the start ``record`` was kept for: derived again under the key that
    gives the challenge the record holds (``pkce.verifier_of``), None when no key kept does. A
    record without a challenge was written by the version before challenges were kept (a sign-in
    under way through the upgrade): that version derived under the current key, and so does this."""
    if "challenge" not in record:
        return pkce.code_verifier(state, salt=salt)
    challenge = record["challenge"]
    return pkce.verifier_of(state, salt=salt, challenge=challenge) if isinstance(challenge, str) else None


def _guarded(call: Callable[[], Result]) -> Result:
    """``call()``, the cache's failure a documented 503 (never a 500 nor a start used twice)."""
    try:
        return call()
    except Exception as error:  # whatever the cache backend raises when its server is gone
        log_failure(error, "the sign-in redirect is refused", logging.ERROR)
        raise Problem("cache_unavailable") from error
