"""``StytchClient`` at the ``requests`` adapter level (``responses``): wire format, errors, retries."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from email.utils import formatdate
from typing import Any

import pytest
import requests
import responses

from stytch_discovery import __version__, client
from stytch_discovery.discovery.services import (
    CREATE_ORGANIZATION,
    EXCHANGE_INTERMEDIATE_SESSION,
    LIST_ORGANIZATIONS,
)
from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryError,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)
from stytch_discovery.magic_links.services import AUTHENTICATE_DISCOVERY_MAGIC_LINK, SEND_DISCOVERY_MAGIC_LINK
from tests.helpers import stytch_json as wire
from tests.helpers.mock_stytch import dropped, make_client, refused

LIST_URL = wire.BASE_URL + LIST_ORGANIZATIONS
CREATE_URL = wire.BASE_URL + CREATE_ORGANIZATION
NON_IDEMPOTENT_PATHS = (
    CREATE_ORGANIZATION,
    EXCHANGE_INTERMEDIATE_SESSION,
    SEND_DISCOVERY_MAGIC_LINK,
    AUTHENTICATE_DISCOVERY_MAGIC_LINK,
)


# -- what goes on the wire ---------------------------------------------------------------------


def test_post_sends_json_with_basic_auth_user_agent_and_timeout(mocked: responses.RequestsMock) -> None:
    mocked.post(LIST_URL, json=wire.list_body())

    data = make_client().post(LIST_ORGANIZATIONS, {"intermediate_session_token": wire.IST})

    assert data == wire.list_body()
    (call,) = mocked.calls
    request = call.request
    assert request.url == LIST_URL
    assert json.loads(request.body or b"") == {"intermediate_session_token": wire.IST}
    expected_auth = base64.b64encode(f"{wire.PROJECT_ID}:{wire.SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected_auth}"
    assert request.headers["User-Agent"].startswith(f"django-stytch-discovery/{__version__} python-requests/")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Accept"] == "application/json"
    assert request.req_kwargs["timeout"] == (1.5, 4.0)  # type: ignore[attr-defined]


def test_timeout_never_exceeds_the_remaining_deadline(mocked: responses.RequestsMock) -> None:
    mocked.post(LIST_URL, json=wire.list_body())

    make_client(retry_deadline=0.8).post(LIST_ORGANIZATIONS, {})

    connect, read = mocked.calls[0].request.req_kwargs["timeout"]  # type: ignore[attr-defined]
    assert 0 < connect <= 0.8
    assert 0 < read <= 0.8


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    yield
    client.close_sessions()


def test_session_is_pooled_per_credentials() -> None:
    first, again = make_client(), make_client(read_timeout=1.0)

    assert first.session() is again.session()
    assert make_client(secret="another-secret").session() is not first.session()
    assert make_client(base_url="https://other.invalid").session() is not first.session()


def test_proxy_and_ca_bundle_variables_are_honoured(
    mocked: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session reads them once instead of on every call; the effect must be the same.
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/corporate.pem")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    mocked.post(LIST_URL, json=wire.list_body())

    make_client().post(LIST_ORGANIZATIONS, {})

    sent = mocked.calls[0].request.req_kwargs  # type: ignore[attr-defined]
    assert sent["proxies"]["https"] == "http://proxy.internal:3128"
    assert sent["verify"] == "/etc/ssl/corporate.pem"


def test_no_proxy_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "stytch.invalid")

    session = make_client().session()

    assert "https" not in session.proxies
    assert session.trust_env is False


def test_close_sessions_drops_the_pool() -> None:
    session = make_client().session()

    client.close_sessions()

    assert make_client().session() is not session


def test_repr_hides_the_secret() -> None:
    text = repr(make_client())

    assert wire.PROJECT_ID in text
    assert wire.SECRET not in text


def test_from_settings_reads_the_settings(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        "PROJECT_ID": wire.PROJECT_ID,
        "SECRET": wire.SECRET,
        "BASE_URL": "http://127.0.0.1:8765/",
        "CONNECT_TIMEOUT": 1,
        "READ_TIMEOUT": 2,
        "MAX_RETRIES": 5,
        "RETRY_BACKOFF": 0.5,
        "RETRY_DEADLINE": 9,
        "MAX_RETRY_AFTER": 3,
    }

    built = client.StytchClient.from_settings()

    assert built == make_client(
        base_url="http://127.0.0.1:8765",
        connect_timeout=1.0,
        read_timeout=2.0,
        max_retries=5,
        retry_backoff=0.5,
        retry_deadline=9.0,
        max_retry_after=3.0,
    )


@pytest.mark.parametrize("missing", ["PROJECT_ID", "SECRET"])
def test_from_settings_without_credentials_is_a_configuration_error(
    settings: Any, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv("STYTCH_PROJECT_ID", raising=False)
    monkeypatch.delenv("STYTCH_SECRET", raising=False)
    settings.STYTCH_DISCOVERY = {"PROJECT_ID": wire.PROJECT_ID, "SECRET": wire.SECRET, missing: None}

    with pytest.raises(StytchDiscoveryConfigurationError, match="credentials are missing") as caught:
        client.StytchClient.from_settings()

    assert not isinstance(caught.value, StytchDiscoveryError)
    assert wire.SECRET not in str(caught.value)


# -- error mapping -----------------------------------------------------------------------------


def test_error_envelope_becomes_api_error(mocked: responses.RequestsMock) -> None:
    mocked.post(CREATE_URL, status=409, json=wire.error_body(409, "organization_slug_already_used", "Taken."))

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        make_client().post(CREATE_ORGANIZATION, {})

    error = caught.value
    assert error.status_code == 409
    assert error.error_type == "organization_slug_already_used"
    assert error.error_message == "Taken."
    assert error.request_id == wire.REQUEST_ID
    assert error.error_url == "https://stytch.com/docs/b2b/api/errors/409#organization_slug_already_used"
    assert error.retry_after is None
    assert error.is_client_error
    assert not error.is_server_error


@pytest.mark.parametrize(
    ("status", "body", "request_id"),
    [
        pytest.param(200, "<html>not json</html>", "", id="2xx-not-json"),
        pytest.param(500, "<html>Bad gateway</html>", "", id="5xx-not-json"),
        pytest.param(
            400,
            json.dumps({"status_code": 400, "request_id": wire.REQUEST_ID}),
            wire.REQUEST_ID,
            id="no-envelope",
        ),
        # Not Stytch's shapes: the envelope is not Stytch's, the request id is left out.
        pytest.param(
            400, json.dumps(wire.error_body(400, "Not-A-Type", "x")), wire.REQUEST_ID, id="odd-error-type"
        ),
        pytest.param(400, json.dumps({"status_code": 400, "request_id": "r-1"}), "", id="odd-request-id"),
        pytest.param(400, json.dumps(["not", "an", "object"]), "", id="error-not-an-object"),
        pytest.param(200, json.dumps({"status_code": 200}), "", id="2xx-without-request-id"),
        pytest.param(200, json.dumps(["not", "an", "object"]), "", id="2xx-not-an-object"),
    ],
)
def test_unreadable_answers_become_response_errors(
    mocked: responses.RequestsMock, status: int, body: str, request_id: str
) -> None:
    mocked.post(CREATE_URL, status=status, body=body)

    with pytest.raises(StytchDiscoveryResponseError) as caught:
        make_client().post(CREATE_ORGANIZATION, {})

    assert caught.value.status_code == status
    assert caught.value.request_id == request_id


def test_non_json_body_chains_the_decode_error(mocked: responses.RequestsMock) -> None:
    mocked.post(CREATE_URL, status=200, body="garbage")

    with pytest.raises(StytchDiscoveryResponseError) as caught:
        make_client().post(CREATE_ORGANIZATION, {})

    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_is_a_response_error(
    mocked: responses.RequestsMock,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    # Stytch never redirects; following would resend the Basic auth and the IST to the target.
    # The body would pass as a success if the status were ignored.
    target = "https://elsewhere.invalid/collect"
    mocked.post(LIST_URL, status=status, headers={"Location": target}, json=wire.list_body())

    with pytest.raises(StytchDiscoveryResponseError, match="not the documented JSON object") as caught:
        make_client().post(LIST_ORGANIZATIONS, {"intermediate_session_token": wire.IST}, idempotent=True)

    assert caught.value.status_code == status
    assert [call.request.url for call in mocked.calls] == [LIST_URL]
    assert sleeps == []
    assert f"answered {status}" in caplog.text
    assert target not in caplog.text
    assert wire.IST not in caplog.text


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        pytest.param(requests.ConnectionError("boom"), StytchDiscoveryTransportError, id="connection"),
        pytest.param(requests.ReadTimeout("slow"), StytchDiscoveryTimeout, id="read-timeout"),
        pytest.param(requests.ConnectTimeout("slow"), StytchDiscoveryTimeout, id="connect-timeout"),
    ],
)
def test_transport_failures_are_chained(
    mocked: responses.RequestsMock,
    sleeps: list[float],
    raised: requests.RequestException,
    expected: type[StytchDiscoveryError],
) -> None:
    mocked.post(CREATE_URL, body=raised)

    with pytest.raises(expected) as caught:
        make_client(max_retries=0).post(CREATE_ORGANIZATION, {})

    assert caught.value.__cause__ is raised
    assert caught.value.status_code is None


# -- retries: the read-only list ---------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_list_is_retried_on_transient_statuses(
    mocked: responses.RequestsMock, sleeps: list[float], status: int
) -> None:
    mocked.post(LIST_URL, status=status, json=wire.error_body(status, "server_unavailable"))
    mocked.post(LIST_URL, json=wire.list_body())

    data = make_client().post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert data["request_id"] == wire.REQUEST_ID
    assert len(mocked.calls) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 500])
def test_list_is_not_retried_on_other_errors(
    mocked: responses.RequestsMock, sleeps: list[float], status: int
) -> None:
    mocked.post(LIST_URL, status=status, json=wire.error_body(status, "some_error"))

    with pytest.raises(StytchDiscoveryAPIError):
        make_client().post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert len(mocked.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "failure",
    [refused, dropped, lambda: requests.ConnectTimeout("no route")],
    ids=["refused", "dropped", "connect-timeout"],
)
def test_list_is_retried_on_any_connection_failure(
    mocked: responses.RequestsMock, sleeps: list[float], failure: Callable[[], Exception]
) -> None:
    mocked.post(LIST_URL, body=failure())
    mocked.post(LIST_URL, json=wire.list_body())

    make_client().post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert len(mocked.calls) == 2


def test_list_is_not_retried_after_a_read_timeout(
    mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    # A hung Stytch is not helped by a second wait; the caller's deadline would double.
    mocked.post(LIST_URL, body=requests.ReadTimeout("slow"))

    with pytest.raises(StytchDiscoveryTimeout):
        make_client().post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert len(mocked.calls) == 1
    assert sleeps == []


def test_retries_stop_after_max_retries_with_growing_jittered_backoff(
    mocked: responses.RequestsMock, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    bounds: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        bounds.append((low, high))
        return high / 2

    monkeypatch.setattr("stytch_discovery.client.retry.random.uniform", uniform)
    mocked.post(LIST_URL, status=503, json=wire.error_body(503, "server_unavailable"))

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        make_client(max_retries=2, retry_backoff=0.2).post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert caught.value.status_code == 503
    assert len(mocked.calls) == 3
    # Full jitter: each delay is drawn from [0, backoff * 2**(attempt-1)].
    assert bounds == [(0, 0.2), (0, 0.4)]
    assert sleeps == [0.1, 0.2]


def test_real_jitter_stays_within_its_bound(mocked: responses.RequestsMock, sleeps: list[float]) -> None:
    mocked.post(LIST_URL, status=503, json=wire.error_body(503, "server_unavailable"))

    with pytest.raises(StytchDiscoveryAPIError):
        make_client(max_retries=2, retry_backoff=0.2).post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.2
    assert 0 <= sleeps[1] <= 0.4


def test_no_retry_would_end_after_the_deadline(
    mocked: responses.RequestsMock, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stytch_discovery.client.retry.random.uniform", lambda low, high: high)
    mocked.post(LIST_URL, status=503, json=wire.error_body(503, "server_unavailable"))

    with pytest.raises(StytchDiscoveryAPIError):
        make_client(max_retries=5, retry_backoff=1.0, retry_deadline=0.5).post(
            LIST_ORGANIZATIONS, {}, idempotent=True
        )

    assert len(mocked.calls) == 1
    assert sleeps == []


def test_deadline_counts_the_time_already_spent(
    mocked: responses.RequestsMock, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]

    def slow_server(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        clock[0] += 4.0  # each answer takes 4 s of the 10 s budget
        return 503, {}, json.dumps(wire.error_body(503, "server_unavailable"))

    monkeypatch.setattr("stytch_discovery.client.time.monotonic", lambda: clock[0])
    monkeypatch.setattr("stytch_discovery.client.retry.random.uniform", lambda low, high: 0.0)
    mocked.add_callback(responses.POST, LIST_URL, callback=slow_server)

    with pytest.raises(StytchDiscoveryAPIError):
        make_client(max_retries=10, retry_deadline=10.0).post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert len(mocked.calls) == 3  # at 0 s, 4 s and 8 s; a fourth would start at 12 s
    third_timeout = mocked.calls[2].request.req_kwargs["timeout"]  # type: ignore[attr-defined]
    assert third_timeout == (1.5, 2.0)  # read timeout cut to the 2 s left


def test_retry_after_is_honoured(mocked: responses.RequestsMock, sleeps: list[float]) -> None:
    mocked.post(
        LIST_URL, status=429, headers={"Retry-After": "2"}, json=wire.error_body(429, "too_many_requests")
    )
    mocked.post(LIST_URL, json=wire.list_body())

    make_client().post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert sleeps == [2.0]


def test_retry_after_http_date_is_honoured(mocked: responses.RequestsMock, sleeps: list[float]) -> None:
    in_three_seconds = formatdate(time.time() + 3, usegmt=True)
    mocked.post(
        LIST_URL,
        status=429,
        headers={"Retry-After": in_three_seconds},
        json=wire.error_body(429, "too_many_requests"),
    )
    mocked.post(LIST_URL, json=wire.list_body())

    make_client().post(LIST_ORGANIZATIONS, {}, idempotent=True)

    (delay,) = sleeps
    assert 1.0 < delay <= 3.0


def test_retry_after_above_the_cap_is_not_waited_for(
    mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    mocked.post(
        LIST_URL, status=429, headers={"Retry-After": "30"}, json=wire.error_body(429, "too_many_requests")
    )

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        make_client(max_retry_after=5.0).post(LIST_ORGANIZATIONS, {}, idempotent=True)

    assert sleeps == []
    assert len(mocked.calls) == 1
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 30.0


@pytest.mark.parametrize("header", ["soon", ""])
def test_unreadable_retry_after_falls_back_to_backoff(
    mocked: responses.RequestsMock, sleeps: list[float], header: str
) -> None:
    mocked.post(
        LIST_URL, status=429, headers={"Retry-After": header}, json=wire.error_body(429, "too_many_requests")
    )
    mocked.post(LIST_URL, json=wire.list_body())

    make_client(retry_backoff=0.2).post(LIST_ORGANIZATIONS, {}, idempotent=True)

    (delay,) = sleeps
    assert 0 <= delay <= 0.2


# -- retries: calls that consume a token -------------------------------------------------------


@pytest.mark.parametrize("path", NON_IDEMPOTENT_PATHS)
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_token_consuming_calls_are_not_retried_on_transient_statuses(
    mocked: responses.RequestsMock, sleeps: list[float], path: str, status: int
) -> None:
    mocked.post(
        wire.BASE_URL + path,
        status=status,
        headers={"Retry-After": "1"},
        json=wire.error_body(status, "server_unavailable"),
    )

    with pytest.raises(StytchDiscoveryAPIError) as caught:
        make_client().post(path, {})

    assert caught.value.status_code == status
    assert len(mocked.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("path", NON_IDEMPOTENT_PATHS)
@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (dropped, StytchDiscoveryTransportError),
        (lambda: requests.ReadTimeout("slow"), StytchDiscoveryTimeout),
    ],
    ids=["dropped", "read-timeout"],
)
def test_token_consuming_calls_are_not_retried_once_sent(
    mocked: responses.RequestsMock,
    sleeps: list[float],
    path: str,
    failure: Callable[[], Exception],
    expected: type[StytchDiscoveryError],
) -> None:
    mocked.post(wire.BASE_URL + path, body=failure())

    with pytest.raises(expected):
        make_client().post(path, {})

    assert len(mocked.calls) == 1


@pytest.mark.parametrize("path", NON_IDEMPOTENT_PATHS)
@pytest.mark.parametrize(
    "failure", [refused, lambda: requests.ConnectTimeout("no route")], ids=["refused", "connect-timeout"]
)
def test_token_consuming_calls_are_retried_when_never_sent(
    mocked: responses.RequestsMock, sleeps: list[float], path: str, failure: Callable[[], Exception]
) -> None:
    mocked.post(wire.BASE_URL + path, body=failure())
    mocked.post(wire.BASE_URL + path, json=wire.ok())

    assert make_client().post(path, {}) == wire.ok()
    assert len(mocked.calls) == 2


def test_refused_every_time_gives_up_after_max_retries(
    mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    mocked.post(CREATE_URL, body=refused())

    with pytest.raises(StytchDiscoveryTransportError) as caught:
        make_client(max_retries=3).post(CREATE_ORGANIZATION, {})

    assert len(mocked.calls) == 4
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
