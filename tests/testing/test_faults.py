"""Fault injection: each kind, count, every-K and composition."""

from __future__ import annotations

import time

import pytest
import requests

from stytch_discovery.testing import FakeStytch

from .helpers import LIST, Call, assert_stytch_error


@pytest.fixture
def list_call(call: Call, ist: str) -> Call:
    return lambda: call(LIST, {"intermediate_session_token": ist})


def test_status_fault_with_default_and_given_error_type(
    fake: FakeStytch, control: Call, list_call: Call
) -> None:
    assert control("faults", {"path": LIST, "status": 503}).status_code == 200
    fake.add_fault(LIST, status=400, error_type="invalid_argument")
    assert_stytch_error(list_call(), 503, "server_unavailable")
    assert_stytch_error(list_call(), 400, "invalid_argument")
    assert list_call().status_code == 200


def test_status_fault_with_a_given_error_message(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, status=400, error_type="invalid_email", error_message="ada@acme.example is bad.")
    body = assert_stytch_error(list_call(), 400, "invalid_email")
    assert body["error_message"] == "ada@acme.example is bad."


def test_count_is_honoured(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, count=3, status=500)
    statuses = [list_call().status_code for _ in range(5)]
    assert statuses == [500, 500, 500, 200, 200]


def test_count_minus_one_lasts_until_reset(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, count=-1, status=500)
    assert {list_call().status_code for _ in range(20)} == {500}
    fake.reset()
    ist = fake.mint_intermediate_session("ada@acme.example")
    response = requests.post(
        fake.base_url + LIST,
        json={"intermediate_session_token": ist},
        auth=(fake.project_id, fake.secret),
        timeout=5,
    )
    assert response.status_code == 200


def test_latency_delays_then_answers_normally(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, latency_ms=500)
    started = time.perf_counter()
    response = list_call()
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert elapsed >= 0.5
    started = time.perf_counter()
    list_call()
    assert time.perf_counter() - started < 0.5


def test_retry_after_is_a_429_with_the_header(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, retry_after=7)
    response = list_call()
    assert response.headers["Retry-After"] == "7"
    body = assert_stytch_error(response, 429, "too_many_requests")
    assert body["error_message"] == "Too many requests have been made."


@pytest.mark.parametrize(("status", "expected"), [(None, 502), (504, 504)])
def test_malformed_answers_a_non_json_body(
    fake: FakeStytch, list_call: Call, status: int | None, expected: int
) -> None:
    fake.add_fault(LIST, malformed=True, status=status)
    response = list_call()
    assert response.status_code == expected
    assert response.headers["Content-Type"] == "text/html"
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_drop_closes_the_connection_without_an_answer(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, drop=True)
    with pytest.raises(requests.ConnectionError):
        list_call()
    assert list_call().status_code == 200


def test_faults_only_hit_their_path(fake: FakeStytch, call: Call, list_call: Call) -> None:
    fake.add_fault("/v1/b2b/discovery/organizations/create", status=500)
    assert list_call().status_code == 200


def test_star_path_hits_every_api_path(fake: FakeStytch, call: Call, control: Call) -> None:
    fake.add_fault("*", count=2, status=500)
    assert call("/v1/b2b/anything").status_code == 500
    assert control("stats").status_code == 200  # control endpoints are never faulted
    assert call(LIST, {}).status_code == 500
    assert call(LIST, {}).status_code == 400


def test_every_k_and_composition(fake: FakeStytch, list_call: Call) -> None:
    """10% 503s and 5% delays on one path: two rules, each with its own every."""
    fake.add_fault(LIST, count=-1, every=10, status=503)
    fake.add_fault(LIST, count=-1, every=20, latency_ms=400)
    outcomes = []
    for _ in range(40):
        started = time.perf_counter()
        status = list_call().status_code
        outcomes.append((status, time.perf_counter() - started >= 0.4))
    failed = [index + 1 for index, (status, _) in enumerate(outcomes) if status == 503]
    slow = [index + 1 for index, (_, delayed) in enumerate(outcomes) if delayed]
    assert failed == [10, 20, 30, 40]
    assert slow == [20, 40]
    assert fake.stats()["requests"][LIST] == 40


def test_every_with_a_count(fake: FakeStytch, list_call: Call) -> None:
    fake.add_fault(LIST, count=2, every=3, status=500)
    statuses = [list_call().status_code for _ in range(9)]
    assert [index + 1 for index, s in enumerate(statuses) if s == 500] == [3, 6]


@pytest.mark.parametrize(
    "rule",
    [
        {"path": LIST},
        {"path": LIST, "status": 503, "drop": True},
        {"path": LIST, "status": 200},
        {"path": LIST, "status": 500, "count": 0},
        {"path": LIST, "status": 500, "every": 0},
        {"path": LIST, "latency_ms": -1},
        {"path": LIST, "latency_ms": 5, "error_type": "x"},
        {"path": LIST, "drop": True, "error_message": "x"},
        {"path": LIST, "status": 502, "malformed": True, "error_message": "x"},
        {"path": "v1/no-slash", "status": 500},
        {"status": 500},
    ],
)
def test_bad_fault_rules_are_400(control: Call, rule: dict[str, object]) -> None:
    response = control("faults", rule)
    assert response.status_code == 400
    assert response.json()["error_type"] in ("invalid_argument", "bad_request")
