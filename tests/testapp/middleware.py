"""A host project's own middleware that reads ``request.user`` after the view answered (an access
log, say)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class UserHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = request.user
        response["X-User"] = user.get_username() if user.is_authenticated else "anonymous"
        return response
