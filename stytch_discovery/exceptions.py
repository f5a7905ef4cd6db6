"""Domain errors. None of them carries a token, a request body or the secret.

Nor does a message carry Stytch's words, which may name the person (``client/envelope.py``):
``StytchDiscoveryAPIError`` keeps them, redacted, for the host's code to read.

``StytchDiscoveryConfigurationError`` sits outside the runtime tree on purpose: code that
catches "Stytch failed" must not swallow "this server is misconfigured".
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

#: Stytch messages are short; anything longer is cut.
_MAX_MESSAGE = 300


class StytchDiscoveryConfigurationError(ImproperlyConfigured):
    """Credentials or settings are missing or invalid."""


class StytchDiscoveryError(Exception):
    """Base of every runtime failure talking to Stytch."""

    def __init__(self, message: str, *, status_code: int | None = None, request_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id


class StytchDiscoveryAPIError(StytchDiscoveryError):
    """Stytch answered with an error envelope (HTTP status >= 400).

    The message names the status, ``error_type`` and ``request_id``. ``error_message`` and
    ``error_url`` are Stytch's, without the secret, what the call sent or any email address;
    this app never logs or answers them.
    """

    def __init__(
        self,
        *,
        status_code: int,
        error_type: str,
        error_message: str,
        request_id: str = "",
        error_url: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.error_type = error_type
        self.error_message = error_message[:_MAX_MESSAGE]
        self.error_url = error_url
        self.retry_after = retry_after
        super().__init__(
            f"Stytch answered {status_code} {error_type}"
            + (f" (request_id={request_id})" if request_id else ""),
            status_code=status_code,
            request_id=request_id,
        )

    @property
    def is_client_error(self) -> bool:
        return self.status_code is not None and 400 <= self.status_code < 500

    @property
    def is_server_error(self) -> bool:
        return self.status_code is not None and self.status_code >= 500


class StytchDiscoveryTransportError(StytchDiscoveryError):
    """No usable HTTP answer: the connection failed or was dropped."""


class StytchDiscoveryTimeout(StytchDiscoveryTransportError, TimeoutError):
    """Stytch did not answer within the configured timeout or retry deadline."""


class StytchDiscoveryResponseError(StytchDiscoveryError):
    """Stytch answered, but with something that is not the documented JSON."""


class StytchDiscoveryIdentityMismatch(StytchDiscoveryError):
    """Stytch answered for another member than the one the call named (its ``member_id=``).

    Nothing was recorded for that member (no link to a user, no cache row) and the session Stytch
    started for them was revoked (best effort). The message names neither member.
    """


class StytchDiscoveryInvalidSession(StytchDiscoveryError):
    """A session credential is not (or no longer) a live session of this project.

    Raised for a JWT that fails local verification (malformed, forged, another project's, not
    yet valid, signed by an unknown key) without asking Stytch, and for a session Stytch says
    does not exist. The message names the reason, never the token.
    """
