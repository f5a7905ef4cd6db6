"""The error contract of the views: every code, its status and message, and what maps to it.

Every non-2xx answer has the shape
``{"code", "message", "fields", "stytch_error_type", "stytch_request_id"}`` (README, "Errors").
:data:`CODES` declares each code once with its HTTP status, so a raise site names only the code
(``Problem("intermediate_session_required")``) and the OpenAPI schema derives its per-status
descriptions from the same table. ``answer_for`` maps domain errors (``exceptions``), DRF's
exceptions and ``Problem`` to an ``ErrorAnswer`` (Stytch's error types through ``stytch_errors``);
anything else is a bug and is left to propagate.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rest_framework import exceptions as drf
from rest_framework.settings import api_settings

from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryIdentityMismatch,
    StytchDiscoveryInvalidSession,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)

from .stytch_errors import STYTCH_ERROR_TYPES

#: Every code an answer can carry: (HTTP status, message). A message may be refined per answer
#: (DRF's parse error text, the wait when throttled), never with Stytch's text (client/envelope.py).
CODES: dict[str, tuple[int, str]] = {
    "validation_error": (400, "The request is not valid; see fields."),
    "code_invalid": (400, "That code is not right; check it and try again."),
    "code_expired": (400, "That code has expired or was already used; ask for a new one."),
    "recovery_code_invalid": (400, "That recovery code is not valid or was already used."),
    "phone_number_invalid": (400, "That phone number cannot receive codes; check it (e.g. +14155550123)."),
    "redirect_state_invalid": (
        400,
        "This sign-in was not started in this browser, or was already finished; start it again.",
    ),
    "sso_connection_required": (400, "This organization has several SSO connections: choose one."),
    "identity_provider_error": (
        400,
        "Your identity provider did not confirm who you are; try again, or ask your administrator.",
    ),
    "parse_error": (400, "The request body is not valid JSON."),
    "stytch_rejected": (400, "Stytch refused the request."),
    "intermediate_session_required": (
        401,
        "Sign in first: no intermediate session token was given in the body or a cookie.",
    ),
    "intermediate_session_invalid": (401, "The sign-in has expired or was already used; sign in again."),
    "session_invalid": (401, "The session is invalid or has expired; sign in again."),
    "magic_link_invalid": (401, "The magic link is invalid, expired or already used; request a new one."),
    "oauth_invalid": (401, "Signing in with that provider failed or took too long; start again."),
    "oauth_state_missing": (
        401,
        "No sign-in with that provider was started in this browser, or it took too long; start again.",
    ),
    "oauth_state_used": (401, "That sign-in was already finished; start again to sign in once more."),
    "oauth_state_mismatch": (401, "That sign-in was started in another browser; start again here."),
    "redirect_token_invalid": (
        401,
        "The sign-in at your identity provider has expired or was already used; start it again.",
    ),
    "not_authenticated": (401, "Sign in first: this request carries no member session."),
    "organization_selection_required": (401, "Signed in: choose or create an organization to continue."),
    "mfa_required": (401, "This organization requires multi-factor authentication: finish it to continue."),
    "primary_authentication_required": (
        401,
        "This organization needs another sign-in method before it lets you in.",
    ),
    "csrf_failed": (403, "CSRF verification failed; fetch a token from the csrf endpoint first."),
    "auth_method_not_allowed": (403, "This organization does not allow that sign-in method."),
    "organization_join_forbidden": (
        403,
        "This organization's sign-in policy does not let you join it; choose another organization.",
    ),
    "oauth_email_unverified": (403, "That provider has not verified your email address; use another way in."),
    "identity_mismatch": (
        403,
        "That sign-in is for someone else than the member this sign-in step is for.",
    ),
    "permission_denied": (403, "You do not have permission to do this."),
    "organization_mismatch": (403, "Your session is for another organization."),
    "organization_access_denied": (403, "This sign-in does not allow entering that organization."),
    "organization_not_found": (404, "No such organization."),
    "entry_point_disabled": (404, "This way of signing in is not offered here."),
    "unknown_format": (404, "The schema comes as ?format=json or ?format=yaml (or by Accept)."),
    "method_not_allowed": (405, "This method is not allowed here."),
    "not_acceptable": (406, "The schema comes as JSON or YAML: accept one of them."),
    "mfa_factor_missing": (409, "You have not set up that method; use another one or set it up first."),
    "sso_connection_missing": (
        409,
        "This organization has no single sign-on connection set up; ask its administrator.",
    ),
    "totp_exists": (409, "An authenticator app is already set up, or being set up, for you."),
    "phone_number_taken": (409, "Another member of this organization already uses that phone number."),
    "step_not_pending": (
        409,
        "No sign-in step of this kind is waiting; ask the session endpoint where you stand.",
    ),
    "organization_slug_taken": (409, "That organization slug is already taken."),
    "organization_external_id_taken": (409, "That organization external id is already taken."),
    "payload_too_large": (413, "The request body is too large."),
    "unsupported_media_type": (415, "Send the request body as application/json."),
    "throttled": (429, "Too many requests; try again later."),
    "code_attempts_exhausted": (429, "Too many wrong codes; try again later."),
    "stytch_rate_limited": (429, "The sign-in service is busy; try again shortly."),
    "stytch_misconfigured": (
        502,
        "Sign-in is misconfigured on the server; this is not your fault. Try again later.",
    ),
    "stytch_unavailable": (502, "The sign-in service is unavailable; try again shortly."),
    "stytch_bad_response": (502, "The sign-in service answered unexpectedly; try again shortly."),
    "stytch_not_configured": (503, "Sign-in is not configured on this server."),
    "throttle_unavailable": (503, "The server cannot count requests right now; try again shortly."),
    "cache_unavailable": (503, "The server cannot keep this sign-in's state right now; try again shortly."),
    "stytch_timeout": (504, "The sign-in service did not answer in time; try again."),
}

#: Field a Stytch refusal is about, so a form can show it next to the right input.
_CONFLICT_FIELDS = {
    "organization_slug_taken": "organization_slug",
    "organization_external_id_taken": "organization_external_id",
    "phone_number_taken": "mfa_phone_number",
    "phone_number_invalid": "mfa_phone_number",
    "code_invalid": "code",
    "code_expired": "code",
    "recovery_code_invalid": "recovery_code",
}

#: Codes of this server's own fault (its Stytch credentials or settings): the server, not the
#: caller, must be fixed.
SERVER_FAULT_CODES = frozenset({"stytch_misconfigured", "stytch_not_configured"})
#: Codes of Stytch, or the way to it, failing: down, answering what is not its JSON, or too slowly.
STYTCH_DOWN_CODES = frozenset({"stytch_unavailable", "stytch_bad_response", "stytch_timeout"})
#: Codes whose cause fails every request alike until it ends or is fixed. It is logged at ERROR at
#: most once a minute per process (``outages``); a request it fails logs its own line at WARNING,
#: and not on Django's request logger either (``base``): at one error (and one mail to the admins)
#: per request, an outage would flood the logs. Not ``stytch_rate_limited``: a 429, which Django
#: logs at WARNING only, and Stytch's limits may be one address's, not the service's.
REPORTED_CODES = SERVER_FAULT_CODES | STYTCH_DOWN_CODES
#: Codes of Django's cache being down. The outage is logged where the cache failed, the same way
#: (``internal.shared.log_failure``); a request it refuses logs its own line at INFO only.
CACHE_DOWN_CODES = frozenset({"throttle_unavailable", "cache_unavailable"})
#: Codes logged at WARNING: Stytch (or the way to it) is having trouble or refuses this server's
#: credentials, or someone has entered more wrong codes for one address or member than a person
#: does (a guesser, typically).
WARNING_CODES = REPORTED_CODES | {"stytch_rate_limited", "code_attempts_exhausted"}


def status_of(code: str) -> int:
    return CODES[code][0]


def message_of(code: str) -> str:
    return CODES[code][1]


def codes_with_status(status: int) -> list[str]:
    """The codes answered with ``status``, in declaration order (the schema lists them)."""
    return [code for code, (code_status, _) in CODES.items() if code_status == status]


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    stytch_error_type: str | None = None
    stytch_request_id: str | None = None
    retry_after: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, message: str | None = None, **details: Any) -> ErrorAnswer:
        """The answer for one of :data:`CODES`, with its status and (by default) its message."""
        return cls(status_of(code), code, message or message_of(code), **details)

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "fields": self.fields,
            "stytch_error_type": self.stytch_error_type,
            "stytch_request_id": self.stytch_request_id,
            **self.extra,
        }

    @property
    def log_level(self) -> int:
        """The level of the request's own line (a failure of every request is reported apart)."""
        return logging.WARNING if self.code in WARNING_CODES else logging.INFO


class Problem(drf.APIException):
    """An error the views raise themselves, named by its code in :data:`CODES`.

    Its ``detail`` is the whole documented error body, so a host project's own DRF views (where
    the authentication and permission classes raise it) answer with the same shape even under
    DRF's default exception handler.
    """

    def __init__(
        self,
        code: str,
        message: str | None = None,
        fields: dict[str, list[str]] | None = None,
        *,
        extra: dict[str, Any] | None = None,
        retry_after: int | None = None,
        stytch_error_type: str | None = None,
        stytch_request_id: str | None = None,
    ) -> None:
        #: The whole answer: besides the code, Stytch's error type and request id when Stytch
        #: failed, the keys it adds to the body (the session endpoint's ``flows``), and the
        #: seconds of its ``Retry-After``.
        self.answer = ErrorAnswer.of(
            code,
            message,
            fields=fields or {},
            extra=extra or {},
            retry_after=retry_after,
            stytch_error_type=stytch_error_type,
            stytch_request_id=stytch_request_id,
        )
        self.status_code = self.answer.status
        self.code = code
        super().__init__(self.message, code)
        self.detail = self.answer.body()  # DRF's default handler answers a dict as it is

    @property
    def message(self) -> str:
        return self.answer.message

    @property
    def fields(self) -> dict[str, list[str]]:
        return self.answer.fields

    @property
    def extra(self) -> dict[str, Any]:
        return self.answer.extra

    @property
    def retry_after(self) -> int | None:
        return self.answer.retry_after

    @property
    def wait(self) -> int | None:
        # DRF's default exception handler turns any exception's ``wait`` into ``Retry-After``: a
        # host's own view answers a 429 (Stytch's rate limit) with it too.
        return self.answer.retry_after

    @classmethod
    def answering(cls, answer: ErrorAnswer) -> Problem:
        """The ``Problem`` that answers ``answer`` whole (Stytch's error type and request id included)."""
        return cls(
            answer.code,
            answer.message,
            answer.fields,
            extra=answer.extra,
            retry_after=answer.retry_after,
            stytch_error_type=answer.stytch_error_type,
            stytch_request_id=answer.stytch_request_id,
        )


class AuthenticationProblem(Problem, drf.AuthenticationFailed):
    """A 401 ``Problem`` that DRF's own views also answer with their ``WWW-Authenticate`` challenge.

    DRF adds the challenge of a view's first authentication class to these exceptions (and turns
    them into a 403 when that class has none).
    """


class CsrfFailed(Problem, drf.PermissionDenied):
    """Django's CSRF check refused the request (``reason`` is one of Django's fixed texts).

    A ``Problem``, so a host project's DRF views that use ``StytchSessionAuthentication`` answer
    ``csrf_failed`` in the error shape too, not DRF's ``{"detail": ...}``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__("csrf_failed", f"{message_of('csrf_failed')} ({reason})")


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


def _stytch_code(error: StytchDiscoveryAPIError) -> str:
    known = STYTCH_ERROR_TYPES.get(error.error_type)
    if known is not None:
        return known
    status = error.status_code or 502
    if status == 429:
        return "stytch_rate_limited"
    return "stytch_unavailable" if status >= 500 else "stytch_rejected"


def stytch_answer(error: StytchDiscoveryAPIError, code: str | None = None) -> ErrorAnswer:
    """The answer for Stytch's ``error``; ``code`` overrides the table (an endpoint's own reading)."""
    code = code or _stytch_code(error)
    conflict = _CONFLICT_FIELDS.get(code)
    # Our message, never Stytch's: its text may repeat the person's email or what was sent.
    return ErrorAnswer.of(
        code,
        fields={conflict: [message_of(code)]} if conflict else {},
        stytch_error_type=error.error_type,
        stytch_request_id=error.request_id or None,
        retry_after=_ceil_seconds(error.retry_after) if status_of(code) == 429 else None,
    )


def _drf_answer(error: drf.APIException) -> ErrorAnswer:
    if isinstance(error, Problem):
        return error.answer
    if isinstance(error, drf.ValidationError):
        return ErrorAnswer.of("validation_error", fields=flatten_detail(error.detail))
    if isinstance(error, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return ErrorAnswer.of("not_authenticated")
    if isinstance(error, drf.PermissionDenied):  # a permission class's refusal: the table's words
        return ErrorAnswer.of("permission_denied")
    if isinstance(error, drf.Throttled):
        wait = _ceil_seconds(getattr(error, "wait", None))
        return ErrorAnswer.of("throttled", f"Too many requests; try again in {wait} s.", retry_after=wait)
    if isinstance(error, drf.MethodNotAllowed):
        return ErrorAnswer.of("method_not_allowed")
    # ParseError -> parse_error, UnsupportedMediaType -> unsupported_media_type (DRF's own texts),
    # and whatever a subclass of these views raises, with its own status and code.
    return ErrorAnswer(error.status_code, str(error.default_code), str(error.detail))


def answer_for(error: Exception) -> ErrorAnswer | None:
    """The documented answer for ``error``, or None when it is not an expected failure."""
    if isinstance(error, drf.APIException):
        return _drf_answer(error)
    if isinstance(error, StytchDiscoveryConfigurationError):
        return ErrorAnswer.of("stytch_not_configured")
    if isinstance(error, StytchDiscoveryAPIError):
        return stytch_answer(error)
    if isinstance(error, StytchDiscoveryInvalidSession):
        return ErrorAnswer.of("session_invalid")
    if isinstance(error, StytchDiscoveryIdentityMismatch):
        return ErrorAnswer.of("identity_mismatch")
    request_id = getattr(error, "request_id", "") or None
    if isinstance(error, StytchDiscoveryTimeout):
        return ErrorAnswer.of("stytch_timeout", stytch_request_id=request_id)
    if isinstance(error, StytchDiscoveryTransportError):
        return ErrorAnswer.of("stytch_unavailable")
    if isinstance(error, StytchDiscoveryResponseError):
        return ErrorAnswer.of("stytch_bad_response", stytch_request_id=request_id)
    return None
