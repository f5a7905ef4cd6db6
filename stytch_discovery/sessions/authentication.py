"""``StytchSessionAuthentication``: DRF authentication by the Stytch member session.

``request.user`` becomes the member's Django user (looked up only when used), ``request.auth``
and ``request.stytch`` the verified ``MemberSession``. A request without a session credential
is left to the next authentication class; a bad one is a 401 in the documented error shape,
under DRF's default exception handler too. Cookie-borne sessions need CSRF on unsafe methods,
as Django's own session does; ``Authorization: Bearer`` callers do not. The cookie changes
verifying decides (a JWT Stytch refreshed, a dead session's cookies deleted) go out with the
view's answer, with or without ``StytchSessionMiddleware``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from stytch_discovery.exceptions import StytchDiscoveryError
from stytch_discovery.internal.http import cookies, guards

# Imported for its effect: drf-spectacular (when installed) learns to document this class wherever
# it is used, a host project's own views included.
from stytch_discovery.internal.http import openapi as _openapi  # noqa: F401
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.sessions import refusals
from stytch_discovery.sessions.refusals import CHALLENGE
from stytch_discovery.sessions.requests import RequestSession, authenticate_request, lazy_user


class StytchSessionAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        django_request = request._request
        answered = _answer_of_the_view(request)
        if answered is not None:
            # Authenticated only once the view answered (a lazy ``perform_authentication``, then
            # the browsable API's renderer reading ``request.user``): a failure can no longer be
            # raised (it would escape the rendering as a 500); the answer gives way to it instead.
            refusals.answered(django_request, answered)
        try:
            verified = _verified(django_request)
        except Problem as problem:
            if refusals.refuse_instead(django_request, problem):
                return None  # the rendering goes on without a member; its result is thrown away
            _write_cookie_changes_with_the_answer(request, answered)
            raise
        _write_cookie_changes_with_the_answer(request, answered)
        if verified is None:
            return None
        return lazy_user(django_request, verified), verified.authentication.member_session

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE


def _verified(request: HttpRequest) -> RequestSession | None:
    """The request's session; a refusal as a ``Problem`` (invalid: a 401; Stytch had to refresh an
    expired JWT and could not: its documented status, logged here, since the host's view does not)."""
    try:
        verified = authenticate_request(request)
    except StytchDiscoveryError as error:
        raise refusals.problem_for(request, error) from error
    if verified is not None and not verified.credential.bearer:
        guards.enforce_csrf(request)
    return verified


def _answer_of_the_view(request: Request) -> HttpResponseBase | None:
    """The answer of the DRF view ``request`` is for, when it has answered already."""
    view: Any = (request.parser_context or {}).get("view")
    answered = getattr(view, "response", None)
    return answered if isinstance(answered, HttpResponseBase) else None


def _write_cookie_changes_with_the_answer(request: Request, answered: HttpResponseBase | None) -> None:
    """Have the view that authenticates ``request`` put its deferred cookie changes on its answer.

    Authentication runs before there is a response, and without the middleware nothing of ours
    stands between the view and the browser. The view does: DRF's ``APIView`` names itself in
    every request's ``parser_context``, and its ``dispatch`` passes every answer, a refusal's
    included, through ``finalize_response``; ``as_view`` makes one instance per request, so that
    method is wrapped on this request's instance alone. Authenticated only after the view answered
    (``answered``), the answer is not sent yet either: the changes go on it at once. Applying them
    empties the list, so the middleware or the package's base view finding them applied writes
    nothing twice. (A failure reported once a minute marks the answer as logged the same way:
    ``outages``.)
    """
    if answered is not None:
        cookies.apply_deferred(request._request, answered)
        return
    view: Any = (request.parser_context or {}).get("view")
    finalize = getattr(view, "finalize_response", None)
    if finalize is None:
        return  # a Request made by hand: StytchSessionMiddleware, when installed, writes them

    def finalize_response(drf_request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = finalize(drf_request, response, *args, **kwargs)
        cookies.apply_deferred(drf_request._request, response)
        # What it renders may read request.user: a member Stytch cannot name then is refused.
        refusals.answered(drf_request._request, response)
        return response

    view.finalize_response = finalize_response
