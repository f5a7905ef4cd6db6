"""A raw HTTP server on loopback, for answers the fake Stytch never gives (bombs, trickles, junk)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

from stytch_discovery import client

#: Writes the whole answer (status line, headers, body) to the accepted connection.
Answer = Callable[[socket.socket], None]


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
