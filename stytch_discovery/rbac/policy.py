"""The project's RBAC policy (``GET /v1/b2b/rbac/policy``), cached, and the local check.

Stytch's guide asks backends to refresh the policy every five minutes (a JWT, which carries the
roles, lives as long): it is kept in the process and in Django's cache for at most
``RBAC_POLICY_CACHE_SECONDS`` (300 by default, and at most that; system check E021). Django's
cache only shares it between processes: with that cache down, each process fetches its own copy
(``internal.shared.SharedCache``), still once per ``RBAC_POLICY_CACHE_SECONDS``. The check
is the SDKs' (``rbac_local``): a role of the session grants the permission when the policy gives
it the resource with that action or ``*``. Organization-scoped custom roles are a private beta of
Stytch's and are not read; ask Stytch instead (``HasStytchPermission(..., remote=True)``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from stytch_discovery.client import StytchClient
from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryResponseError
from stytch_discovery.internal.shared import SharedCache, produce_once

POLICY_PATH = "/v1/b2b/rbac/policy"


@dataclass(frozen=True)
class Policy:
    """Each role's permissions: role id -> resource id -> the actions granted."""

    roles: dict[str, dict[str, frozenset[str]]]

    @classmethod
    def from_json(cls, data: Any) -> Policy:
        policy = data.get("policy") if isinstance(data, dict) else None
        if not isinstance(policy, dict) or not isinstance(policy.get("roles"), list):
            raise StytchDiscoveryResponseError(f"Stytch's answer to GET {POLICY_PATH} has no policy.")
        roles: dict[str, dict[str, frozenset[str]]] = {}
        for role in policy["roles"]:
            if not isinstance(role, dict) or not isinstance(role.get("role_id"), str):
                raise StytchDiscoveryResponseError(
                    f"Stytch's answer to GET {POLICY_PATH} has a malformed role."
                )
            roles[role["role_id"]] = _grants(role.get("permissions") or [])
        return cls(roles)

    def granting_roles(self, roles: Iterable[str], resource_id: str, action: str) -> tuple[str, ...]:
        """The ones of ``roles`` that may do ``action`` on ``resource_id`` (empty: denied)."""
        granting = []
        for role in roles:
            actions = self.roles.get(role, {}).get(resource_id, frozenset())
            if action in actions or "*" in actions:
                granting.append(role)
        return tuple(granting)


def _grants(permissions: Any) -> dict[str, frozenset[str]]:
    """A role's actions by resource; Stytch's answer in any other shape is a bad response, not a 500."""
    if not isinstance(permissions, list):
        raise _malformed_permission()
    grants: dict[str, frozenset[str]] = {}
    for permission in permissions:
        if not isinstance(permission, dict) or not isinstance(permission.get("resource_id"), str):
            raise _malformed_permission()
        actions = permission.get("actions") or []
        if not isinstance(actions, list) or not all(isinstance(action, str) for action in actions):
            raise _malformed_permission()
        grants[permission["resource_id"]] = frozenset(actions)
    return grants


def _malformed_permission() -> StytchDiscoveryResponseError:
    return StytchDiscoveryResponseError(f"Stytch's answer to GET {POLICY_PATH} has a malformed permission.")


class PolicyCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._policies: dict[tuple[str, str], tuple[Policy, float]] = {}

    def clear(self) -> None:
        with self._lock:
            self._policies.clear()

    def policy(self, *, stytch: StytchClient) -> Policy:
        scope = (stytch.base_url, stytch.project_id)
        found = self._policies.get(scope)
        if found is not None and found[1] > time.monotonic():
            return found[0]
        with self._lock:
            key = _cache_key(scope)
            shared = SharedCache("this process fetches and keeps the RBAC policy itself")
            fetched = _unexpired(shared.get(key)) or produce_once(
                key, lambda: _fetch(key, stytch, shared), shared
            )
            if fetched is None:
                # The other process failed: ask ourselves, errors included.
                fetched = _fetch(key, stytch, shared)
            policy = Policy.from_json(fetched["answer"])
            # Kept for what is left of the policy's lifetime, counted from its fetch by whichever
            # process made it: a copy read from the cache must not live on for a lifetime more.
            left = app_settings.RBAC_POLICY_CACHE_SECONDS - (time.time() - fetched["fetched_at"])
            self._policies[scope] = (policy, time.monotonic() + left)
            return policy


def _cache_key(scope: tuple[str, str]) -> str:
    digest = hashlib.sha256("\n".join(scope).encode()).hexdigest()[:24]
    # "fetched" since the value holds its fetch time (the bare answer, shared before, did not).
    return f"stytch_discovery:rbac-policy-fetched:{digest}"


def _unexpired(fetched: Any) -> dict[str, Any] | None:
    """A shared copy (``_fetch``'s value) still within ``RBAC_POLICY_CACHE_SECONDS`` of its fetch."""
    if not isinstance(fetched, dict) or not isinstance(fetched.get("fetched_at"), float):
        return None
    if time.time() - fetched["fetched_at"] >= app_settings.RBAC_POLICY_CACHE_SECONDS:
        return None
    return fetched


def _fetch(key: str, stytch: StytchClient, shared: SharedCache) -> dict[str, Any]:
    """Stytch's answer, with the wall-clock time of its fetch (the processes' common clock)."""
    fetched = {"fetched_at": time.time(), "answer": stytch.get(POLICY_PATH)}
    shared.set(key, fetched, app_settings.RBAC_POLICY_CACHE_SECONDS)
    return fetched


#: The process's policies.
policies = PolicyCache()
