"""An answer that never ends, or is too big to hold, over a real loopback socket.

The fake Stytch answers whole bodies; these servers misbehave in ways only a raw socket can:
a body that trickles in below the read timeout, bodies larger than any Stytch answer, and
small compressed bodies that expand beyond it (decompression bombs).
"""

from __future__ import annotations

import functools
import socket
import struct
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.views.debug import ExceptionReporter
from rest_framework.test import APIClient

from stytch_discovery.client import StytchClient
from stytch_discovery.client.body import MAX_ANSWER_BYTES
from stytch_discovery.exceptions import StytchDiscoveryResponseError, StytchDiscoveryTimeout
from tests.helpers.api import post
from tests.helpers.loopback import Answer, serve

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


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


GIGABYTE = 1 << 30


@functools.cache
def deflated_zeros(expanded: int) -> tuple[bytes, int]:
    """``expanded`` zero bytes as a raw deflate stream a thousand times smaller, and their CRC-32.

    One megabyte is deflated once and ended with a full flush (byte-aligned, no reference back
    across it), so the stream is that piece repeated: built in a fraction of a second.
    """
    block = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(expanded // len(block)):
        crc = zlib.crc32(block, crc)
    return piece * (expanded // len(block)) + deflate.flush(), crc


def gzipped(data: bytes) -> bytes:
    compress = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compress.compress(data) + compress.flush()


def bomb(encoding: str) -> bytes:
    """A body that expands to a gigabyte under ``encoding``, as Content-Encoding names it."""
    stream, crc = deflated_zeros(GIGABYTE)
    if encoding == "deflate":  # raw deflate, which urllib3 accepts as well as zlib's wrapping
        return stream
    member = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + stream + struct.pack("<II", crc, GIGABYTE % 2**32)
    return member if encoding == "gzip" else gzipped(member)  # "gzip, gzip": a 2.5 KB body


def compressed(encoding: str) -> Answer:
    body = bomb(encoding)
    head = HEAD + f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n".encode()

    def answer(connection: socket.socket) -> None:
        connection.sendall(head + body)
        connection.settimeout(5)
        connection.recv(1)  # until the client hangs up

    return answer


@pytest.fixture
def trickling() -> Iterator[str]:
    yield from serve(trickle)


@pytest.fixture
def too_large() -> Iterator[str]:
    yield from serve(declared_too_large)


@pytest.fixture
def endless() -> Iterator[str]:
    yield from serve(endless_chunks)


@pytest.fixture(params=["gzip", "gzip, gzip", "deflate"])
def decompression_bomb(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from serve(compressed(request.param))


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


def test_a_compressed_answer_is_cut_at_the_cap_not_expanded_whole(decompression_bomb: str) -> None:
    # A gigabyte once decompressed, a megabyte or less on the wire: urllib3 before 2.6 expanded a
    # whole read at once, so the cap only saw the gigabyte once it was in memory.
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(StytchDiscoveryResponseError, match="larger than"):
            stytch(decompression_bomb).post("/v1/b2b/discovery/organizations", {}, idempotent=True)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 2 * MAX_ANSWER_BYTES  # the cap's worth of answer, not the gigabyte
    assert elapsed < 5.0


@pytest.mark.parametrize("decompression_bomb", ["gzip, gzip"], indirect=True)
def test_the_spa_is_answered_502_stytch_bad_response(
    decompression_bomb: str, api: APIClient, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "BASE_URL": decompression_bomb}

    response = post(api, "discovery/magic-links/send", {"email_address": "ada@acme.example"})

    assert response.status_code == 502
    assert response.json()["code"] == "stytch_bad_response"
