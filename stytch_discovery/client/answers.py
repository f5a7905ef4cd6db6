"""What Stytch's answer (or the lack of one) means: the decoded body, or the exception to raise."""

from __future__ import annotations

import logging
import time
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


@sensitive_variables("content", "data")
def result(
    method: str, path: str, status: int, content: bytes, retry_after: float | None, started: float
) -> dict[str, Any]:
    """The success body, or the exception that Stytch's answer means."""
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
    request_id = data.get("request_id", "") if isinstance(data, dict) else ""
    logger.info("Stytch %s %s -> %d request_id=%s %.1f ms", method, path, status, request_id, ms(started))
    if status >= 400:
        raise api_error(method, path, data, status, retry_after)
    if not isinstance(data, dict) or not isinstance(data.get("request_id"), str):
        raise not_documented(method, path, status)
    return data


def not_documented(method: str, path: str, status: int) -> StytchDiscoveryResponseError:
    return StytchDiscoveryResponseError(
        f"Stytch answered {method} {path} with {status} but not the documented JSON object.",
        status_code=status,
    )


def api_error(
    method: str, path: str, data: Any, status: int, retry_after: float | None
) -> StytchDiscoveryAPIError | StytchDiscoveryResponseError:
    if not isinstance(data, dict) or not isinstance(data.get("error_type"), str):
        return StytchDiscoveryResponseError(
            f"Stytch answered {method} {path} with {status} but no error envelope.",
            status_code=status,
            request_id=str(data.get("request_id", "")) if isinstance(data, dict) else "",
        )
    return StytchDiscoveryAPIError(
        status_code=status,
        error_type=data["error_type"],
        error_message=str(data.get("error_message", "")),
        request_id=str(data.get("request_id", "")),
        error_url=str(data.get("error_url", "")),
        retry_after=retry_after,
    )
