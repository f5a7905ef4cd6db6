"""A Django cache backend that is down: every call raises, as a cache client does when its server is gone.

For the suites run without the ``load`` group (no redis-py): the Redis variant of the same
tests points Django's own ``RedisCache`` at a port nothing listens on.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import BaseCache


class CacheDown(ConnectionError):
    """What the cache client raised."""


class DownCache(BaseCache):
    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def __getattribute__(self, name: str) -> Any:
        if name in {"add", "get", "set", "touch", "delete", "incr", "decr", "get_many", "has_key", "clear"}:
            raise CacheDown("the cache server does not answer")
        return super().__getattribute__(name)
