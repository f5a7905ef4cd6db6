"""Member sessions at Stytch: check one (and refresh its JWT), or end it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.views.decorators.debug import sensitive_variables

from stytch_discovery.client import StytchClient
from stytch_discovery.internal.calls import call, payload

from .types import SessionAuthentication

AUTHENTICATE_SESSION = "/v1/b2b/sessions/authenticate"
REVOKE_SESSION = "/v1/b2b/sessions/revoke"

__all__ = ["authenticate_session", "revoke_session"]


def _exactly_one(session_token: str | None, session_jwt: str | None) -> None:
    if (session_token is None) == (session_jwt is None):
        raise ValueError("Give exactly one of session_token, session_jwt.")


@sensitive_variables("session_token", "session_jwt", "body")
def authenticate_session(
    *,
    session_token: str | None = None,
    session_jwt: str | None = None,
    session_duration_minutes: int | None = None,
    session_custom_claims: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    stytch: StytchClient | None = None,
) -> SessionAuthentication:
    """Ask Stytch whether the session behind exactly one token or JWT is alive.

    An expired JWT is accepted while its session lives, and the answer carries a fresh one.
    ``session_duration_minutes`` extends the session; without it the session is not extended.
    """
    _exactly_one(session_token, session_jwt)
    body = payload(
        {
            "session_token": session_token,
            "session_jwt": session_jwt,
            "session_duration_minutes": session_duration_minutes,
            "session_custom_claims": session_custom_claims,
        },
        extra,
    )
    return call(AUTHENTICATE_SESSION, body, SessionAuthentication.from_json, stytch=stytch)


@sensitive_variables("session_token", "session_jwt", "body")
def revoke_session(
    *,
    session_token: str | None = None,
    session_jwt: str | None = None,
    stytch: StytchClient | None = None,
) -> None:
    """End the member session behind exactly one of a session token or a session JWT."""
    _exactly_one(session_token, session_jwt)
    body = payload({"session_token": session_token, "session_jwt": session_jwt})
    call(REVOKE_SESSION, body, lambda data: None, stytch=stytch)
