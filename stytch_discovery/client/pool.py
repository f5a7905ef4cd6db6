"""Per-thread keep-alive sessions, and the requests prepared once per method and URL."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

import requests

_local = threading.local()


@dataclass
class Pool:
    """A thread's keep-alive session, and the requests prepared once per (method, URL)."""

    session: requests.Session
    templates: dict[tuple[str, str], requests.PreparedRequest] = field(default_factory=dict)

    def prepared(self, method: str, url: str, body: bytes | None) -> requests.PreparedRequest:
        template = self.templates.get((method, url))
        if template is None:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            template = self.session.prepare_request(requests.Request(method, url, headers=headers))
            self.templates[method, url] = template
        request = template.copy()
        if body is not None:
            request.body = body
            request.headers["Content-Length"] = str(len(body))
        return request


def thread_pools() -> dict[tuple[Any, ...], Pool]:
    pools: dict[tuple[Any, ...], Pool] | None = getattr(_local, "pools", None)
    if pools is None:
        pools = _local.pools = {}
    return pools


def close_sessions() -> None:
    """Close this thread's pooled sessions (tests, or a worker shutting down)."""
    for pool in thread_pools().values():
        pool.session.close()
    thread_pools().clear()


def read_environment_once(session: requests.Session, base_url: str) -> None:
    """Honour proxy and CA-bundle variables as requests does, but read them once per session.

    With ``trust_env`` on, requests re-reads the environment on every call; a pooled session
    lives for the thread, so it keeps a snapshot. What the session already sets wins.
    """
    session.trust_env = False
    for scheme, proxy in requests.utils.get_environ_proxies(base_url).items():
        session.proxies.setdefault(scheme, proxy)
    ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if ca_bundle and session.verify is True:
        session.verify = ca_bundle
