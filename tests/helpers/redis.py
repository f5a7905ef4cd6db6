"""Django's default cache on a real Redis, for the tests of what must hold across processes.

Needs Redis at ``REDIS_URL`` (default 127.0.0.1:6379, as ``test_load``); a Redis that does not
answer fails the test (it is part of the test environment), it does not skip it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}


def redis_client() -> Any:
    return caches["default"]._cache.get_client(write=True)  # type: ignore[attr-defined]


def delete_prefixed(prefix: str) -> None:
    # Not cache.clear(): on RedisCache that is FLUSHDB, which would also wipe the counters of
    # anything else using this Redis (a load test or benchmark running alongside).
    client = redis_client()
    for name in client.scan_iter(match=f"{prefix}:*"):
        client.delete(name)


@pytest.fixture
def redis_cache() -> Iterator[str]:
    """Django's default cache on Redis under a fresh ``KEY_PREFIX``, which it yields."""
    pytest.importorskip("redis")
    prefix = f"stytch-throttle-test-{uuid.uuid4().hex}"
    with override_settings(CACHES={"default": {**REDIS_CACHE, "KEY_PREFIX": prefix}}):
        try:
            caches["default"].get("ping")
        except Exception as error:  # any connection failure means "no Redis here"
            pytest.fail(f"Redis at {REDIS_URL} does not answer: {error}")
        yield prefix
        delete_prefixed(prefix)
