"""Helpers for the fake's own tests: Stytch API paths and Stytch error-envelope assertions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

Call = Callable[..., requests.Response]
Get = Callable[..., requests.Response]  # get(path, *, auth=...) with the fake's credentials

LIST = "/v1/b2b/discovery/organizations"
CREATE = "/v1/b2b/discovery/organizations/create"
EXCHANGE = "/v1/b2b/discovery/intermediate_sessions/exchange"
SEND = "/v1/b2b/magic_links/email/discovery/send"
AUTHENTICATE = "/v1/b2b/magic_links/discovery/authenticate"
SESSIONS_AUTHENTICATE = "/v1/b2b/sessions/authenticate"
SESSIONS_REVOKE = "/v1/b2b/sessions/revoke"
SESSIONS_EXCHANGE = "/v1/b2b/sessions/exchange"
POLICY = "/v1/b2b/rbac/policy"


def assert_stytch_error(response: requests.Response, status: int, error_type: str) -> dict[str, Any]:
    """The answer is Stytch's error envelope with this status and error_type."""
    body: dict[str, Any] = response.json()
    assert (response.status_code, body["error_type"]) == (status, error_type), body
    assert body["status_code"] == status
    assert body["request_id"].startswith("request-id-test-")
    assert body["error_message"]
    assert body["error_url"].startswith("https://stytch.com/docs/")
    return body
