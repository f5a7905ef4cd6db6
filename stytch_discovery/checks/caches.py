"""System checks of Django's default cache, which holds the throttle counters, the redirect states
and the work the processes share: a Redis there needs socket timeouts, or one that stops answering
holds every request that reaches it (a hung worker)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Warning
from django.utils.module_loading import import_string

from .core import is_number

#: The Redis backends whose options are known, with what their OPTIONS call the connect and the
#: read timeouts: Django's own (redis-py's names) and django-redis's. Others are not checked.
REDIS_TIMEOUT_OPTIONS = {
    "django.core.cache.backends.redis.RedisCache": ("socket_connect_timeout", "socket_timeout"),
    "django_redis.cache.RedisCache": ("SOCKET_CONNECT_TIMEOUT", "SOCKET_TIMEOUT"),
}
#: redis-py's names of the same timeouts, which it also reads from a server URL's query
#: (``redis://redis:6379/0?socket_timeout=0.5``), over the OPTIONS.
_URL_NAMES = ("socket_connect_timeout", "socket_timeout")


def default_cache() -> dict[str, Any]:
    """``CACHES["default"]``, or {} when it is missing or not a dict (Django reports that itself)."""
    caches = getattr(settings, "CACHES", None)
    default = caches.get("default") if isinstance(caches, dict) else None
    return default if isinstance(default, dict) else {}


def _class_names(backend: object) -> list[str]:
    """The dotted names of the backend's class and its bases (a subclass reads its base's OPTIONS),
    or the path alone when it does not import."""
    if not isinstance(backend, str):
        return []
    try:
        backend_class = import_string(backend)
    except ImportError:
        return [backend]
    return [f"{base.__module__}.{base.__qualname__}" for base in getattr(backend_class, "__mro__", ())]


def _servers(location: object) -> list[str]:
    """The server URLs of a LOCATION: a list, or a string of them separated as Django splits it."""
    if isinstance(location, str):
        return [server for server in re.split("[;,]", location) if server]
    if isinstance(location, (list, tuple)):
        return [str(server) for server in location]
    return []


def _in_the_query(name: str, url: str) -> bool:
    """Whether ``url``'s query sets ``name`` to a positive number (redis-py reads the first one)."""
    try:
        values = parse_qs(urlsplit(url).query).get(name, [])
        return bool(values) and float(values[0]) > 0
    except ValueError:  # a malformed URL or number, which redis-py refuses on the first call
        return False


def _is_set(option: str, url_name: str, options: dict[str, Any], servers: list[str]) -> bool:
    """Whether a timeout is a positive number of seconds, in the OPTIONS or in every server's URL."""
    value = options.get(option, 0)
    in_options = is_number(value) and value > 0
    return in_options or (bool(servers) and all(_in_the_query(url_name, server) for server in servers))


def check_cache_timeouts() -> Iterable[CheckMessage]:
    cache = default_cache()
    names = next(
        (
            REDIS_TIMEOUT_OPTIONS[name]
            for name in _class_names(cache.get("BACKEND"))
            if name in REDIS_TIMEOUT_OPTIONS
        ),
        None,
    )
    if names is None:
        return
    options = cache.get("OPTIONS")
    options = options if isinstance(options, dict) else {}
    servers = _servers(cache.get("LOCATION"))
    missing = [
        option
        for option, url_name in zip(names, _URL_NAMES, strict=True)
        if not _is_set(option, url_name, options, servers)
    ]
    if missing:
        suggested = ", ".join(f'"{option}": 0.5' for option in names)
        yield Warning(
            f"The default cache is a Redis without {' and '.join(missing)} (in its OPTIONS or its "
            "URL): one that stops answering would hold every request that throttles, checks a "
            "session or starts SSO or OAuth as long as redis-py waits (until the OS gives up "
            "before redis-py 8, 5 seconds a call since), a worker stuck there answering no one.",
            hint=f"Give the cache OPTIONS {{{suggested}}} (seconds), as docs/deploying.md shows.",
            id="stytch_discovery.W037",
        )
