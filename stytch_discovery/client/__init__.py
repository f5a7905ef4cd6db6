"""HTTP transport to Stytch: pooled sessions (``pool``), Basic auth, timeouts, retries (``retry``),
and what answers mean (``answers``).

The client knows HTTP and nothing about endpoints, users, models or views: each feature keeps
the paths it calls next to the payloads it builds. It never logs a body, and no exception it
raises carries a token, a request body or the secret.

Each call sends a copy of a request prepared once per method and URL through
``requests.Session.send``: the session's hooks and any instrumentation that wraps ``send``
(OpenTelemetry's, ddtrace's) see every Stytch call, while ``Session.request``'s per-call
merging of cookies, environment and settings is skipped. Stytch never redirects, so a 3xx is
not followed, and no cookie is kept.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from django.utils.module_loading import import_string
from django.views.decorators.debug import sensitive_variables
from requests.adapters import HTTPAdapter

from stytch_discovery import __version__
from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryConfigurationError

from .answers import log_retry, ms, result, transport_error
from .body import read_body
from .pool import Pool, close_sessions, read_environment_once, thread_pools
from .retry import RetryPolicy, retry_after_seconds

logger = logging.getLogger("stytch_discovery.client")

USER_AGENT = f"django-stytch-discovery/{__version__} python-requests/{requests.__version__}"

__all__ = ["USER_AGENT", "SessionFactory", "StytchClient", "close_sessions"]

SessionFactory = Callable[[], requests.Session]


def _configured_session_factory() -> SessionFactory | None:
    path = app_settings.SESSION_FACTORY
    return import_string(path) if path else None


@dataclass(frozen=True)
class StytchClient:
    """One configured view of Stytch; cheap to build, sessions are pooled per thread.

    ``session_factory`` (the ``SESSION_FACTORY`` setting) builds the ``requests.Session`` each
    thread uses, for proxies, a CA bundle or client certificates; the client then adds its
    credentials, its headers and its own adapter (no urllib3 retries) for ``base_url``.
    """

    project_id: str
    secret: str
    base_url: str
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    max_retries: int = 2
    retry_backoff: float = 0.2
    retry_deadline: float = 15.0
    max_retry_after: float = 5.0
    session_factory: SessionFactory | None = None

    def __repr__(self) -> str:
        # The default dataclass repr would print the secret.
        return f"StytchClient(project_id={self.project_id!r}, base_url={self.base_url!r})"

    @classmethod
    def from_settings(cls) -> StytchClient:
        project_id, secret = app_settings.PROJECT_ID, app_settings.SECRET
        if not project_id or not secret:
            raise StytchDiscoveryConfigurationError(
                "Stytch credentials are missing: set STYTCH_DISCOVERY['PROJECT_ID'] and ['SECRET'] "
                "(or STYTCH_PROJECT_ID / STYTCH_SECRET)."
            )
        return cls(
            project_id=project_id,
            secret=secret,
            base_url=app_settings.BASE_URL,
            connect_timeout=app_settings.CONNECT_TIMEOUT,
            read_timeout=app_settings.READ_TIMEOUT,
            max_retries=app_settings.MAX_RETRIES,
            retry_backoff=app_settings.RETRY_BACKOFF,
            retry_deadline=app_settings.RETRY_DEADLINE,
            max_retry_after=app_settings.MAX_RETRY_AFTER,
            session_factory=_configured_session_factory(),
        )

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_retries=self.max_retries, backoff=self.retry_backoff, max_retry_after=self.max_retry_after
        )

    def create_session(self) -> requests.Session:
        """A new session for one thread: the factory's, or a plain one. Subclasses may override."""
        return self.session_factory() if self.session_factory is not None else requests.Session()

    def session(self) -> requests.Session:
        """This thread's keep-alive session for these credentials."""
        return self._pool().session

    def _pool(self) -> Pool:
        # Keyed on a digest so the secret itself is not a dict key that could be dumped.
        digest = hashlib.sha256(self.secret.encode()).hexdigest()
        key = (self.base_url, self.project_id, digest, self.session_factory)
        pools = thread_pools()
        pool = pools.get(key)
        if pool is None:
            session = self.create_session()
            session.auth = (self.project_id, self.secret)
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
            # Stytch sets no cookie this client needs; a load balancer's would only pile up.
            session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            read_environment_once(session, self.base_url)
            # urllib3 must not retry on its own: this client decides what is safe to resend.
            session.mount(self.base_url, HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0))
            pool = pools[key] = Pool(session)
        return pool

    def get(self, path: str) -> dict[str, Any]:
        """GET ``path``; read-only, so retried on transient failures."""
        return self.request("GET", path, idempotent=True)

    def post(self, path: str, payload: Mapping[str, Any], *, idempotent: bool = False) -> dict[str, Any]:
        """POST JSON to ``path``; see :meth:`request`."""
        return self.request("POST", path, payload, idempotent=idempotent)

    @sensitive_variables("payload", "body", "response", "content")
    def request(
        self,
        method: str,
        path: str,
        payload: Mapping[str, Any] | None = None,
        *,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """Send ``payload`` (JSON, if any) to ``path`` and return the decoded success body.

        ``idempotent`` calls (read-only ones) are retried on connection errors, 429 and
        502/503/504 within ``retry_deadline``; other calls only when the request provably
        never reached Stytch.
        """
        body = None if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        deadline = time.monotonic() + self.retry_deadline
        policy, attempt = self.retry_policy, 0
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                response, content = self._attempt(method, self.base_url + path, body, deadline)
            except requests.RequestException as error:
                outcome = f"failed ({type(error).__name__})"
                if policy.may_resend_after(error, idempotent=idempotent) and self._wait(
                    attempt, deadline, None
                ):
                    log_retry(method, path, outcome, started, attempt)
                    continue
                logger.warning("Stytch %s %s %s after %.1f ms", method, path, outcome, ms(started))
                raise transport_error(method, path, error) from error
            status = response.status_code
            retry_after = retry_after_seconds(response) if status == 429 else None
            if policy.may_resend_status(status, idempotent=idempotent) and self._wait(
                attempt, deadline, retry_after
            ):
                log_retry(method, path, f"answered {status}", started, attempt)
                continue
            return result(
                method, path, status, content, retry_after, started, secret=self.secret, payload=payload
            )

    @sensitive_variables("body", "request")  # the request holds the body and the Authorization header
    def _attempt(
        self, method: str, url: str, body: bytes | None, deadline: float
    ) -> tuple[requests.Response, bytes]:
        """One HTTP exchange, its body read in full (so the connection returns to the pool)."""
        pool = self._pool()
        request = pool.prepared(method, url, body)
        remaining = deadline - time.monotonic()
        timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
        response = pool.session.send(
            request, allow_redirects=False, stream=True, timeout=timeout, proxies=pool.session.proxies
        )
        # Read here, in large reads rather than requests' 10 KB chunks: a failure while reading
        # maps like any transport error, and the 1 MB answer listing 500 organizations is one read.
        return response, read_body(response, deadline)

    def _wait(self, attempt: int, deadline: float, retry_after: float | None) -> bool:
        """Sleep before the next attempt; False when retries or the deadline are used up."""
        delay = self.retry_policy.delay(attempt, retry_after)
        if delay is None or time.monotonic() + delay >= deadline:
            return False
        time.sleep(delay)
        return True
