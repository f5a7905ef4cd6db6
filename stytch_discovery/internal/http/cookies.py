"""Token transport between the browser and the views: which token a request carries, and cookies.

Tokens live in HttpOnly cookies so the SPA's JavaScript never holds one. Flags come from the
``COOKIE_*`` settings; every cookie is set and deleted with the same path and domain, or the
browser would keep a stale copy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.tokens import IST, SESSION_JWT, SESSION_TOKEN, is_token

from .errors import Problem

#: The cookie the Stytch frontend SDK stores the IST in (JS-readable, so read as a fallback).
SDK_IST_COOKIE_NAME = "stytch_intermediate_session_token"
#: Stytch's documented IST lifetime, used when an answer does not say when the IST expires.
IST_MAX_AGE = 600


@dataclass(frozen=True)
class Credential:
    """One token and where it came from (``cookie`` is None for the JSON body)."""

    kind: str
    token: str = field(repr=False)
    cookie: str | None = None

    @property
    def is_intermediate(self) -> bool:
        return self.kind == IST

    def token_if(self, kind: str) -> str | None:
        """The token when it is of ``kind``: one keyword per kind for the service call."""
        return self.token if self.kind == kind else None


def _first_good_cookie(request: HttpRequest, sources: Sequence[tuple[str, str]]) -> Credential | None:
    """The first well-formed token cookie of ``sources`` ((name, kind) pairs, in order of preference).

    A malformed one (empty, spaces, non-ASCII, too long) cannot be a token Stytch issued: it is
    skipped, so the next good source is used, and deleted with the response, so the browser stops
    sending it. Only when every cookie present is malformed is the request refused (the 401 of the
    first non-empty one's kind), without asking Stytch.
    """
    found: Credential | None = None
    malformed: str | None = None
    for name, kind in sources:
        if name not in request.COOKIES:
            continue
        value = request.COOKIES[name]
        if not is_token(value, kind):
            defer(request, functools.partial(delete_unless_set, names=(name,)))
            # An empty cookie holds no token at all: without a good one, it is "required", not "invalid".
            malformed = malformed or (kind if value else None)
        elif found is None:
            found = Credential(kind=kind, token=value, cookie=name)
    if found is None and malformed is not None:
        raise Problem("intermediate_session_invalid" if malformed == IST else "session_invalid")
    return found


def delete_unless_set(response: HttpResponseBase, names: Sequence[str]) -> None:
    """Delete the cookies ``names``, except those the view set on this response.

    For changes deferred while authenticating: the view answers later, and what it set (a new
    session, a logout's deletions) is the newer decision.
    """
    delete(response, *(name for name in names if name not in response.cookies))


def any_set(response: HttpResponseBase, names: Sequence[str]) -> bool:
    """Whether the view set (or deleted) any of the cookies ``names`` on this response."""
    return any(name in response.cookies for name in names)


def intermediate_session_cookies() -> list[str]:
    names = [app_settings.IST_COOKIE_NAME]
    if app_settings.ACCEPT_SDK_IST_COOKIE:
        names.append(SDK_IST_COOKIE_NAME)
    return names


def _ist_sources() -> list[tuple[str, str]]:
    return [(name, IST) for name in intermediate_session_cookies()]


def _member_cookies() -> list[tuple[str, str]]:
    """(cookie name, token kind) of the member session, the session token first."""
    return [
        (app_settings.SESSION_COOKIE_NAME, SESSION_TOKEN),
        (app_settings.SESSION_JWT_COOKIE_NAME, SESSION_JWT),
    ]


def intermediate_session(request: HttpRequest, body: Mapping[str, Any]) -> Credential | None:
    """The IST: from the body, else the app's cookie, else the Stytch SDK's cookie."""
    if body.get(IST):
        return Credential(kind=IST, token=body[IST])
    return _first_good_cookie(request, _ist_sources())


def any_session(request: HttpRequest, body: Mapping[str, Any]) -> Credential | None:
    """For listing: a body token, else an IST cookie, else the member-session cookies.

    One scan over all of them, so a garbled IST cookie does not hide a good session cookie.
    """
    for kind in (IST, SESSION_TOKEN, SESSION_JWT):
        if body.get(kind):
            return Credential(kind=kind, token=body[kind])
    return _first_good_cookie(request, [*_ist_sources(), *_member_cookies()])


def member_session(request: HttpRequest) -> Credential | None:
    """The member session from its cookies: the session token, else the session JWT."""
    return _first_good_cookie(request, _member_cookies())


def member_sessions(request: HttpRequest) -> list[Credential]:
    """Every well-formed member-session cookie, the session token first; malformed ones left out.

    For logout: any one of them that Stytch accepts ends the session, whatever its partner holds.
    """
    found = []
    for name, kind in _member_cookies():
        value = request.COOKIES.get(name)
        if value and is_token(value, kind):
            found.append(Credential(kind=kind, token=value, cookie=name))
    return found


def _seconds_until(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return max(0, int((moment - timezone.now()).total_seconds()))


def set_cookie(
    response: HttpResponseBase, name: str, value: str, max_age: int | None, *, samesite: str | None = None
) -> None:
    """An HttpOnly cookie with the ``COOKIE_*`` flags (``max_age`` None: a browser-session cookie).

    ``samesite`` overrides ``COOKIE_SAMESITE`` for a cookie that must survive a cross-site redirect.
    """
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=app_settings.COOKIE_PATH,
        domain=app_settings.COOKIE_DOMAIN,
        secure=app_settings.COOKIE_SECURE,
        httponly=True,
        # the system checks guarantee one of Django's accepted values.
        samesite=cast(Literal["Lax", "Strict", "None"], samesite or app_settings.COOKIE_SAMESITE),
    )


def delete(response: HttpResponseBase, *names: str) -> None:
    for name in names:
        set_cookie(response, name, "", 0)


def set_intermediate_session(response: HttpResponseBase, token: str, expires_at: datetime | None) -> None:
    max_age = _seconds_until(expires_at)
    set_cookie(response, app_settings.IST_COOKIE_NAME, token, IST_MAX_AGE if max_age is None else max_age)


def set_member_session(
    response: HttpResponseBase, *, session_token: str, session_jwt: str, expires_at: datetime | None
) -> None:
    """Both member-session cookies, living as long as the Stytch session (browser session if unknown)."""
    max_age = _seconds_until(expires_at)
    set_cookie(response, app_settings.SESSION_COOKIE_NAME, session_token, max_age)
    set_cookie(response, app_settings.SESSION_JWT_COOKIE_NAME, session_jwt, max_age)


def clear_intermediate_sessions(response: HttpResponseBase, request: HttpRequest) -> None:
    """Delete the IST cookies ``request`` carried (a spent IST must not be sent again)."""
    delete(response, *(name for name in intermediate_session_cookies() if name in request.COOKIES))


def all_names(*, include_sdk_cookie: bool = False) -> list[str]:
    """Every token cookie this app reads (and, if asked, the SDK's IST cookie even when not read)."""
    names = [
        *intermediate_session_cookies(),
        app_settings.SESSION_COOKIE_NAME,
        app_settings.SESSION_JWT_COOKIE_NAME,
    ]
    if include_sdk_cookie and SDK_IST_COOKIE_NAME not in names:
        names.append(SDK_IST_COOKIE_NAME)
    return names


#: Cookie changes decided while authenticating a request, applied to its response later.
_DEFERRED = "_stytch_discovery_cookie_changes"


def defer(request: HttpRequest, change: Callable[[HttpResponseBase], None]) -> None:
    """Apply ``change`` to the response of ``request`` (the middleware, the base view, the
    decorators or, through its view, the DRF authentication class does).

    Authentication runs before there is a response: a refreshed JWT or a dead session's cookies
    are only known then, and written once the view has answered.
    """
    request.__dict__.setdefault(_DEFERRED, []).append(change)


def apply_deferred(request: HttpRequest, response: HttpResponseBase) -> None:
    for change in request.__dict__.pop(_DEFERRED, []):
        change(response)
