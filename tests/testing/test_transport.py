"""HTTP behaviour: auth, routing, envelopes, keep-alive, stats, request log, reset."""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from stytch_discovery.testing import DEFAULT_PROJECT_ID, DEFAULT_SECRET, FakeStytch
from stytch_discovery.testing.routes import Project, Request, Route

from .helpers import CREATE, LIST, Call, assert_stytch_error


@pytest.mark.parametrize(
    "auth",
    [None, ("project-test-other", "secret"), (DEFAULT_PROJECT_ID, "wrong-secret")],
    ids=["missing", "wrong-project", "wrong-secret"],
)
def test_wrong_or_missing_basic_auth_is_401(call: Call, ist: str, auth: object) -> None:
    response = call(LIST, {"intermediate_session_token": ist}, auth=auth)
    body = assert_stytch_error(response, 401, "unauthorized_credentials")
    assert body["error_message"] == "Unauthorized credentials."


def test_defaults_are_documented_values(fake: FakeStytch) -> None:
    assert (fake.project_id, fake.secret) == (DEFAULT_PROJECT_ID, DEFAULT_SECRET)
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert not fake.base_url.endswith("/")


def test_unknown_route_is_404(call: Call) -> None:
    assert_stytch_error(call("/v1/b2b/discovery/nothing"), 404, "route_not_found")


def test_wrong_method_is_405(fake: FakeStytch, http: requests.Session) -> None:
    response = http.get(fake.base_url + LIST, auth=(fake.project_id, fake.secret), timeout=5)
    assert_stytch_error(response, 405, "method_not_allowed")


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"'])
def test_body_that_is_not_a_json_object_is_400(fake: FakeStytch, http: requests.Session, raw: bytes) -> None:
    response = http.post(fake.base_url + LIST, data=raw, auth=(fake.project_id, fake.secret), timeout=5)
    assert_stytch_error(response, 400, "bad_request")


def test_status_code_in_body_always_equals_http_status(call: Call, ist: str) -> None:
    for response in (
        call(LIST, {"intermediate_session_token": ist}),
        call(LIST, {}),
        call(LIST, {"intermediate_session_token": "unknown"}),
    ):
        assert response.json()["status_code"] == response.status_code


def test_keep_alive_serves_200_calls_on_one_connection(
    fake: FakeStytch, call: Call, ist: str, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.perf_counter()
    for _ in range(200):
        assert call(LIST, {"intermediate_session_token": ist}).status_code == 200
    mean_ms = (time.perf_counter() - started) / 200 * 1000
    with capsys.disabled():
        print(f"\nfake Stytch: mean latency of 200 keep-alive list calls: {mean_ms:.2f} ms")
    assert fake.stats() == {"requests": {LIST: 200}, "connections": 1}


def test_each_answer_is_one_segment_with_content_length(fake: FakeStytch) -> None:
    """Status line, headers and body arrive together (one sendall, no delayed-ACK stall)."""
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        sock.sendall(b"GET /_fake/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        data = sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.startswith(b"Content-") and line.lower().startswith(b"content-length")
    )
    assert len(body) == length


def raw_exchange(fake: FakeStytch, request: bytes) -> bytes:
    """Send ``request`` on a fresh connection; everything the fake answers until it hangs up."""
    received = b""
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
        sock.sendall(request)
        while chunk := sock.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize("length", [b"abc", b"-1", b"-0", b"1.5", b"+2", b"0x10", b"2, 2"])
def test_a_content_length_that_is_no_byte_count_is_400_and_the_connection_closes(
    fake: FakeStytch, length: bytes
) -> None:
    received = raw_exchange(
        fake, b"POST " + LIST.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n{}"
    )

    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 400 Bad Request", received
    assert "Connection: close" in lines  # the body's end is unknown: no next request on this line
    answer = json.loads(body)
    assert (answer["status_code"], answer["error_type"]) == (400, "bad_request")
    assert answer["error_message"] == "The Content-Length header must be a number of bytes."
    assert answer["request_id"].startswith("request-id-test-")
    assert answer["error_url"].startswith("https://stytch.com/docs/")


def test_stats_count_api_calls_but_not_control_calls(
    fake: FakeStytch, call: Call, control: Call, ist: str
) -> None:
    call(LIST, {"intermediate_session_token": ist})
    call("/v1/b2b/unknown")
    control("outbox")
    control("stats")
    stats = control("stats").json()
    assert stats["requests"] == {LIST: 1, "/v1/b2b/unknown": 1}
    assert stats["connections"] == 1


def test_connections_count_accepted_tcp_connections(fake: FakeStytch, ist: str) -> None:
    for _ in range(3):
        with requests.Session() as session:
            session.post(
                fake.base_url + LIST,
                json={"intermediate_session_token": ist},
                auth=(fake.project_id, fake.secret),
                timeout=5,
            )
    assert fake.stats()["connections"] == 3


def test_request_log_redacts_authorization(fake: FakeStytch, call: Call, control: Call) -> None:
    call(LIST, {"session_token": "abc"})
    (entry,) = control("requests").json()
    assert entry["method"] == "POST"
    assert entry["path"] == LIST
    assert entry["json"] == {"session_token": "abc"}
    assert entry["headers"]["Authorization"] == "Basic ***"
    assert fake.secret not in str(entry)


def test_request_log_keeps_the_last_1000(fake: FakeStytch, call: Call) -> None:
    for index in range(1005):
        call(f"/v1/b2b/n{index}")
    log = fake.requests()
    assert len(log) == 1000
    assert log[0]["path"] == "/v1/b2b/n5"


def test_reset_clears_everything(fake: FakeStytch, call: Call, control: Call) -> None:
    fake.seed({"organizations": [{"organization_slug": "acme"}]})
    fake.add_fault("/v1/b2b/x", count=-1, status=500)
    fake.advance_clock(3600)
    call(
        "/v1/b2b/magic_links/email/discovery/send",
        {"email_address": "a@b.example", "discovery_redirect_url": "http://localhost/cb"},
    )
    ist = fake.mint_intermediate_session("ada@acme.example")
    assert control("reset", {}).status_code == 200
    assert fake.outbox() == []
    assert fake.stats() == {"requests": {}, "connections": 0}
    assert fake.requests() == []
    assert fake.app.faults.rules() == []
    assert fake.app.state.clock_offset.total_seconds() == 0
    assert_stytch_error(
        call(LIST, {"intermediate_session_token": ist}), 404, "intermediate_session_not_found"
    )
    # The slug is free again.
    fake.seed({"organizations": [{"organization_slug": "acme"}]})


def test_stop_closes_kept_alive_connections() -> None:
    fake = FakeStytch().start()
    url = fake.base_url + "/_fake/stats"
    with requests.Session() as session:
        assert session.get(url, timeout=5).status_code == 200
        fake.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(url, timeout=5)


def test_control_endpoints_answer_errors_in_the_envelope(control: Call) -> None:
    assert_stytch_error(control("nothing"), 404, "route_not_found")
    assert_stytch_error(control("seed"), 405, "method_not_allowed")
    assert_stytch_error(control("clock", {"advance_seconds": "soon"}), 400, "invalid_argument")


def test_sixteen_concurrent_keep_alive_clients(fake: FakeStytch) -> None:
    def client(number: int) -> list[int]:
        statuses = []
        with requests.Session() as session:
            session.auth = (fake.project_id, fake.secret)
            for step in range(25):
                ist = fake.mint_intermediate_session(f"user{number}@acme.example")
                listed = session.post(
                    fake.base_url + LIST, json={"intermediate_session_token": ist}, timeout=10
                )
                created = session.post(
                    fake.base_url + CREATE,
                    json={"intermediate_session_token": ist, "organization_slug": f"o-{number}-{step}"},
                    timeout=10,
                )
                statuses += [listed.status_code, created.status_code]
        return statuses

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(client, range(16)))
    assert {status for statuses in results for status in statuses} == {200}
    assert fake.stats() == {"requests": {LIST: 400, CREATE: 400}, "connections": 16}
    assert len(fake.app.state.organizations) == 400


def test_a_bug_in_the_fake_is_a_500_envelope(
    fake: FakeStytch, call: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(project: Project, request: Request) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setitem(fake.app.router.routes, ("POST", LIST), Route("POST", LIST, broken))
    body = assert_stytch_error(call(LIST, {}), 500, "internal_server_error")
    assert "boom" in body["error_message"]


def test_importing_the_fake_does_not_import_django() -> None:
    code = "import sys, stytch_discovery.testing; sys.exit('django' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_start_and_stop_are_fast() -> None:
    started = time.perf_counter()
    with FakeStytch() as fake:
        requests.get(fake.base_url + "/_fake/stats", timeout=5)
    assert time.perf_counter() - started < 2


def test_a_client_that_hangs_up_before_its_answer_is_no_error(
    fake: FakeStytch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A client that gave up (its timeout, a test's) is ordinary: no traceback on stderr."""
    fake.add_fault("/_fake/stats", latency_ms=200)
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as sock:
            # Closed with a reset, not a FIN: the fake's write then fails for certain.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.sendall(b"GET /_fake/stats HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.5)
    assert fake.stats()["connections"] == 3
    assert capsys.readouterr().err == ""
