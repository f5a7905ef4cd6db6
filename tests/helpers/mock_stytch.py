"""Fixtures for unit tests that talk to a ``responses``-mocked Stytch (registered in conftest).

``responses`` replaces the ``requests`` adapter's ``send``, so the session, Basic auth, headers,
timeout and the client's own retry loop all run for real; only the socket is fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from stytch_discovery import client
from tests.helpers import stytch_json as wire


def make_client(**overrides: Any) -> client.StytchClient:
    """A client for ``wire.BASE_URL`` with distinctive timeouts, so tests can spot them."""
    options: dict[str, Any] = {
        "project_id": wire.PROJECT_ID,
        "secret": wire.SECRET,
        "base_url": wire.BASE_URL,
        "connect_timeout": 1.5,
        "read_timeout": 4.0,
        "max_retries": 2,
        "retry_backoff": 0.2,
        "retry_deadline": 15.0,
        "max_retry_after": 5.0,
        **overrides,
    }
    return client.StytchClient(**options)


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens: the request never left this host."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, wire.BASE_URL, reason))  # type: ignore[arg-type]


def dropped() -> requests.ConnectionError:
    """What requests raises when the server closes the socket mid-answer: it may have acted."""
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104)))


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """Every registered answer must be used; this thread's pooled sessions are closed after."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
    client.close_sessions()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry delays instead of waiting them out."""
    delays: list[float] = []
    monkeypatch.setattr("stytch_discovery.client.time.sleep", delays.append)
    return delays
