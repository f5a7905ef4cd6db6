"""The server's say over the sessions this app starts: how long they last, and what a request may choose.

Stytch signs ``session_custom_claims`` into the session JWT, and whatever reads that JWT (host
code through ``request.stytch.custom_claims``, another backend verifying it) trusts them; so they
are the server's to set, through the services' ``session_custom_claims``, as Stytch's own frontend
SDKs leave them to the backend. A request's are refused unless ``ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS``.

A request may ask for a duration up to ``MAX_SESSION_DURATION_MINUTES``; a session nobody sized
(a request that does not say, a browser redirect, a service called without one) lasts
``SESSION_DURATION_MINUTES``, and Stytch's 60 minutes when that is None too.
"""

from __future__ import annotations

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.rules import MAX_SESSION_MINUTES

DURATION = "session_duration_minutes"
CLAIMS = "session_custom_claims"
#: Stytch's session length when a call names none (contract §3.2).
STYTCH_DEFAULT_MINUTES = 60
#: Why a request's custom claims are refused (the field error's message).
CLAIMS_REFUSED = (
    "Custom claims are set by the server, never by the caller (see ACCEPT_CLIENT_SESSION_CUSTOM_CLAIMS)."
)


def duration(requested: int | None) -> int | None:
    """The duration a call that starts a session sends: ``requested``, else the server's default
    (None: none is sent, and Stytch starts a 60-minute session)."""
    return app_settings.SESSION_DURATION_MINUTES if requested is None else requested


def longest_requestable() -> int:
    """The longest session a request may ask for."""
    return app_settings.MAX_SESSION_DURATION_MINUTES or MAX_SESSION_MINUTES
