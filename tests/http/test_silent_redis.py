"""A Redis that stops answering (it accepts the connection, then says nothing), configured as
docs/deploying.md and check W037 ask: a request gets its documented answer within about one
timeout, the worker is not held."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from stytch_discovery.checks import check_settings
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import stytch_calls, url
from tests.helpers.down_cache import NEEDS_REDIS

pytestmark = NEEDS_REDIS

#: The timeouts docs/deploying.md suggests.
TIMEOUT = 0.5


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A URL whose server takes connections (the kernel's backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


def test_a_throttled_view_answers_503_within_one_timeout(
    db: None, fake_stytch: FakeStytch, settings: Any, silent_redis: str
) -> None:
    options = {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": silent_redis,
            "OPTIONS": options,
        }
    }
    assert "stytch_discovery.W037" not in {message.id for message in check_settings()}
    started = time.monotonic()

    response = Client(raise_request_exception=False).post(
        url("discovery/magic-links/send"),
        {"email_address": "ada@acme.example"},
        content_type="application/json",
    )

    assert response.status_code == 503
    assert response.json()["code"] == "throttle_unavailable"
    assert time.monotonic() - started < 2.5  # about one timeout: not redis-py 8's 5 s, nor the OS's
    assert stytch_calls(fake_stytch) == 0
