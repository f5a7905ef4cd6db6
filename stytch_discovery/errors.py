"""The one place that turns a failure into the documented error answer.

Every non-2xx answer of the views has the shape
``{"code", "message", "fields", "stytch_error_type", "stytch_request_id"}`` (README, "Error
contract"). ``answer_for`` maps domain errors (``exceptions``), DRF's exceptions and the views'
own ``Problem`` to an ``ErrorAnswer``; anything else is a bug and is left to propagate.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rest_framework import exceptions as drf
from rest_framework.settings import api_settings

from .exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)

MESSAGES: dict[str, str] = {
    "validation_error": "The request is not valid; see fields.",
    "intermediate_session_required": (
        "Sign in first: no intermediate session token was given in the body or a cookie."
    ),
    "intermediate_session_invalid": ("The sign-in has expired or was already used; sign in again."),
    "session_invalid": "The session is invalid or has expired; sign in again.",
    "magic_link_invalid": "The magic link is invalid, expired or already used; request a new one.",
    "organization_slug_taken": "That organization slug is already taken.",
    "organization_external_id_taken": "That organization external id is already taken.",
    "organization_not_found": "No such organization.",
    "organization_access_denied": "This sign-in does not allow entering that organization.",
    "stytch_misconfigured": (
        "Sign-in is misconfigured on the server; this is not your fault. Try again later."
    ),
    "stytch_rate_limited": "The sign-in service is busy; try again shortly.",
    "stytch_unavailable": "The sign-in service is unavailable; try again shortly.",
    "stytch_bad_response": "The sign-in service answered unexpectedly; try again shortly.",
    "stytch_timeout": "The sign-in service did not answer in time; try again.",
    "stytch_not_configured": "Sign-in is not configured on this server.",
    "payload_too_large": "The request body is too large.",
    "csrf_failed": "CSRF verification failed; fetch a token from the csrf endpoint first.",
    "not_authenticated": "Sign in to the site first.",
    "method_not_allowed": "This method is not allowed here.",
}

#: Stytch error types with a dedicated (status, code); others fall back on the HTTP status.
STYTCH_ERROR_TYPES: dict[str, tuple[int, str]] = {
    "intermediate_session_not_found": (401, "intermediate_session_invalid"),
    "session_not_found": (401, "session_invalid"),
    "unable_to_parse_session_jwt": (401, "session_invalid"),
    "invalid_session_token": (401, "session_invalid"),
    "magic_link_not_found": (401, "magic_link_invalid"),
    "unable_to_auth_magic_link": (401, "magic_link_invalid"),
    "pkce_mismatch": (401, "magic_link_invalid"),
    "pkce_expected_code_verifier": (401, "magic_link_invalid"),
    "pkce_did_not_expect_code_verifier": (401, "magic_link_invalid"),
    "organization_slug_already_used": (409, "organization_slug_taken"),
    "organization_external_id_already_used": (409, "organization_external_id_taken"),
    "organization_not_found": (404, "organization_not_found"),
    "invalid_intermediate_session_token_for_organization": (403, "organization_access_denied"),
    "email_jit_provisioning_not_allowed": (403, "organization_access_denied"),
    "invalid_email_for_jit_provisioning": (403, "organization_access_denied"),
    "oauth_tenant_jit_provisioning_not_allowed": (403, "organization_access_denied"),
    # Stytch refusing *our* credentials or settings: never the user's fault.
    "unauthorized_credentials": (502, "stytch_misconfigured"),
    "unauthorized_project_id_test": (502, "stytch_misconfigured"),
    "unauthorized_project_id_live": (502, "stytch_misconfigured"),
    "test_id_used_in_live_environment": (502, "stytch_misconfigured"),
    "live_id_used_in_test_environment": (502, "stytch_misconfigured"),
    "project_not_found": (502, "stytch_misconfigured"),
    "route_not_found": (502, "stytch_misconfigured"),
    "method_not_allowed": (502, "stytch_misconfigured"),
    "no_discovery_redirect_url_set": (502, "stytch_misconfigured"),
    "no_default_discovery_redirect_url_set": (502, "stytch_misconfigured"),
    "invalid_discovery_redirect_url": (502, "stytch_misconfigured"),
    "too_many_requests": (429, "stytch_rate_limited"),
}

#: Field a Stytch conflict is about, so a form can show it next to the right input.
_CONFLICT_FIELDS = {
    "organization_slug_taken": "organization_slug",
    "organization_external_id_taken": "organization_external_id",
}

#: Codes logged at ERROR: the server, not the caller, must be fixed.
SERVER_FAULT_CODES = frozenset({"stytch_misconfigured", "stytch_not_configured"})
#: Codes logged at WARNING: Stytch (or the way to it) is having trouble.
UPSTREAM_FAULT_CODES = frozenset(
    {"stytch_rate_limited", "stytch_unavailable", "stytch_bad_response", "stytch_timeout"}
)


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    stytch_error_type: str | None = None
    stytch_request_id: str | None = None
    retry_after: int | None = None

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "fields": self.fields,
            "stytch_error_type": self.stytch_error_type,
            "stytch_request_id": self.stytch_request_id,
        }

    @property
    def log_level(self) -> int:
        if self.code in SERVER_FAULT_CODES:
            return logging.ERROR
        if self.code in UPSTREAM_FAULT_CODES:
            return logging.WARNING
        return logging.INFO


class Problem(drf.APIException):
    """An error the views raise themselves, with its documented code."""

    def __init__(
        self, status: int, code: str, message: str | None = None, fields: dict[str, list[str]] | None = None
    ) -> None:
        self.status_code = status
        self.code = code
        self.message = message or MESSAGES[code]
        self.fields = fields or {}
        super().__init__(self.message, code)


class CsrfFailed(drf.PermissionDenied):
    """Django's CSRF check refused the request (``reason`` is one of Django's fixed texts)."""


def flatten_detail(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.0.b": ["message"]}``, the documented ``fields``."""
    flat: dict[str, list[str]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (Mapping, list)):
                    walk(item, f"{path}.{index}" if path else str(index))
                else:
                    walk(item, path)
        else:
            flat.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).append(str(value))

    walk(detail, prefix)
    return flat


def _ceil_seconds(value: float | None) -> int:
    return max(1, math.ceil(value or 1))


def _stytch_answer(error: StytchDiscoveryAPIError) -> ErrorAnswer:
    status = error.status_code or 502
    known = STYTCH_ERROR_TYPES.get(error.error_type)
    if known is not None:
        status, code = known
    elif status == 429:
        status, code = 429, "stytch_rate_limited"
    elif status >= 500:
        status, code = 502, "stytch_unavailable"
    else:
        status, code = 400, "stytch_rejected"
    conflict = _CONFLICT_FIELDS.get(code)
    # Stytch's own text explains a rejection best; other codes have a fixed message.
    if code == "stytch_rejected":
        message = error.error_message or "Stytch refused the request."
    else:
        message = MESSAGES[code]
    return ErrorAnswer(
        status=status,
        code=code,
        message=message,
        fields={conflict: [MESSAGES[code]]} if conflict else {},
        stytch_error_type=error.error_type,
        stytch_request_id=error.request_id or None,
        retry_after=_ceil_seconds(error.retry_after) if status == 429 else None,
    )


def _drf_answer(error: drf.APIException) -> ErrorAnswer:
    if isinstance(error, Problem):
        return ErrorAnswer(error.status_code, error.code, error.message, error.fields)
    if isinstance(error, drf.ValidationError):
        return ErrorAnswer(
            400, "validation_error", MESSAGES["validation_error"], flatten_detail(error.detail)
        )
    if isinstance(error, CsrfFailed):
        return ErrorAnswer(403, "csrf_failed", f"{MESSAGES['csrf_failed']} ({error.detail})")
    if isinstance(error, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        # 403, not 401: cookie sessions have no WWW-Authenticate scheme to announce.
        return ErrorAnswer(403, "not_authenticated", MESSAGES["not_authenticated"])
    if isinstance(error, drf.Throttled):
        wait = _ceil_seconds(getattr(error, "wait", None))
        return ErrorAnswer(429, "throttled", f"Too many requests; try again in {wait} s.", retry_after=wait)
    if isinstance(error, drf.MethodNotAllowed):
        return ErrorAnswer(405, "method_not_allowed", MESSAGES["method_not_allowed"])
    # ParseError -> parse_error, UnsupportedMediaType -> unsupported_media_type, and the rest.
    return ErrorAnswer(error.status_code, str(error.default_code), str(error.detail))


def answer_for(error: Exception) -> ErrorAnswer | None:
    """The documented answer for ``error``, or None when it is not an expected failure."""
    if isinstance(error, drf.APIException):
        return _drf_answer(error)
    if isinstance(error, StytchDiscoveryConfigurationError):
        return ErrorAnswer(503, "stytch_not_configured", MESSAGES["stytch_not_configured"])
    if isinstance(error, StytchDiscoveryAPIError):
        return _stytch_answer(error)
    request_id = getattr(error, "request_id", "") or None
    if isinstance(error, StytchDiscoveryTimeout):
        return ErrorAnswer(504, "stytch_timeout", MESSAGES["stytch_timeout"], stytch_request_id=request_id)
    if isinstance(error, StytchDiscoveryTransportError):
        return ErrorAnswer(502, "stytch_unavailable", MESSAGES["stytch_unavailable"])
    if isinstance(error, StytchDiscoveryResponseError):
        return ErrorAnswer(
            502, "stytch_bad_response", MESSAGES["stytch_bad_response"], stytch_request_id=request_id
        )
    return None
