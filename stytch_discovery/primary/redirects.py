"""The state of an SSO or OAuth primary step between its start and Stytch's redirect back.

Starting makes a random ``state``: it goes into a short-lived HttpOnly cookie of the browser that
started, and a record of what was started (SSO or OAuth, which connection or provider, the pending
step's IST by its SHA-256, where to land afterwards) goes into Django's cache under the state's
SHA-256 (``internal.redirect_state``), with the PKCE challenge. The verifier is derived from the
state with ``SECRET_KEY`` (``internal.pkce``): both as for OAuth discovery. So the verifier is
stored nowhere, neither in the cache nor in the cookie, and a copy of the cookie alone does not
reveal it; the challenge (public: it goes to Stytch through the browser) tells the callback which
of the current key and ``SECRET_KEY_FALLBACKS`` derived it.

Coming back reads the record, checks that it belongs to this browser's pending step and to the
kind of callback it came back to, then deletes it (so a second callback finds nothing). A missing
cookie or record (another browser, expired), a replay and a foreign record are all refused with
``redirect_state_invalid``, before any Stytch call.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.debug import sensitive_variables

from stytch_discovery.conf import app_settings
from stytch_discovery.internal import pkce
from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.redirect_state import RecordStore, new_state, recorded_verifier
from stytch_discovery.sessions.pending import PendingStep

SSO, OAUTH = "sso", "oauth"
#: How long a started redirect may take at the identity provider, at most (the IST's own lifetime).
MAX_SECONDS = 600
_RECORDS = RecordStore("stytch_discovery:primary_redirect:")
_SALT = "stytch_discovery.primary.pkce"


def cookie_name() -> str:
    """The state's cookie: named after the pending step's, which it accompanies."""
    return f"{app_settings.PENDING_COOKIE_NAME}_redirect"


@dataclass(frozen=True)
class Started:
    """What a start recorded: ``kind`` (SSO or OAUTH), the connection or provider, and the step."""

    kind: str
    target: str
    ist_digest: str
    member_id: str
    landing: str


@sensitive_variables("state")
def code_verifier(state: str) -> str:
    """The PKCE verifier of ``state`` (``internal.pkce``: derived, stored nowhere)."""
    return pkce.code_verifier(state, salt=_SALT)


code_challenge = pkce.code_challenge


@dataclass(frozen=True)
class Begun:
    """A recorded start: its state (for the cookie), how long it lives, and the PKCE challenge."""

    state: str = field(repr=False)
    seconds: int
    challenge: str

    def remember(self, response: HttpResponseBase) -> None:
        cookies.set_cookie(response, cookie_name(), self.state, self.seconds)


def begin(started: Started, step: PendingStep) -> Begun:
    """Record ``started`` (for as long as ``step``'s IST lives, 10 minutes at most)."""
    state = new_state()
    seconds = max(1, min(MAX_SECONDS, int(step.expires_at - time.time())))
    challenge = code_challenge(code_verifier(state))
    _RECORDS.keep(state, {**asdict(started), "challenge": challenge}, seconds)
    return Begun(state=state, seconds=seconds, challenge=challenge)


@sensitive_variables("state", "verifier")
def take(request: HttpRequest, *, kind: str, step: PendingStep) -> tuple[Started, str]:
    """The start this callback finishes, and its PKCE verifier; it cannot be taken again.

    The record is checked before it is deleted, so a state presented elsewhere (another step, the
    other kind of callback) does not use up the start of the browser it belongs to.
    """
    state = request.COOKIES.get(cookie_name(), "")
    found = _RECORDS.find(state) if state else None
    record: dict[str, Any] = found if isinstance(found, dict) else {}
    try:
        started = Started(**{key: value for key, value in record.items() if key != "challenge"})
    except TypeError:  # none, or written by another version of this module
        started = None
    # None when the key that derived it is no longer kept (neither current nor a fallback).
    verifier = recorded_verifier(state, record, salt=_SALT) if started else None
    if (
        started is None
        or verifier is None
        or (started.kind, started.ist_digest, started.member_id) != (kind, step.ist_digest, step.member_id)
        # delete() says whether this call removed it: of two racing callbacks, one wins.
        or not _RECORDS.use(state)
    ):
        raise Problem("redirect_state_invalid")
    return started, verifier


def sso_connection(step: PendingStep, requested: str | None) -> str:
    """The connection to start: the one asked for (the organization's own only), else the default,
    else the only one; several without a default need a choice."""
    connections = dict(step.sso_connections)
    if requested is not None:
        if requested not in connections:
            raise Problem(
                "validation_error",
                fields={"connection_id": ["Not one of this organization's SSO connections."]},
            )
        return requested
    if step.sso_default_connection_id:
        return step.sso_default_connection_id
    if not connections:
        raise Problem("sso_connection_missing")
    if len(connections) > 1:
        raise Problem("sso_connection_required")
    return next(iter(connections))


def forget(response: HttpResponseBase) -> None:
    cookies.delete(response, cookie_name())
