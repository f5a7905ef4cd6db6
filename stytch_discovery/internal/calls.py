"""One Stytch call as the features make it: build the payload, send it, parse the answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.client.envelope import request_id_of
from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryConfigurationError, StytchDiscoveryResponseError

from .parsing import Result


def payload(fields: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Drop unset fields, as the official SDKs do, then let ``extra`` add newer ones."""
    built = {key: value for key, value in fields.items() if value is not None}
    if extra:
        built.update(extra)
    return built


def public_token(given: str | None = None) -> str:
    """The public token a browser start URL carries (no call, no secret): ``given``, else the setting."""
    token = given or app_settings.PUBLIC_TOKEN
    if not token:
        raise StytchDiscoveryConfigurationError(
            "No Stytch public token is configured: set STYTCH_DISCOVERY['PUBLIC_TOKEN'] or "
            "the STYTCH_PUBLIC_TOKEN environment variable."
        )
    return token


@sensitive_variables("body", "data")
def call(
    path: str,
    body: Mapping[str, Any] | None,
    parse: Callable[[Mapping[str, Any]], Result],
    *,
    stytch: StytchClient | None,
    method: str = "POST",
    idempotent: bool = False,
) -> Result:
    """Send ``body`` to ``path`` and ``parse`` the answer into a typed result.

    A 2xx answer that lacks or mistypes a field ``parse`` needs is Stytch's fault, not a bug
    here: it becomes a ``StytchDiscoveryResponseError`` naming the problem, never the body.
    """
    client = stytch or StytchClient.from_settings()
    data = client.request(method, path, body, idempotent=idempotent)
    try:
        return parse(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise StytchDiscoveryResponseError(
            f"Stytch's answer to {method} {path} lacks or mistypes a required field "
            f"({type(error).__name__}).",
            # The client returns 2xx bodies only; the body's own status_code may be as broken as the rest.
            status_code=data["status_code"] if isinstance(data.get("status_code"), int) else 200,
            request_id=request_id_of(data),
        ) from error
