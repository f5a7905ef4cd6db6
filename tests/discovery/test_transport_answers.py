"""What the list and exchange endpoints answer for each way Stytch's HTTP answer can go wrong.

Stytch is mocked at the transport (``responses``), so the client's decoding and retry policy
run for real between the view and the socket. Each row: Stytch's answer (or the socket's
failure), the endpoint's documented status and code, and how many times Stytch was asked.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
import responses
from rest_framework.test import APIClient

from stytch_discovery.discovery.services import EXCHANGE_INTERMEDIATE_SESSION, LIST_ORGANIZATIONS
from tests.helpers import stytch_json as wire
from tests.helpers.api import post
from tests.helpers.mock_stytch import dropped, refused

LIST = "discovery/organizations"
EXCHANGE = "discovery/intermediate-sessions/exchange"
RETRIES = 2


@pytest.fixture(autouse=True)
def stytch_settings(settings: Any, sleeps: list[float]) -> None:
    settings.STYTCH_DISCOVERY = {
        "PROJECT_ID": wire.PROJECT_ID,
        "SECRET": wire.SECRET,
        "BASE_URL": wire.BASE_URL,
        "MAX_RETRIES": RETRIES,
        "RETRY_BACKOFF": 0,
    }


Answer = dict[str, Any]

#: (id, what Stytch does, the endpoint's status and code, calls made by list / by exchange).
FAILURES: list[tuple[str, Answer, int, str, int, int]] = [
    ("2xx-not-json", {"status": 200, "body": "<html>hi</html>"}, 502, "stytch_bad_response", 1, 1),
    ("2xx-empty", {"status": 200, "body": ""}, 502, "stytch_bad_response", 1, 1),
    ("2xx-array", {"status": 200, "body": "[1, 2]"}, 502, "stytch_bad_response", 1, 1),
    (
        "2xx-missing-fields",
        {"status": 200, "body": json.dumps({"status_code": 200, "request_id": wire.REQUEST_ID})},
        502,
        "stytch_bad_response",
        1,
        1,
    ),
    ("5xx-html", {"status": 500, "body": "<html>oops</html>"}, 502, "stytch_bad_response", 1, 1),
    ("redirect", {"status": 302, "headers": {"Location": "https://elsewhere.invalid/"}, "body": ""},
     502, "stytch_bad_response", 1, 1),
    ("500-envelope", {"status": 500, "json": wire.error_body(500, "internal_server_error")},
     502, "stytch_unavailable", 1, 1),
    ("503-envelope", {"status": 503, "json": wire.error_body(503, "service_unavailable")},
     502, "stytch_unavailable", RETRIES + 1, 1),
    ("429-envelope", {"status": 429, "json": wire.error_body(429, "too_many_requests")},
     429, "stytch_rate_limited", RETRIES + 1, 1),
    ("400-envelope", {"status": 400, "json": wire.error_body(400, "invalid_argument", "No.")},
     400, "stytch_rejected", 1, 1),
    ("read-timeout", {"body": requests.ReadTimeout("slow")}, 504, "stytch_timeout", 1, 1),
    ("connect-timeout", {"body": requests.ConnectTimeout("slow")}, 504, "stytch_timeout", RETRIES + 1,
     RETRIES + 1),
    ("refused", {"body": refused()}, 502, "stytch_unavailable", RETRIES + 1, RETRIES + 1),
    ("dropped", {"body": dropped()}, 502, "stytch_unavailable", RETRIES + 1, 1),
]  # fmt: skip


def call(api: APIClient, endpoint: str) -> Any:
    body = {"intermediate_session_token": wire.IST}
    if endpoint == EXCHANGE:
        body["organization_id"] = wire.ORGANIZATION_ID
    return post(api, endpoint, body)


@pytest.mark.parametrize(
    ("stytch", "status", "code", "list_calls", "exchange_calls"),
    [row[1:] for row in FAILURES],
    ids=[row[0] for row in FAILURES],
)
@pytest.mark.parametrize("endpoint", [LIST, EXCHANGE])
def test_each_failure_is_its_documented_answer(
    api: APIClient,
    mocked: responses.RequestsMock,
    endpoint: str,
    stytch: Answer,
    status: int,
    code: str,
    list_calls: int,
    exchange_calls: int,
) -> None:
    path = LIST_ORGANIZATIONS if endpoint == LIST else EXCHANGE_INTERMEDIATE_SESSION
    mocked.post(wire.BASE_URL + path, **stytch)

    response = call(api, endpoint)

    assert response.status_code == status, response.content
    data = response.json()
    assert data["code"] == code
    assert len(mocked.calls) == (list_calls if endpoint == LIST else exchange_calls)
    for token in wire.TOKENS:
        assert token not in response.content.decode()
    if status == 429:
        assert int(response["Retry-After"]) >= 1


def test_a_read_only_list_recovers_from_a_transient_failure(
    api: APIClient, mocked: responses.RequestsMock
) -> None:
    url = wire.BASE_URL + LIST_ORGANIZATIONS
    mocked.post(url, status=503, json=wire.error_body(503, "service_unavailable"))
    mocked.post(url, status=200, json=wire.list_body())

    response = call(api, LIST)

    assert response.status_code == 200, response.content
    assert response.json()["email_address"] == wire.EMAIL
    assert len(mocked.calls) == 2
