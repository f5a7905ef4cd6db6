"""An answer that never ends, or is too big to hold, over a real loopback socket.

The fake Stytch answers whole bodies; these servers misbehave in ways only a raw socket can:
a body that trickles in below the read timeout, and bodies larger than any Stytch answer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from django.views.debug import ExceptionReporter

from stytch_discovery import client
from stytch_discovery.client import StytchClient
from stytch_discovery.client.body import MAX_ANSWER_BYTES
from stytch_discovery.exceptions import StytchDiscoveryResponseError, StytchDiscoveryTimeout

Answer = Callable[[socket.socket], None]
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


def serve(answer: Answer) -> Iterator[str]:
    """A one-connection-at-a-time HTTP server on loopback that gives every request ``answer``."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                with contextlib.suppress(OSError):  # the client hung up, as it should
                    answer(connection)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    client.close_sessions()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    client.close_sessions()
    stop.set()
    thread.join()
    listener.close()


SECRET_PART = b'{"session_token":"session-test-trickled-secret'


def trickle(connection: socket.socket) -> None:
    # One byte every 0.1 s: never silent long enough for the read timeout, never finished.
    connection.sendall(HEAD + b"Content-Length: 100000\r\n\r\n" + SECRET_PART)
    for _ in range(100000):
        connection.sendall(b" ")
        time.sleep(0.1)


def declared_too_large(connection: socket.socket) -> None:
    connection.sendall(HEAD + f"Content-Length: {MAX_ANSWER_BYTES + 1}\r\n\r\n".encode() + b"{")
    connection.settimeout(5)
    connection.recv(1)  # until the client hangs up


def endless_chunks(connection: socket.socket) -> None:
    connection.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b" " * 1024 * 1024
    while True:
        connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))


@pytest.fixture
def trickling() -> Iterator[str]:
    yield from serve(trickle)


@pytest.fixture
def too_large() -> Iterator[str]:
    yield from serve(declared_too_large)


@pytest.fixture
def endless() -> Iterator[str]:
    yield from serve(endless_chunks)


def stytch(base_url: str) -> StytchClient:
    return StytchClient(
        project_id="project-test-x",
        secret="secret-test-x",
        base_url=base_url,
        read_timeout=1.0,
        retry_deadline=1.5,
        retry_backoff=0,
    )


@pytest.mark.parametrize("idempotent", [True, False], ids=["list", "create"])
def test_a_trickling_answer_ends_at_the_deadline(trickling: str, idempotent: bool) -> None:
    started = time.monotonic()

    with pytest.raises(StytchDiscoveryTimeout, match="in time"):
        stytch(trickling).post("/v1/b2b/discovery/organizations", {}, idempotent=idempotent)

    # The deadline plus at most one read timeout, not the 10 000 s the body would take.
    assert time.monotonic() - started < 1.5 + 1.0 + 0.5


def test_an_error_report_of_a_cut_answer_shows_none_of_it(trickling: str) -> None:
    with pytest.raises(StytchDiscoveryTimeout) as caught:
        stytch(trickling).post("/v1/b2b/discovery/organizations", {}, idempotent=True)

    report = ExceptionReporter(None, caught.type, caught.value, caught.tb).get_traceback_html()
    assert "read_body" in report  # the frame that held the partial answer is in the report
    assert SECRET_PART[-20:].decode() not in report  # (a literal here would be in the report's source lines)


def test_a_declared_oversized_answer_is_refused_unread(too_large: str) -> None:
    started = time.monotonic()

    with pytest.raises(StytchDiscoveryResponseError, match="larger than") as caught:
        stytch(too_large).post("/v1/b2b/discovery/organizations", {}, idempotent=True)

    assert caught.value.status_code == 200
    assert time.monotonic() - started < 1.0


def test_an_endless_answer_is_cut_at_the_cap(endless: str) -> None:
    with pytest.raises(StytchDiscoveryResponseError, match="larger than"):
        stytch(endless).post("/v1/b2b/discovery/organizations/create", {})
