"""Decorators for plain Django views: the member session, a role, an RBAC permission.

Without ``StytchSessionMiddleware`` they verify the session themselves. A refusal is a JSON
answer in the documented error shape (401 or 403, or Stytch's failure's 5xx), like the API's;
so is the view's reading ``request.user`` of a member Stytch could not name, in the view or while
its answer renders (``sessions.requests.request_user``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponseBase

from stytch_discovery.exceptions import StytchDiscoveryError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import cookies, outages
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.rbac.checks import (
    require_member,
    require_organization,
    require_permission,
    require_role,
)
from stytch_discovery.sessions import refusals
from stytch_discovery.sessions.refusals import refusal, refusal_of
from stytch_discovery.sessions.requests import authenticate_request, lazy_user

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
Check = Callable[[HttpRequest, dict[str, Any]], None]


def _guarded(check: Check) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if not hasattr(request, "stytch"):
                    _verify(request)
                check(request, kwargs)
            except Problem as problem:
                response: HttpResponseBase = refusal_of(problem)
            except StytchDiscoveryError as error:
                response = refusal(outages.refused(request, error))
            else:
                response = _answer(view, request, *args, **kwargs)
            cookies.apply_deferred(request, response)
            return response

        return cast(View, guarded)

    return decorate


def _answer(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    try:
        response = view(request, *args, **kwargs)
    except Problem as problem:  # request.user of a member Stytch could not name
        return refusal_of(problem)
    refusals.answered(request, response)  # a template that reads request.user is still to render
    return response


def _verify(request: HttpRequest) -> None:
    """What the middleware would have done: ``request.stytch`` and, when signed in, ``request.user``."""
    try:
        verified = authenticate_request(request)
    except StytchDiscoveryInvalidSession:
        verified = None
    request.stytch = verified.authentication.member_session if verified else None  # type: ignore[attr-defined]
    if verified is not None:
        request.user = lazy_user(request, verified)  # type: ignore[assignment]


def stytch_member_required(view: View) -> View:
    """Only for a verified member session."""

    def check(request: HttpRequest, kwargs: dict[str, Any]) -> None:
        require_member(request)

    return _guarded(check)(view)


def stytch_role_required(role_id: str) -> Callable[[View], View]:
    """Only for a member session with ``role_id``."""
    return _guarded(lambda request, kwargs: require_role(require_member(request), role_id))


def stytch_permission_required(
    resource_id: str, action: str, *, organization_url_kwarg: str = "organization_id", remote: bool = False
) -> Callable[[View], View]:
    """Only when a role of the session may do ``action`` on ``resource_id`` (see ``HasStytchPermission``)."""

    def check(request: HttpRequest, kwargs: dict[str, Any]) -> None:
        session = require_member(request)
        require_organization(session, kwargs.get(organization_url_kwarg))
        require_permission(request, session, resource_id, action, remote=remote)

    return _guarded(check)
