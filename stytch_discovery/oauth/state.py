"""The state an OAuth callback needs, bound to the browser that started the flow.

``begin`` draws a random state id; ``remember`` keeps ``{provider, next, challenge}`` under its
SHA-256 in Django's cache for ten minutes and puts the id, signed, in a short-lived HttpOnly
cookie. The PKCE verifier is never stored nor sent to the browser: it is an HMAC of the state id
under ``SECRET_KEY``, so only this server can compute it again (``internal.pkce``; the challenge,
public, tells the callback which of the current key and ``SECRET_KEY_FALLBACKS`` derived it, and
Django's signing verifies the cookie with the same keys). ``take`` reads the cookie at the
callback, marks the state used (until it would have expired) and removes the cache entry
(``internal.redirect_state``, shared with the primary step's redirects): ``cache.delete``
answers True once, so two racing callbacks cannot both pass.

Why a signed cookie and not Django's session: the app needs no session table or middleware
(``PENDING_COOKIE_NAME`` works the same way), and the cookie is what ties the callback to this
browser; the cache entry makes it single use and short-lived. The cache must be shared between
processes (Redis, Memcached), as for the throttles. The cookie is ``SameSite=Lax`` whatever
``COOKIE_SAMESITE`` says (``None`` excepted): the callback is a cross-site top-level navigation
(from Stytch), which a ``Strict`` cookie would miss.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core import signing
from django.http import HttpRequest, HttpResponseBase

from stytch_discovery.conf import app_settings
from stytch_discovery.internal import pkce
from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.redirect_state import RecordStore, new_state, recorded_verifier

SALT = "stytch_discovery.oauth_state"
#: How long a started flow waits for its callback (an IST lives as long).
STATE_SECONDS = 600
_STATES = RecordStore("stytch_discovery:oauth_state:")
#: A used state's mark, so that a replay is told apart from a state that never was.
_USED = RecordStore("stytch_discovery:oauth_state_used:")


@dataclass(frozen=True)
class OAuthStart:
    """A started flow, as its callback finds it."""

    provider: str
    #: Where the browser goes afterwards (already checked against the allowed hosts).
    next_url: str
    state_id: str = field(repr=False)
    #: The PKCE verifier (``internal.pkce``), derived again at the callback, never stored.
    code_verifier: str = field(repr=False)

    @property
    def code_challenge(self) -> str:
        """``S256`` of the verifier, what the start sends Stytch."""
        return pkce.code_challenge(self.code_verifier)


def begin(*, provider: str, next_url: str) -> OAuthStart:
    """A new flow for ``provider``; nothing is kept until ``remember`` puts it on a response."""
    state_id = new_state()
    verifier = pkce.code_verifier(state_id, salt=SALT)
    return OAuthStart(provider=provider, next_url=next_url, state_id=state_id, code_verifier=verifier)


def _samesite() -> str:
    return "None" if app_settings.COOKIE_SAMESITE == "None" else "Lax"


def remember(response: HttpResponseBase, start: OAuthStart) -> None:
    """Keep ``start`` server-side, and its signed state cookie on the start's redirect (the cookie
    replaces any earlier flow's)."""
    kept = {"provider": start.provider, "next": start.next_url, "challenge": start.code_challenge}
    _STATES.keep(start.state_id, kept, STATE_SECONDS)
    value = signing.dumps(start.state_id, salt=SALT)
    cookies.set_cookie(
        response, app_settings.OAUTH_STATE_COOKIE_NAME, value, STATE_SECONDS, samesite=_samesite()
    )


def forget(response: HttpResponseBase, request: HttpRequest) -> None:
    """Delete the state cookie ``request`` carried (it is single use, success or not)."""
    name = app_settings.OAUTH_STATE_COOKIE_NAME
    if name in request.COOKIES:
        cookies.set_cookie(response, name, "", 0, samesite=_samesite())


def take(request: HttpRequest) -> OAuthStart:
    """The flow this browser started, used up: 401 when missing, expired, forged or used."""
    value = request.COOKIES.get(app_settings.OAUTH_STATE_COOKIE_NAME)
    if not value:
        raise Problem("oauth_state_missing")
    try:
        # Verified with SECRET_KEY, then each of SECRET_KEY_FALLBACKS (Django's default).
        state_id = signing.loads(value, salt=SALT, max_age=STATE_SECONDS)
    except signing.BadSignature as error:  # SignatureExpired included
        raise Problem("oauth_state_missing") from error
    state_id = str(state_id)
    found = _STATES.find(state_id)
    if found is None:
        raise Problem("oauth_state_used" if _USED.find(state_id) else "oauth_state_missing")
    if not (isinstance(found, dict) and all(isinstance(found.get(key), str) for key in ("provider", "next"))):
        raise Problem("oauth_state_missing")  # written by another version of this module
    verifier = recorded_verifier(state_id, found, salt=SALT)
    if verifier is None:  # the key that derived it is no longer kept
        raise Problem("oauth_state_missing")
    # The mark goes first: a racing callback that finds the state gone then finds it used.
    _USED.keep(state_id, True, STATE_SECONDS)
    if not _STATES.use(state_id):
        raise Problem("oauth_state_used")
    return OAuthStart(
        provider=found["provider"], next_url=found["next"], state_id=state_id, code_verifier=verifier
    )
