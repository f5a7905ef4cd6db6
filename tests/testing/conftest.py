"""Fixtures for the fake's own tests: plain ``requests`` over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from stytch_discovery.testing import FakeStytch

from .helpers import Call, Get


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
def get(fake: FakeStytch, http: requests.Session) -> Get:
    """GET a Stytch API path with the fake's credentials (or ``auth=`` others)."""

    def send(path: str, *, auth: Any = "default") -> requests.Response:
        credentials = (fake.project_id, fake.secret) if auth == "default" else auth
        return http.get(fake.base_url + path, auth=credentials, timeout=10)

    return send


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
