"""The HTTP transport: a threaded HTTP/1.1 keep-alive server on loopback.

Each answer (status line, headers, body) is written with one ``sendall`` and accepted
sockets get ``TCP_NODELAY``: sending headers and body separately costs about 40 ms per call
on loopback, through Nagle's algorithm meeting delayed ACKs. The server is quiet (no
per-request log line) and can close the connections it holds when it stops. A request whose
``Content-Length`` is no byte count is answered 400 ``bad_request`` and the connection closed:
where its body ends is unknown, so nothing after it can be read as the next request.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .app import FakeApp, Reply, bad_length_reply


class FakeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: FakeApp) -> None:
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, FakeRequestHandler)

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            self._connections.add(connection)
        self.app.recorder.connection_opened()
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up before its answer (its own timeout, say) is ordinary for a test
        # double: only other errors get socketserver's traceback on stderr.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on keep-alive clients, so a stopped fake really stops answering."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)


def content_length(headers: Message) -> int | None:
    """The body's length: 0 without the header, None unless it is ASCII digits (RFC 9110's
    ``1*DIGIT``, so no sign, no fraction, no list), the same in every copy of the header."""
    values = {value.strip() for value in headers.get_all("Content-Length", [])}
    if not values:
        return 0
    value, *others = values
    if others or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


class FakeRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeHTTPServer

    def dispatch(self) -> None:
        length = content_length(self.headers)
        if length is None:
            self.close_connection = True
            self.wfile.write(self.encode(bad_length_reply()))
            return
        body = self.rfile.read(length) if length else b""
        reply = self.server.app.handle(self.command, self.path, self.headers, body)
        if reply.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(self.encode(reply))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = dispatch

    def encode(self, reply: Reply) -> bytes:
        phrase = HTTPStatus(reply.status).phrase
        lines = [
            f"{self.protocol_version} {reply.status} {phrase}",
            "Server: stytch-discovery-fake",
            f"Date: {self.date_time_string()}",
            f"Content-Type: {reply.content_type}",
            f"Content-Length: {len(reply.body)}",
            *(f"{name}: {value}" for name, value in reply.headers),
        ]
        if self.close_connection:
            lines.append("Connection: close")
        head = "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + reply.body

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake is used inside test runs."""
