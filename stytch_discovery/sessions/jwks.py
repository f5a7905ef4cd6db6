"""The project's signing keys (its JWKS), for verifying session JWTs without asking Stytch.

Fetched with ``GET /v1/b2b/sessions/jwks/{project_id}`` through the package's transport (so
with its timeouts), kept in the process for ``JWKS_CACHE_SECONDS`` and shared with the other
processes through Django's cache, so a fleet fetches each key set about once. A key id that is
not in the set (Stytch rotated its key) refetches it, at most once per
``JWKS_REFETCH_COOLDOWN`` across the processes sharing the cache. A failed fetch keeps the keys
already known (a JWKS outage is not a login outage, unlike PyJWKClient's, which drops them).
Django's cache being down is not one either: each process then fetches and keeps its own keys,
and counts the refetch cooldown itself (``internal.shared.SharedCache``).
The JWKS holds public keys only: caching it anywhere is safe.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from jwt import PyJWK, PyJWTError

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryError
from stytch_discovery.internal.shared import SharedCache, produce_once

logger = logging.getLogger("stytch_discovery.sessions")

JWKS_PATH = "/v1/b2b/sessions/jwks/{project_id}"


@dataclass(frozen=True)
class KeySet:
    """The keys of one fetch, by key id, and until when this process trusts it without asking."""

    keys: dict[str, PyJWK]
    fresh_until: float  # time.monotonic()


def parse_jwks(data: Any) -> dict[str, PyJWK]:
    """The RS256 keys of a JWKS answer, by key id; keys this code cannot use are skipped."""
    keys: dict[str, PyJWK] = {}
    for entry in data.get("keys", []) if isinstance(data, dict) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            keys[entry["kid"]] = PyJWK(entry, algorithm="RS256")
        # PyJWTError, not only PyJWKError: an RSA key missing a part raises InvalidKeyError.
        except (PyJWTError, ValueError, TypeError):
            logger.warning("Stytch JWKS: key %s is not a usable RS256 key; skipped", entry["kid"])
    return keys


Scope = tuple[str, str]


def scope_of(stytch: StytchClient | None) -> Scope:
    """(base URL, project id) of ``stytch``, else of the settings, without building a client."""
    if stytch is not None:
        return stytch.base_url, stytch.project_id
    return app_settings.BASE_URL, app_settings.PROJECT_ID or ""


class SigningKeys:
    """The key sets of every (base URL, project) this process verifies JWTs for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sets: dict[Scope, KeySet] = {}
        #: When this process last refetched for an unknown key id (time.monotonic()), counted
        #: here only while Django's cache, which counts it across the processes, is down.
        self._refetched: dict[Scope, float] = {}

    def clear(self) -> None:
        """Forget every key set of this process (tests; Django's cache is not touched)."""
        with self._lock:
            self._sets.clear()
            self._refetched.clear()

    def known(self, scope: Scope) -> bool:
        """Whether this process holds any key of the project of ``scope``."""
        found = self._sets.get(scope)
        return found is not None and bool(found.keys)

    def key(self, kid: str, *, scope: Scope, stytch: StytchClient | None = None) -> PyJWK | None:
        """The key ``kid`` of the project of ``scope``, fetching the key set when needed; None if unknown.

        ``stytch`` fetches it (the settings' client when None, built only then: most calls find
        the key in the process).
        """
        known = self._sets.get(scope)
        if known is not None and known.fresh_until > time.monotonic() and kid in known.keys:
            return known.keys[kid]
        with self._lock:
            return self._refresh(scope, stytch or StytchClient.from_settings(), kid).get(kid)

    def _refresh(self, scope: Scope, stytch: StytchClient, kid: str) -> dict[str, PyJWK]:
        """Under the lock: the freshest keys to be had for ``kid``, keeping the old ones on failure."""
        known = self._sets.get(scope)
        now = time.monotonic()
        if known is not None and known.fresh_until > now and kid in known.keys:
            return known.keys  # another thread refreshed while this one waited
        keys: dict[str, PyJWK] | None = None
        fetched = False
        shared = SharedCache("this process fetches and keeps the JWKS itself")
        copy = shared.get(_cache_key(scope))
        if copy is not None:
            keys = parse_jwks(copy)
        elif known is None or known.fresh_until <= now:
            keys, fetched = (
                _parse_or_none(
                    produce_once(_cache_key(scope), lambda: _fetch(scope, stytch, shared), shared)
                ),
                True,
            )
        else:
            # No shared copy (expired, or the cache is down) but this process's own keys are fresh:
            # they lack ``kid``, so the refetch below decides, as with a shared copy.
            keys = known.keys
        if keys is not None and kid not in keys and not fetched and self._may_refetch(scope, shared):
            # Stytch may have rotated its key: ask once per cooldown, not on every request.
            keys = _parse_or_none(_fetch(scope, stytch, shared)) or keys
        if keys is None:
            # Keep trusting the keys we had (none yet: an empty set); try again after a cooldown, not
            # on every request: each attempt waits for Stytch's timeout, under this lock.
            kept = known.keys if known is not None else {}
            self._sets[scope] = KeySet(kept, now + app_settings.JWKS_REFETCH_COOLDOWN)
            return kept
        if known is None or keys is not known.keys:
            self._sets[scope] = KeySet(keys, now + app_settings.JWKS_CACHE_SECONDS)
        return keys  # the same keys as before keep their freshness: no refetch postpones the next

    def _may_refetch(self, scope: Scope, shared: SharedCache) -> bool:
        """An unknown key id may refetch once per cooldown, counted across the processes (in this
        one while the cache is down: then each process refetches as it would alone)."""
        cooldown = app_settings.JWKS_REFETCH_COOLDOWN
        counted = shared.add(_cache_key(scope, ":refetched"), 1, cooldown)
        if counted is not None:
            return counted
        now = time.monotonic()
        if now < self._refetched.get(scope, -math.inf) + cooldown:
            return False
        self._refetched[scope] = now
        return True


def _parse_or_none(data: dict[str, Any] | None) -> dict[str, PyJWK] | None:
    return None if data is None else parse_jwks(data)


def _cache_key(scope: Scope, suffix: str = "") -> str:
    digest = hashlib.sha256("\n".join(scope).encode()).hexdigest()[:24]
    return f"stytch_discovery:jwks:{digest}{suffix}"


def _fetch(scope: Scope, stytch: StytchClient, shared: SharedCache) -> dict[str, Any] | None:
    """One JWKS fetch, stored for the other processes; None (and a warning) when it fails."""
    try:
        data = stytch.get(JWKS_PATH.format(project_id=stytch.project_id))
    except StytchDiscoveryError as error:
        logger.warning("Stytch JWKS could not be fetched (%s); keeping the keys already known", error)
        return None
    shared.set(_cache_key(scope), data, app_settings.JWKS_CACHE_SECONDS)
    return data


#: The process's key sets, shared by every request.
signing_keys = SigningKeys()
