"""A request's member session: which credential it carries, who it is, and its cookie changes.

Shared by the DRF authentication class and the middleware, so a request is verified once
whichever of them (or both) a project uses. The credential is the session JWT in
``Authorization: Bearer <jwt>`` (non-browser clients), else the session cookies (the JWT and
the session token). A JWT that Stytch had to refresh is written back to the cookies with the
response; a dead session's cookies are deleted. Either gives way to the view: cookies it set on
the response itself (an organization switch, a logout, a new sign-in) are kept. Bearer callers
get no cookies.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseBase
from django.utils.functional import SimpleLazyObject

from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.tokens import SESSION_JWT, SESSION_TOKEN, is_token
from stytch_discovery.sessions import members, refusals, services
from stytch_discovery.sessions.types import SessionAuthentication

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

_VERIFIED = "_stytch_discovery_session"
_USER_REFUSED = "_stytch_discovery_user_refused"


@dataclass(frozen=True)
class SessionCredential:
    """The member-session credential a request carries."""

    session_jwt: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)
    #: From ``Authorization: Bearer``: no CSRF (a browser never sends it by itself), no cookies.
    bearer: bool = False


def bearer_token(request: HttpRequest) -> str | None:
    """The JWT of ``Authorization: Bearer <jwt>``; None without that header (or with another scheme)."""
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def read_credential(request: HttpRequest) -> SessionCredential | None:
    """The request's credential; a malformed one is refused here, before any Stytch call.

    A malformed cookie is deleted with the response; when its partner cookie is sound, that one
    is used alone (a mangled JWT cookie next to a good session token still signs the member in).
    """
    header = bearer_token(request)
    if header is not None:
        if not is_token(header, SESSION_JWT):
            raise StytchDiscoveryInvalidSession("The bearer token is not a JWT.")
        return SessionCredential(session_jwt=header, bearer=True)
    found: dict[str, str] = {}
    for name, kind in (
        (app_settings.SESSION_JWT_COOKIE_NAME, SESSION_JWT),
        (app_settings.SESSION_COOKIE_NAME, SESSION_TOKEN),
    ):
        value = request.COOKIES.get(name)
        if not value:
            continue
        if is_token(value, kind):
            found[kind] = value
        else:
            cookies.defer(request, functools.partial(cookies.delete_unless_set, names=(name,)))
    if not found:
        if any(request.COOKIES.get(name) for name in _session_cookie_names()):
            raise StytchDiscoveryInvalidSession("The session cookies are malformed.")
        return None
    return SessionCredential(session_jwt=found.get(SESSION_JWT), session_token=found.get(SESSION_TOKEN))


def _session_cookie_names() -> tuple[str, str]:
    return app_settings.SESSION_JWT_COOKIE_NAME, app_settings.SESSION_COOKIE_NAME


@dataclass(frozen=True)
class RequestSession:
    """A request's verified member session, and the credential it came with."""

    authentication: SessionAuthentication
    credential: SessionCredential


def authenticate_request(request: HttpRequest) -> RequestSession | None:
    """The verified member session of ``request`` (None without a credential), verified once per request.

    Raises ``StytchDiscoveryInvalidSession`` for a forged, malformed or dead session (its cookies
    are deleted with the response), and the transport's errors when Stytch had to be asked and
    could not answer. Either failure is the request's answer too: raised again to the next caller
    (the middleware, then the DRF class), not asked again, which during an outage would double the
    wait for Stytch (and its count in the report).
    """
    known = request.__dict__.get(_VERIFIED)
    if isinstance(known, BaseException):
        raise known
    if known is not None or _VERIFIED in request.__dict__:
        return known
    try:
        verified = _verify(request)
    except StytchDiscoveryError as error:
        request.__dict__[_VERIFIED] = error
        raise
    request.__dict__[_VERIFIED] = verified
    request.stytch = verified.authentication.member_session if verified else None  # type: ignore[attr-defined]
    return verified


def _verify(request: HttpRequest) -> RequestSession | None:
    credential = read_credential(request)
    if credential is None:
        return None
    try:
        result = services.authenticate_session(
            session_jwt=credential.session_jwt, session_token=credential.session_token
        )
    except StytchDiscoveryInvalidSession:
        forget_dead_session(request, credential)
        raise
    if not result.verified_locally and result.session_jwt and not credential.bearer:
        cookies.defer(request, lambda response: _store_refreshed(response, result, credential))
    return RequestSession(result, credential)


def forget_dead_session(request: HttpRequest, credential: SessionCredential) -> None:
    """Delete the session cookies with the response (unless the view set new ones): Stytch says
    the session is no more."""
    if not credential.bearer:
        cookies.defer(request, functools.partial(cookies.delete_unless_set, names=_session_cookie_names()))


def _store_refreshed(
    response: HttpResponseBase, result: SessionAuthentication, credential: SessionCredential
) -> None:
    if cookies.any_set(response, _session_cookie_names()):
        return  # the view set the session cookies itself (an organization switch, a logout): newer
    cookies.set_member_session(
        response,
        session_token=result.session_token or credential.session_token or "",
        session_jwt=result.session_jwt,
        expires_at=result.member_session.expires_at,
    )


def member_user(verified: RequestSession) -> AbstractBaseUser | AnonymousUser:
    """The Django user of a verified session (linked on first sight), else ``AnonymousUser``."""
    row = members.linked(verified.authentication.member_session.member_id)
    if row is not None:
        return row.user or AnonymousUser()
    authentication = verified.authentication
    if authentication.member is None or authentication.organization is None:
        # A session started elsewhere (the frontend SDK, another server): learn who it is, once.
        credential = verified.credential
        authentication = services.authenticate_session(
            session_jwt=credential.session_jwt, session_token=credential.session_token, verify_locally=False
        )
    # Stytch's own answer always names them.
    assert authentication.member is not None
    assert authentication.organization is not None
    user = members.link_member(member=authentication.member, organization=authentication.organization)
    return user or AnonymousUser()


def lazy_user(request: HttpRequest, verified: RequestSession) -> AbstractBaseUser | AnonymousUser:
    """``request_user``, looked up only when the view touches ``request.user``."""
    return SimpleLazyObject(lambda: request_user(request, verified))  # type: ignore[return-value]


def request_user(request: HttpRequest, verified: RequestSession) -> AbstractBaseUser | AnonymousUser:
    """``member_user`` for ``request``, whose refusal it is when Stytch cannot name the member.

    A member not linked yet whose JWT verified here costs a Stytch call. Failing (down, too slow,
    or the session dead at Stytch), it is not a 500 with a traceback, nor a guess at who this is:
    the first read of ``request.user`` raises the documented refusal (a ``Problem``: 502/504, or
    401 ``session_invalid`` with the cookies deleted), which a DRF view, the middleware and the
    decorators answer; while the view's answer renders, that answer gives way to the refusal
    instead; after the answer was made, it stands (logged), and the user is ``AnonymousUser``.
    Stytch is asked once per request: after the refusal the user is ``AnonymousUser``.
    """
    if request.__dict__.get(_USER_REFUSED):
        return AnonymousUser()
    try:
        return member_user(verified)
    except StytchDiscoveryError as error:
        request.__dict__[_USER_REFUSED] = True
        if isinstance(error, StytchDiscoveryInvalidSession):
            forget_dead_session(request, verified.credential)
        if refusals.after_the_answer(request, error):
            return AnonymousUser()  # read by the host's middleware, say: no 500 for what was answered
        problem = refusals.problem_for(request, error)
        if refusals.refuse_instead(request, problem):
            return AnonymousUser()  # the rendering goes on without a member; its result is thrown away
        raise problem from error
