"""DRF scoped throttling whose rates come from ``STYTCH_DISCOVERY["THROTTLE_RATES"]``.

Rates are read at request time (so ``override_settings`` works) and kept in Django's default
cache, so a shared cache (Redis, Memcached) throttles across processes. The key is what the view's
``throttle_subject()`` names (the member of a pending sign-in step), else the Django user id when
signed in, else the client's address: the socket's peer (``REMOTE_ADDR``), or the nearest
untrusted ``X-Forwarded-For`` hop when ``TRUSTED_PROXIES`` names the proxies in front
(``internal.proxies``); an IPv6 address counts as its /64. DRF's ``NUM_PROXIES`` is not used:
its default believes the raw header.
``EmailAddressThrottle`` counts a second scope per email address (a view calls it once the body
is valid); ``code_budget`` counts wrong one-time codes with the same counter.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import ScopedRateThrottle

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.emails import normalize_email
from stytch_discovery.internal.proxies import client_address, throttle_bucket
from stytch_discovery.internal.shared import log_failure

from .errors import Problem

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

#: ``_count`` on Redis: open the window if none is open, count, read the window's TTL. Redis runs
#: a script with no other command in between, so it is as atomic as MULTI/EXEC, and it is one
#: command each way: redis-py packs and parses MULTI/EXEC of the same three as five commands,
#: which cost it almost as much as the round trip.
_COUNT_SCRIPT = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
return {redis.call('INCR', KEYS[1]), redis.call('PTTL', KEYS[1])}
"""

#: The scripts (by their source), registered on one redis-py client per Django Redis backend:
#: Django builds a new client for every cache call, and building one (its table of response
#: callbacks) cost more than the round trip itself. Each runs by its SHA (EVALSHA); redis-py's
#: ``Script`` loads it again when Redis answers NOSCRIPT (a restart, a failover, ``SCRIPT FLUSH``).
_scripts: WeakKeyDictionary[Any, dict[str, Any]] = WeakKeyDictionary()


def rewrites_timeout(cache: BaseCache) -> bool:
    """Whether ``cache.incr`` stores the new count with the cache's default timeout: Django's
    generic get-then-set ``incr`` (the database and file-system caches) does, which would move a
    window's end to ``TIMEOUT`` after the last count, or to never with ``TIMEOUT: None``."""
    return type(cache).incr is BaseCache.incr


def redis_script(cache: BaseCache, source: str) -> Any | None:
    """The Lua script ``source`` on the client behind Django's ``RedisCache``, or None for any other cache."""
    if not isinstance(cache, RedisCache):
        return None
    backend = cache._cache  # one per thread, like the RedisCache that holds it
    registered = _scripts.setdefault(backend, {})
    script = registered.get(source)
    if script is None:
        script = registered[source] = backend.get_client(write=True).register_script(source)
    return script


@contextmanager
def _refused_when_down() -> Iterator[None]:
    """A cache call that fails refuses the request with the documented 503 ``throttle_unavailable``,
    logged once a minute (not per request); not a 500, whose error mail would show the request."""
    try:
        yield
    except Exception as error:  # whatever the cache backend raises when down
        log_failure(error, "requests are refused with 503 throttle_unavailable", logging.ERROR)
        raise Problem("throttle_unavailable") from error


class StytchDiscoveryThrottle(ScopedRateThrottle):
    """``view.throttle_scope`` picks the rate; a scope set to ``None`` is not throttled.

    DRF's own throttles read a history from the cache, check it and write it back, so two
    processes that read at once both get through: under load a limit of N lets more than N
    pass. Here each request increments a counter with the cache's ``incr`` (atomic in Redis,
    Memcached and the local-memory cache), so N per period means N in total, whatever the
    number of processes. The window opens with the first request and lasts one period.
    On Django's ``RedisCache`` that is one round trip per request (``_count_in_redis``).
    """

    #: Seconds left in the window, when the count told it (Redis); else read from the cache.
    remaining: float | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        self.rate = self.get_rate() if self.scope else None
        if self.rate is None:
            return True
        limit, period = self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.get_cache_key(request, view)
        if self.key is None or limit is None or period is None:
            return True
        self.now = self.timer()
        with _refused_when_down():
            return self._counted(self.key, period) <= limit

    def _counted(self, key: str, period: int) -> int:
        cache = self.backend()
        script = redis_script(cache, _COUNT_SCRIPT)
        if script is not None:
            # make_key, not make_and_validate_key: the validation only warns about keys memcached
            # would refuse, char by char, for a key that goes to Redis.
            return self._count_in_redis(script, cache.make_key(key), period)
        return self._count(cache, key, period)

    def _count_in_redis(self, script: Any, name: str, period: int) -> int:
        """``_count`` in one atomic round trip, which also tells the window's TTL."""
        count, ttl_ms = script(keys=[name], args=[period])
        self.remaining = max(0, ttl_ms) / 1000
        result: int = count
        return result

    def _count(self, cache: BaseCache, key: str, period: int) -> int:
        """This request's number in the current window (opening a window if none is open)."""
        opened = False
        for _ in range(3):
            try:
                # The common case first: a single cache call while a window is open.
                count: int = cache.incr(key)
            except ValueError:
                # No open window: open one (``add`` is atomic, so only one request opens it).
                opened = cache.add(key, 0, period)
                if opened:
                    cache.set(f"{key}:until", self.now + period, period)
                continue
            if (count == 1 and not opened) or rewrites_timeout(cache):
                self.keep_window(cache, key, period)
            return count
        return 1  # a cache that keeps losing the key cannot throttle: let the request through

    def keep_window(self, cache: BaseCache, key: str, period: int) -> None:
        """After a first count in a window this request did not open (another request's window,
        one whose counts were all taken back by ``code_budget``, or a key ``incr`` recreated
        under it with no timeout, as Redis's would), or after any count on a cache whose ``incr``
        rewrites the timeout. A window that is gone is given its period; an open one keeps the
        end its ``:until`` holds, which ``Retry-After`` told."""
        until = cache.get(f"{key}:until")
        now = self.timer()
        if until is None or until <= now:
            cache.touch(key, period)
            cache.set(f"{key}:until", now + period, period)
        elif rewrites_timeout(cache):
            cache.touch(key, max(1, math.ceil(until - now)))

    def backend(self) -> BaseCache:
        """The cache the counts are in. DRF's default is a proxy that finds this thread's cache on
        every attribute: find it once."""
        return caches[DEFAULT_CACHE_ALIAS] if self.cache is default_cache else self.cache

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        subject = getattr(view, "throttle_subject", None)
        ident = subject() if callable(subject) else None
        if ident:
            return self.cache_format % {"scope": self.scope, "ident": ident}
        return super().get_cache_key(request, view)

    def get_ident(self, request: Request) -> str:
        meta = request._request.META
        address = client_address(
            str(meta.get("REMOTE_ADDR") or ""),
            str(meta.get("HTTP_X_FORWARDED_FOR") or ""),
            app_settings.TRUSTED_PROXIES,
        )
        return throttle_bucket(address)

    def get_rate(self) -> str | None:
        return app_settings.THROTTLE_RATES.get(str(self.scope))

    def wait(self) -> float:
        if self.remaining is not None:
            return self.remaining
        # A second cache call (not on Redis, whose count told the TTL): the cache may fail here too.
        with _refused_when_down():
            until = self.cache.get(f"{self.key}:until")
        return max(0.0, until - self.now) if until is not None else float(self.duration or 0)


class EmailAddressThrottle(StytchDiscoveryThrottle):
    """A second count, per email address: ``view.email_throttle_scope`` picks the rate.

    Sends and code attempts are counted per client by the view's own scope, and per address
    here, so neither many clients nor one client can flood an inbox or guess at one address's
    code. The key holds the address's SHA-256, not the address.
    """

    scope_attr = "email_throttle_scope"

    def __init__(self, email_address: str) -> None:
        super().__init__()
        self.subject = email_subject(email_address)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.subject}


def email_subject(email_address: str) -> str:
    """Who ``email_address`` is to a count: its SHA-256, not the address, after the identity's own
    normalization (A-Z only: Unicode case rules would put distinct addresses in one bucket), but
    for the domain, lower-cased as Unicode. A domain is one domain whatever its case (``BÜCHER``
    is ``bücher``, the Kelvin sign a ``k``), and Stytch delivers and checks a code so: a domain
    written another way must not be a second budget, nor a second throttle. (The local part is
    ASCII: the serializers refuse any other.)"""
    local, at, domain = normalize_email(email_address.strip()).rpartition("@")
    digest = hashlib.sha256(f"{local}{at}{domain.lower()}".encode()).hexdigest()
    return f"email:{digest}"
