"""The exception hierarchy and what its messages say (and never say)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryError,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)


def api_error(**overrides: object) -> StytchDiscoveryAPIError:
    options: dict[str, object] = {
        "status_code": 404,
        "error_type": "intermediate_session_not_found",
        "error_message": "Intermediate session could not be found.",
        "request_id": "request-id-test-1",
        "error_url": "https://stytch.com/docs/b2b/api/errors/404",
        **overrides,
    }
    return StytchDiscoveryAPIError(**options)  # type: ignore[arg-type]


def test_api_error_message_names_status_type_and_request_id_not_stytchs_text() -> None:
    error = api_error()

    assert str(error) == "Stytch answered 404 intermediate_session_not_found (request_id=request-id-test-1)"
    assert error.error_message == "Intermediate session could not be found."
    assert error.message == str(error)
    assert (error.status_code, error.request_id) == (404, "request-id-test-1")


def test_api_error_without_request_id_does_not_mention_it() -> None:
    assert "request_id" not in str(api_error(request_id=""))


def test_api_error_cuts_long_stytch_messages() -> None:
    error = api_error(error_message="x" * 5000)

    assert len(error.error_message) == 300
    assert "x" not in str(error)


@pytest.mark.parametrize(
    ("status", "client_error", "server_error"),
    [(400, True, False), (429, True, False), (499, True, False), (500, False, True), (503, False, True)],
)
def test_api_error_classifies_its_status(status: int, client_error: bool, server_error: bool) -> None:
    error = api_error(status_code=status)

    assert error.is_client_error is client_error
    assert error.is_server_error is server_error


def test_api_error_keeps_retry_after() -> None:
    assert api_error(status_code=429, retry_after=7.5).retry_after == 7.5


@pytest.mark.parametrize(
    "kind", [StytchDiscoveryAPIError, StytchDiscoveryTransportError, StytchDiscoveryResponseError]
)
def test_runtime_errors_share_one_base(kind: type[Exception]) -> None:
    assert issubclass(kind, StytchDiscoveryError)


def test_timeout_is_a_transport_error_and_a_builtin_timeout() -> None:
    error = StytchDiscoveryTimeout("slow")

    assert isinstance(error, StytchDiscoveryTransportError)
    assert isinstance(error, TimeoutError)
    assert error.status_code is None
    assert error.request_id == ""


def test_configuration_error_is_outside_the_runtime_tree() -> None:
    # Code that catches "Stytch failed" must not swallow "this server is misconfigured".
    assert issubclass(StytchDiscoveryConfigurationError, ImproperlyConfigured)
    assert not issubclass(StytchDiscoveryConfigurationError, StytchDiscoveryError)
