"""``errors.answer_for``: each kind of failure, its status, code, message, fields and log level."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework import exceptions as drf

from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryInvalidSession,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)
from stytch_discovery.internal.http.errors import (
    CODES,
    CsrfFailed,
    ErrorAnswer,
    Problem,
    answer_for,
    codes_with_status,
    flatten_detail,
    message_of,
)
from stytch_discovery.internal.http.outages import refused


def api_error(status: int, error_type: str = "something_new", message: str = "", **extra: Any) -> Any:
    return StytchDiscoveryAPIError(status_code=status, error_type=error_type, error_message=message, **extra)


def answered(error: Exception) -> ErrorAnswer:
    answer = answer_for(error)
    assert answer is not None
    return answer


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (StytchDiscoveryConfigurationError("no secret"), 503, "stytch_not_configured"),
        (StytchDiscoveryInvalidSession("expired"), 401, "session_invalid"),
        (StytchDiscoveryTimeout("slow", request_id="req-1"), 504, "stytch_timeout"),
        (StytchDiscoveryTransportError("refused"), 502, "stytch_unavailable"),
        (StytchDiscoveryResponseError("not JSON", request_id="req-2"), 502, "stytch_bad_response"),
        (api_error(400), 400, "stytch_rejected"),
        (api_error(404), 400, "stytch_rejected"),
        (api_error(429), 429, "stytch_rate_limited"),
        (api_error(500), 502, "stytch_unavailable"),
        (api_error(503), 502, "stytch_unavailable"),
        (drf.NotAuthenticated(), 401, "not_authenticated"),
        (drf.AuthenticationFailed(), 401, "not_authenticated"),
        (drf.MethodNotAllowed("PUT"), 405, "method_not_allowed"),
        (drf.PermissionDenied(), 403, "permission_denied"),
        (drf.ParseError(), 400, "parse_error"),
        (drf.UnsupportedMediaType("text/plain"), 415, "unsupported_media_type"),
        (drf.ValidationError({"a": ["bad"]}), 400, "validation_error"),
        (Problem("organization_mismatch"), 403, "organization_mismatch"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_failure_has_its_documented_answer(error: Exception, status: int, code: str) -> None:
    answer = answered(error)
    assert (answer.status, answer.code) == (status, code)
    assert code in CODES
    assert CODES[code][0] == status


def test_a_permission_refusal_says_the_tables_message_not_drfs() -> None:
    assert answered(drf.PermissionDenied()).message == message_of("permission_denied")


def test_a_bug_is_not_an_expected_failure() -> None:
    assert answer_for(ValueError("bug")) is None
    assert answer_for(KeyError("bug")) is None


def test_the_request_id_is_kept_for_timeouts_and_bad_answers_only_when_given() -> None:
    assert answered(StytchDiscoveryTimeout("slow", request_id="req-1")).stytch_request_id == "req-1"
    assert answered(StytchDiscoveryTimeout("slow")).stytch_request_id is None
    assert answered(StytchDiscoveryResponseError("x", request_id="req-2")).stytch_request_id == "req-2"
    assert answered(StytchDiscoveryTransportError("refused")).stytch_request_id is None


def test_no_answer_echoes_stytchs_text() -> None:
    # Stytch's words may repeat the person's email or what was sent: every code says its own.
    assert answered(api_error(400, message="ada@acme.example: too fancy.")).message == message_of(
        "stytch_rejected"
    )
    assert answered(api_error(400, "organization_not_found", "internal detail")).message == message_of(
        "organization_not_found"
    )


@pytest.mark.parametrize(
    ("retry_after", "expected"), [(None, 1), (0.0, 1), (0.2, 1), (2.0, 2), (2.1, 3), (30.0, 30)]
)
def test_a_rate_limit_says_when_to_retry_in_whole_seconds(retry_after: float | None, expected: int) -> None:
    answer = answered(api_error(429, "too_many_requests", retry_after=retry_after))
    assert answer.retry_after == expected


def test_only_429_answers_carry_a_retry_after() -> None:
    assert answered(api_error(400, retry_after=5.0)).retry_after is None
    assert answered(api_error(503, retry_after=5.0)).retry_after is None


@pytest.mark.parametrize(("wait", "expected"), [(None, 1), (0.4, 1), (59.2, 60)])
def test_our_throttle_says_the_wait(wait: float | None, expected: int) -> None:
    answer = answered(drf.Throttled(wait=wait))
    assert (answer.status, answer.code, answer.retry_after) == (429, "throttled", expected)
    assert answer.message == f"Too many requests; try again in {expected} s."


def test_a_csrf_failure_says_djangos_reason() -> None:
    answer = answered(CsrfFailed("CSRF cookie not set."))
    assert (answer.status, answer.code) == (403, "csrf_failed")
    assert answer.message == f"{message_of('csrf_failed')} (CSRF cookie not set.)"


def test_a_problem_keeps_its_message_fields_and_extra_keys() -> None:
    problem = Problem(
        "organization_join_forbidden", "custom", {"x": ["y"]}, extra={"allowed_auth_methods": []}
    )
    answer = answered(problem)
    assert answer.body() == {
        "code": "organization_join_forbidden",
        "message": "custom",
        "fields": {"x": ["y"]},
        "stytch_error_type": None,
        "stytch_request_id": None,
        "allowed_auth_methods": [],
    }
    assert problem.detail == answer.body()  # DRF's own handler answers the same body
    assert problem.status_code == 403


@pytest.mark.parametrize(
    ("code", "level"),
    [
        # The server's fault and Stytch down: reported at ERROR once a minute (test_stytch_outage_logs.py).
        ("stytch_misconfigured", logging.WARNING),
        ("stytch_not_configured", logging.WARNING),
        ("stytch_rate_limited", logging.WARNING),
        ("stytch_unavailable", logging.WARNING),
        ("stytch_bad_response", logging.WARNING),
        ("stytch_timeout", logging.WARNING),
        ("validation_error", logging.INFO),
        ("throttled", logging.INFO),
        ("session_invalid", logging.INFO),
        # Django's cache down: logged once a minute where it failed (tests/http/test_outage_logs.py).
        ("throttle_unavailable", logging.INFO),
        ("cache_unavailable", logging.INFO),
    ],
)
def test_the_log_level_says_whose_fault_it_is(code: str, level: int) -> None:
    assert ErrorAnswer.of(code).log_level == level


@pytest.mark.parametrize(
    ("detail", "flat"),
    [
        ({"a": ["bad"]}, {"a": ["bad"]}),
        ({"a": {"b": ["bad"]}}, {"a.b": ["bad"]}),
        ({"a": [{"b": ["bad"]}, {}]}, {"a.0.b": ["bad"]}),
        ({"a": [["x"], ["y", "z"]]}, {"a.0": ["x"], "a.1": ["y", "z"]}),
        ([{"b": ["bad"]}], {"0.b": ["bad"]}),
        (["whole body"], {"non_field_errors": ["whole body"]}),
        ("one message", {"non_field_errors": ["one message"]}),
        ({"a": ["one", "two"]}, {"a": ["one", "two"]}),
    ],
)
def test_nested_errors_flatten_to_dotted_fields(detail: Any, flat: dict[str, list[str]]) -> None:
    assert flatten_detail(detail) == flat


def test_codes_with_status_lists_them_in_declaration_order() -> None:
    assert codes_with_status(415) == ["unsupported_media_type"]
    assert codes_with_status(504) == ["stytch_timeout"]
    assert codes_with_status(413) == ["payload_too_large"]
    assert codes_with_status(401)[:2] == ["intermediate_session_required", "intermediate_session_invalid"]
    assert codes_with_status(418) == []


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (StytchDiscoveryTimeout("slow"), 504, "stytch_timeout"),
        (api_error(429, "too_many_requests"), 429, "stytch_rate_limited"),
        (StytchDiscoveryResponseError("not JSON"), 502, "stytch_bad_response"),
        (ValueError("not a Stytch failure"), 502, "stytch_unavailable"),
    ],
)
def test_a_host_views_refusal_is_the_documented_answer_in_drfs_hooks(
    error: Exception, status: int, code: str
) -> None:
    answer = refused(RequestFactory().get("/host"), error)
    problem = Problem(answer.code)  # what the authentication and permission classes raise
    assert (problem.status_code, problem.code) == (status, code)
    assert answered(problem).body()["code"] == code
