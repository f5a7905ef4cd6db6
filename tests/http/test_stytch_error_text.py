"""Stytch's error text reaches no answer, no log line and no exception's message.

Stytch's ``error_message`` may repeat the person's email address, and a buggy or hostile
upstream may echo a token or the secret, in any field of its error envelope. The fake answers
errors whose message carries all three; a raw loopback server answers the fields the fake
always fills itself (``request_id``, a malformed ``error_type``).
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery import services
from stytch_discovery.conf import app_settings
from stytch_discovery.discovery.services import LIST_ORGANIZATIONS
from stytch_discovery.exceptions import StytchDiscoveryAPIError, StytchDiscoveryError
from stytch_discovery.internal.http.errors import message_of
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post
from tests.helpers.loopback import serve
from tests.helpers.secrets import assert_nowhere

LIST = "discovery/organizations"
# Stytch's status and error type, and the answer they make here: a rejection shown to the person,
# the codes logged with the exception's text (ERROR, WARNING), one with a message of its own.
ANSWERS = [
    (400, "invalid_argument", 400, "stytch_rejected"),
    (401, "unauthorized_credentials", 502, "stytch_misconfigured"),
    (429, "too_many_requests", 429, "stytch_rate_limited"),
    (500, "internal_server_error", 502, "stytch_unavailable"),
    (404, "intermediate_session_not_found", 401, "intermediate_session_invalid"),
]


def echoing(*private: str) -> str:
    return "Refused: " + ", ".join(f"'{value}'" for value in private) + "."


@pytest.fixture
def private(api: APIClient, fake_stytch: FakeStytch) -> list[str]:
    """The email, the IST in the caller's cookie, and the secret: what Stytch's text may repeat."""
    return [EMAIL, ist_cookie(api, fake_stytch), fake_stytch.secret]


@pytest.mark.parametrize(("status", "error_type", "answered", "code"), ANSWERS)
def test_an_answer_carries_our_message_not_stytchs(
    api: APIClient,
    fake_stytch: FakeStytch,
    caplog: pytest.LogCaptureFixture,
    private: list[str],
    status: int,
    error_type: str,
    answered: int,
    code: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(
        LIST_ORGANIZATIONS, count=-1, status=status, error_type=error_type, error_message=echoing(*private)
    )

    response = post(api, LIST)

    assert (response.status_code, response.json()["code"]) == (answered, code)
    assert response.json()["message"] == message_of(code)
    assert response.json()["stytch_error_type"] == error_type
    assert response.json()["stytch_request_id"].startswith("request-id-test-")
    for value in private:
        assert_nowhere(value, caplog, response)


@pytest.mark.parametrize(("status", "error_type"), [(status, kind) for status, kind, _, _ in ANSWERS])
def test_a_service_raises_without_stytchs_text(
    fake_stytch: FakeStytch,
    caplog: pytest.LogCaptureFixture,
    private: list[str],
    status: int,
    error_type: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_stytch.add_fault(
        LIST_ORGANIZATIONS, count=-1, status=status, error_type=error_type, error_message=echoing(*private)
    )
    ist = private[1]

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        services.list_discovered_organizations(intermediate_session_token=ist)

    error = caught.value
    assert str(error).startswith(f"Stytch answered {status} {error_type}")
    for value in private:
        assert value not in str(error)
        assert value not in repr(error)
        assert value not in caplog.text
        # What the exception offers the host's code of Stytch's words holds none of them either.
        assert value not in error.error_message
        assert value not in error.error_url
    assert error.error_message == "Refused: '[redacted]', '[redacted]', '[redacted]'."


def test_the_text_left_to_the_host_still_says_what_stytch_said(fake_stytch: FakeStytch) -> None:
    ist = fake_stytch.mint_intermediate_session(EMAIL)
    fake_stytch.add_fault(
        LIST_ORGANIZATIONS, status=400, error_type="invalid_argument", error_message="Slug too fancy."
    )

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        services.list_discovered_organizations(intermediate_session_token=ist)

    assert caught.value.error_message == "Slug too fancy."
    assert caught.value.error_url == "https://stytch.com/docs/b2b/api/errors/400#invalid_argument"


def test_a_huge_error_text_is_redacted_in_linear_time(fake_stytch: FakeStytch) -> None:
    """Stytch's text is redacted before it is cut: an upstream answering one word of 100,000
    characters (no blank, no ``@``) must not hold the worker for the quadratic time a naive email
    pattern takes (about 15 s here; a 32 MB answer, hours)."""
    ist = fake_stytch.mint_intermediate_session(EMAIL)
    word = "x" * 100_000
    fake_stytch.add_fault(
        LIST_ORGANIZATIONS, status=400, error_type="invalid_argument", error_message=f"{EMAIL} {word}"
    )
    started = time.perf_counter()

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        services.list_discovered_organizations(intermediate_session_token=ist)

    assert time.perf_counter() - started < 3
    assert caught.value.error_message == f"[redacted] {word}"[:300]


# -- An upstream that echoes into the fields the fake fills itself ---------------------------------

IST = "IST-echoed-by-a-hostile-upstream-0123456789abcdef"


def hostile(settings: Any, **fields: str) -> Iterator[str]:
    """A loopback "Stytch" answering 400 with ``fields`` in its envelope, the BASE_URL of the app."""
    secret = settings.STYTCH_DISCOVERY["SECRET"]
    envelope = {
        "status_code": 400,
        "request_id": "request-id-test-0d6f1c2e",
        "error_type": "invalid_argument",
        "error_message": echoing(EMAIL, IST, secret),
        "error_url": f"https://stytch.com/docs/b2b/api/errors/400#{IST}",
        **{key: value.format(email=EMAIL, ist=IST, secret=secret) for key, value in fields.items()},
    }
    body = json.dumps(envelope).encode()
    head = (
        f"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )

    def answer(connection: socket.socket) -> None:
        connection.sendall(head.encode() + body)

    for base_url in serve(answer):
        settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "BASE_URL": base_url}
        yield secret


# A request_id not shaped as Stytch's is left out; an error_type not shaped as Stytch's makes the
# envelope not Stytch's (502 stytch_bad_response).
ECHOES = {
    "request_id": ({"request_id": "{ist}"}, "stytch_rejected"),
    "request_id-suffix": ({"request_id": "request-id-test-{secret}"}, "stytch_rejected"),
    "error_type": ({"error_type": "{ist}"}, "stytch_bad_response"),
    "error_type-email": ({"error_type": "{email}"}, "stytch_bad_response"),
    "error_type-suffix": ({"error_type": "invalid_argument {secret}"}, "stytch_bad_response"),
}


@pytest.fixture(params=list(ECHOES))
def echo(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def hostile_secret(echo: str, settings: Any) -> Iterator[str]:
    yield from hostile(settings, **ECHOES[echo][0])


def test_echoes_in_identifiers_reach_no_answer_or_log(
    api: APIClient, caplog: pytest.LogCaptureFixture, echo: str, hostile_secret: str
) -> None:
    caplog.set_level(logging.DEBUG)
    api.cookies[app_settings.IST_COOKIE_NAME] = IST

    response = post(api, LIST)

    assert response.json()["code"] == ECHOES[echo][1]
    for value in (EMAIL, IST, hostile_secret):
        assert_nowhere(value, caplog, response)


def test_echoes_in_identifiers_reach_no_exception_message(
    caplog: pytest.LogCaptureFixture, hostile_secret: str
) -> None:
    caplog.set_level(logging.DEBUG)

    with pytest.raises(StytchDiscoveryError) as caught:
        services.list_discovered_organizations(intermediate_session_token=IST)

    for value in (EMAIL, IST, hostile_secret):
        assert value not in str(caught.value)
        assert value not in repr(caught.value)
        assert value not in caught.value.request_id
        assert value not in caplog.text
