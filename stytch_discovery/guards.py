"""Checks every request passes before a view reads it, and the DRF plumbing the views pin.

The views set their own parser, renderer, negotiation and authentication so the host project
need not touch ``REST_FRAMEWORK``; the pieces live here so ``views`` stays about endpoints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from rest_framework import exceptions as drf
from rest_framework.authentication import CSRFCheck, SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from .errors import CsrfFailed, Problem

#: Bodies above this are refused with 413 before they are read: no request here needs more.
MAX_BODY_BYTES = 64 * 1024
#: Query parameters that would put a credential into URLs, and so into access logs.
TOKEN_PARAMETERS = (
    "token",
    "intermediate_session_token",
    "session_token",
    "session_jwt",
    "discovery_magic_links_token",
)


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, with absurd nesting refused as a parse error instead of a crash."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise drf.ParseError("JSON parse error - nested too deeply.") from error


class ASCIIJSONRenderer(JSONRenderer):
    """JSON with non-ASCII escaped, so even a lone surrogate echoed in an error can be encoded."""

    ensure_ascii = True


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Always answer JSON: a browser following a link sends ``Accept: text/html`` and must not get 406."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class SessionUserAuthentication(SessionAuthentication):
    """The Django session user, for the cache link and throttling.

    CSRF is not checked here because DRF would skip it for anonymous callers; the base view
    calls :func:`enforce_csrf` on every unsafe request instead, signed in or not.
    """

    def enforce_csrf(self, request: Request) -> None:
        return None


def content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def check_body_size(request: HttpRequest) -> None:
    """413 for a declared or actual body over :data:`MAX_BODY_BYTES`, before parsing."""
    if content_length(request) > MAX_BODY_BYTES:
        raise Problem(413, "payload_too_large")
    # Django reads at most CONTENT_LENGTH bytes; checking what arrived guards a lying header.
    if len(request.body) > MAX_BODY_BYTES:
        raise Problem(413, "payload_too_large")


def check_json_body(request: HttpRequest, parsers: Iterable[BaseParser]) -> None:
    """415 for a non-empty body that is not JSON (DRF would treat form bodies as empty data)."""
    if not request.body:
        return
    media_type = request.META.get("CONTENT_TYPE", "")
    base = media_type.split(";", 1)[0].strip().lower()
    if base not in {parser.media_type for parser in parsers}:
        raise drf.UnsupportedMediaType(media_type or "(none)")


def check_no_token_in_query(request: HttpRequest) -> None:
    """A token in a URL ends up in access logs and browser history: refuse it."""
    found = [name for name in TOKEN_PARAMETERS if name in request.GET]
    if found:
        raise drf.ValidationError(
            {name: ["Send tokens in the JSON body or a cookie, never in the URL."] for name in found}
        )


def enforce_csrf(request: HttpRequest) -> None:
    """Django's CSRF check, applied to anonymous callers too (``SessionAuthentication`` would not)."""
    check = CSRFCheck(lambda _request: None)  # type: ignore[arg-type]
    check.process_request(request)
    reason = check.process_view(request, None, (), {})  # type: ignore[arg-type]
    if reason:
        raise CsrfFailed(str(reason))
