"""HTTP transport to Stytch: pooled sessions, Basic auth, timeouts, safe retries, error mapping.

Each call goes straight to the session's ``HTTPAdapter`` with a copy of a request prepared once
per URL, skipping ``Session.request`` (cookies, hooks, redirects, environment merging): Stytch
sets no cookies this client needs and never redirects, so a 3xx is not followed.

The client knows HTTP and nothing about users, models or views. It never logs a body,
and no exception it raises carries a token, a request body or the secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.views.decorators.debug import sensitive_variables
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from . import __version__
from .conf import app_settings
from .exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)

logger = logging.getLogger(__name__)

LIST_ORGANIZATIONS = "/v1/b2b/discovery/organizations"
CREATE_ORGANIZATION = "/v1/b2b/discovery/organizations/create"
EXCHANGE_INTERMEDIATE_SESSION = "/v1/b2b/discovery/intermediate_sessions/exchange"
SEND_DISCOVERY_MAGIC_LINK = "/v1/b2b/magic_links/email/discovery/send"
AUTHENTICATE_DISCOVERY_MAGIC_LINK = "/v1/b2b/magic_links/discovery/authenticate"
REVOKE_SESSION = "/v1/b2b/sessions/revoke"

USER_AGENT = f"django-stytch-discovery/{__version__} python-requests/{requests.__version__}"
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
#: Body read size: larger than any answer in practice, so one read per answer.
READ_CHUNK_BYTES = 4 * 1024 * 1024

_local = threading.local()


class _PooledSession(requests.Session):
    """A thread's keep-alive session plus, per URL, the prepared request ``post`` copies."""

    def __init__(self) -> None:
        super().__init__()
        self.templates: dict[str, tuple[requests.PreparedRequest, BaseAdapter]] = {}

    def template(self, url: str) -> tuple[requests.PreparedRequest, BaseAdapter]:
        """Headers and Basic auth prepared once for ``url``, and the adapter mounted for it."""
        found = self.templates.get(url)
        if found is None:
            prepared = self.prepare_request(
                requests.Request("POST", url, headers={"Content-Type": "application/json"})
            )
            found = self.templates[url] = (prepared, self.get_adapter(url))
        return found


def _thread_sessions() -> dict[tuple[str, str, str], _PooledSession]:
    sessions: dict[tuple[str, str, str], _PooledSession] | None = getattr(_local, "sessions", None)
    if sessions is None:
        sessions = _local.sessions = {}
    return sessions


def close_sessions() -> None:
    """Close this thread's pooled sessions (tests, or a worker shutting down)."""
    for session in _thread_sessions().values():
        session.close()
    _thread_sessions().clear()


def _read_environment_once(session: requests.Session, base_url: str) -> None:
    """Honour proxy and CA-bundle variables as requests does, but read them once per session.

    With ``trust_env`` on, requests re-reads the environment on every call (about 30 µs, a
    third of its own overhead); a pooled session lives for the thread, so it keeps a snapshot.
    """
    session.trust_env = False
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if ca_bundle:
        session.verify = ca_bundle


def _never_reached_stytch(error: requests.RequestException) -> bool:
    """True when the request provably never left this host: refused or connect timeout."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def _retry_after_seconds(response: requests.Response) -> float | None:
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
class StytchClient:
    """One configured view of Stytch; cheap to build, sessions are pooled per thread."""

    project_id: str
    secret: str
    base_url: str
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    max_retries: int = 2
    retry_backoff: float = 0.2
    retry_deadline: float = 15.0
    max_retry_after: float = 5.0

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
        )

    def session(self) -> _PooledSession:
        """This thread's keep-alive session for these credentials."""
        # Keyed on a digest so the secret itself is not a dict key that could be dumped.
        digest = hashlib.sha256(self.secret.encode()).hexdigest()
        key = (self.base_url, self.project_id, digest)
        sessions = _thread_sessions()
        session = sessions.get(key)
        if session is None:
            session = _PooledSession()
            session.auth = (self.project_id, self.secret)
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
            _read_environment_once(session, self.base_url)
            # urllib3 must not retry on its own: this client decides what is safe to resend.
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            sessions[key] = session
        return session

    # ``request`` holds the body and, like ``template``, the Authorization header.
    @sensitive_variables("payload", "body", "request", "template")
    def post(self, path: str, payload: Mapping[str, Any], *, idempotent: bool = False) -> dict[str, Any]:
        """POST JSON to ``path`` and return the decoded success body.

        ``idempotent`` calls (the read-only list) are retried on connection errors, 429 and
        502/503/504 within ``retry_deadline``; other calls only when the request provably
        never reached Stytch.
        """
        url = self.base_url + path
        body = json.dumps(payload, separators=(",", ":")).encode()
        deadline = time.monotonic() + self.retry_deadline
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            remaining = deadline - started
            timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
            session = self.session()
            template, adapter = session.template(url)
            request = template.copy()
            request.body = body
            request.headers["Content-Length"] = str(len(body))
            try:
                # What Session.post would pass, from the snapshot _read_environment_once took.
                response = adapter.send(
                    request,
                    stream=True,
                    timeout=timeout,
                    verify=True if session.verify is None else session.verify,
                    cert=session.cert,
                    proxies=session.proxies,
                )
                # Read the body here, as Session.send does: a failure while reading maps like any
                # transport error, and a fully read response hands its connection back to the pool.
                # In large reads, not requests' 10 KB chunks: 2.4 ms less for the 1 MB answer
                # that lists 500 organizations.
                content = b"".join(response.iter_content(READ_CHUNK_BYTES))
            except requests.RequestException as error:
                elapsed = (time.monotonic() - started) * 1000
                # A read timeout is not retried even for the list call: the caller's deadline
                # would double, and a hung Stytch is not helped by a second wait.
                may_retry = _never_reached_stytch(error) or (
                    idempotent and isinstance(error, requests.ConnectionError)
                )
                if may_retry and self._sleep_before_retry(attempt, deadline, None):
                    logger.warning(
                        "Stytch POST %s failed (%s) after %.1f ms; retrying (attempt %d)",
                        path,
                        type(error).__name__,
                        elapsed,
                        attempt,
                    )
                    continue
                logger.warning(
                    "Stytch POST %s failed (%s) after %.1f ms", path, type(error).__name__, elapsed
                )
                if isinstance(error, requests.Timeout):
                    raise StytchDiscoveryTimeout(
                        f"Stytch did not answer POST {path} in time ({type(error).__name__})."
                    ) from error
                raise StytchDiscoveryTransportError(
                    f"Could not reach Stytch for POST {path} ({type(error).__name__})."
                ) from error

            elapsed = (time.monotonic() - started) * 1000
            status = response.status_code
            retry_after = _retry_after_seconds(response) if status == 429 else None
            if (
                idempotent
                and status in RETRYABLE_STATUSES
                and self._sleep_before_retry(attempt, deadline, retry_after)
            ):
                logger.warning(
                    "Stytch POST %s answered %d after %.1f ms; retrying (attempt %d)",
                    path,
                    status,
                    elapsed,
                    attempt,
                )
                continue
            if 300 <= status < 400:
                # Stytch's API never redirects; following one would resend the Basic auth and the
                # tokens in the body to wherever it points.
                logger.warning(
                    "Stytch POST %s answered %d after %.1f ms; redirects are not followed",
                    path,
                    status,
                    elapsed,
                )
                raise StytchDiscoveryResponseError(
                    f"Stytch answered POST {path} with {status} but not the documented JSON object.",
                    status_code=status,
                )
            data = self._decode(content, status, path)
            request_id = data.get("request_id", "") if isinstance(data, dict) else ""
            logger.info("Stytch POST %s -> %d request_id=%s %.1f ms", path, status, request_id, elapsed)
            if status >= 400:
                raise self._api_error(data, status, path, retry_after)
            if not isinstance(data, dict) or not isinstance(data.get("request_id"), str):
                raise StytchDiscoveryResponseError(
                    f"Stytch answered POST {path} with {status} but not the documented JSON object.",
                    status_code=status,
                )
            return data

    def _sleep_before_retry(self, attempt: int, deadline: float, retry_after: float | None) -> bool:
        """Wait before the next attempt; False when retries or the deadline are used up."""
        if attempt > self.max_retries:
            return False
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return False
            delay = retry_after
        else:
            # Full jitter keeps many workers from retrying in lock-step.
            delay = random.uniform(0, self.retry_backoff * 2 ** (attempt - 1))  # noqa: S311
        if time.monotonic() + delay >= deadline:
            return False
        time.sleep(delay)
        return True

    @staticmethod
    def _decode(content: bytes, status: int, path: str) -> Any:
        try:
            return json.loads(content)
        except ValueError as error:
            raise StytchDiscoveryResponseError(
                f"Stytch answered POST {path} with {status} and a body that is not JSON.",
                status_code=status,
            ) from error

    @staticmethod
    def _api_error(
        data: Any, status: int, path: str, retry_after: float | None
    ) -> StytchDiscoveryAPIError | StytchDiscoveryResponseError:
        if not isinstance(data, dict) or not isinstance(data.get("error_type"), str):
            return StytchDiscoveryResponseError(
                f"Stytch answered POST {path} with {status} but no error envelope.",
                status_code=status,
                request_id=str(data.get("request_id", "")) if isinstance(data, dict) else "",
            )
        return StytchDiscoveryAPIError(
            status_code=status,
            error_type=data["error_type"],
            error_message=str(data.get("error_message", "")),
            request_id=str(data.get("request_id", "")),
            error_url=str(data.get("error_url", "")),
            retry_after=retry_after,
        )
