"""Fixtures for the fake's own tests: plain ``requests`` over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from stytch_discovery.testing import FakeStytch

Call = Callable[..., requests.Response]

LIST = "/v1/b2b/discovery/organizations"
CREATE = "/v1/b2b/discovery/organizations/create"
EXCHANGE = "/v1/b2b/discovery/intermediate_sessions/exchange"
SEND = "/v1/b2b/magic_links/email/discovery/send"
AUTHENTICATE = "/v1/b2b/magic_links/discovery/authenticate"
SESSIONS_AUTHENTICATE = "/v1/b2b/sessions/authenticate"
SESSIONS_REVOKE = "/v1/b2b/sessions/revoke"


@pytest.fixture
def fake(fake_stytch: FakeStytch) -> FakeStytch:
    return fake_stytch


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def call(fake: FakeStytch, http: requests.Session) -> Call:
    """POST a Stytch API call with the fake's credentials (or ``auth=`` others)."""

    def post(path: str, body: Any = None, *, auth: Any = "default") -> requests.Response:
        credentials = (fake.project_id, fake.secret) if auth == "default" else auth
        return http.post(fake.base_url + path, json=body or {}, auth=credentials, timeout=10)

    return post


@pytest.fixture
def control(fake: FakeStytch, http: requests.Session) -> Call:
    """Call a /_fake/ control endpoint: GET without a body, POST with one."""

    def send(path: str, body: Any = None) -> requests.Response:
        url = f"{fake.base_url}/_fake/{path}"
        if body is None:
            return http.get(url, timeout=10)
        return http.post(url, json=body, timeout=10)

    return send


@pytest.fixture
def ist(fake: FakeStytch) -> str:
    return fake.mint_intermediate_session("ada@acme.example")


def assert_error(response: requests.Response, status: int, error_type: str) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert (response.status_code, body["error_type"]) == (status, error_type), body
    assert body["status_code"] == status
    assert body["request_id"].startswith("request-id-test-")
    assert body["error_message"]
    assert body["error_url"].startswith("https://stytch.com/docs/")
    return body
