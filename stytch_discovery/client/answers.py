"""What Stytch's answer (or the lack of one) means: the decoded body, or the exception to raise."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import requests
from django.views.decorators.debug import sensitive_variables

from stytch_discovery import jsonlib
from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryResponseError,
    StytchDiscoveryTimeout,
    StytchDiscoveryTransportError,
)

from .envelope import error_type_of, redacted, request_id_of

logger = logging.getLogger("stytch_discovery.client")


def ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def log_retry(method: str, path: str, outcome: str, started: float, attempt: int) -> None:
    logger.warning(
        "Stytch %s %s %s after %.1f ms; retrying (attempt %d)", method, path, outcome, ms(started), attempt
    )


def transport_error(method: str, path: str, error: requests.RequestException) -> Exception:
    name = type(error).__name__
    if isinstance(error, requests.Timeout):
        return StytchDiscoveryTimeout(f"Stytch did not answer {method} {path} in time ({name}).")
    return StytchDiscoveryTransportError(f"Could not reach Stytch for {method} {path} ({name}).")


@sensitive_variables("content", "data", "secret", "payload")
def result(
    method: str,
    path: str,
    status: int,
    content: bytes,
    retry_after: float | None,
    started: float,
    *,
    secret: str,
    payload: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The success body, or the exception that Stytch's answer means.

    ``secret`` and ``payload`` (what was sent) are taken out of the text an error keeps.
    """
    if 300 <= status < 400:
        # Stytch's API never redirects; following one would resend the Basic auth and the
        # tokens in the body to wherever it points.
        logger.warning(
            "Stytch %s %s answered %d after %.1f ms; redirects are not followed",
            *(method, path, status, ms(started)),
        )
        raise not_documented(method, path, status)
    try:
        data = jsonlib.loads(content)
    except ValueError as error:
        raise StytchDiscoveryResponseError(
            f"Stytch answered {method} {path} with {status} and a body that is not JSON.",
            status_code=status,
        ) from error
    request_id = request_id_of(data)
    logger.info("Stytch %s %s -> %d request_id=%s %.1f ms", method, path, status, request_id, ms(started))
    if status >= 400:
        raise api_error(method, path, data, status, retry_after, secret=secret, payload=payload)
    if not isinstance(data, dict) or not isinstance(data.get("request_id"), str):
        raise not_documented(method, path, status)
    return data


def not_documented(method: str, path: str, status: int) -> StytchDiscoveryResponseError:
    return StytchDiscoveryResponseError(
        f"Stytch answered {method} {path} with {status} but not the documented JSON object.",
        status_code=status,
    )


@sensitive_variables("data", "secret", "payload")
def api_error(
    method: str,
    path: str,
    data: Any,
    status: int,
    retry_after: float | None,
    *,
    secret: str,
    payload: Mapping[str, Any] | None,
) -> StytchDiscoveryAPIError | StytchDiscoveryResponseError:
    error_type = error_type_of(data)
    if error_type is None:
        return StytchDiscoveryResponseError(
            f"Stytch answered {method} {path} with {status} but no error envelope.",
            status_code=status,
            request_id=request_id_of(data),
        )
    return StytchDiscoveryAPIError(
        status_code=status,
        error_type=error_type,
        error_message=redacted(str(data.get("error_message", "")), secret=secret, payload=payload),
        request_id=request_id_of(data),
        error_url=redacted(str(data.get("error_url", "")), secret=secret, payload=payload),
        retry_after=retry_after,
    )
