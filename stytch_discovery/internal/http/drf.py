"""The DRF plumbing the views pin, so the host project's ``REST_FRAMEWORK`` settings do not apply."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import exceptions as drf
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request


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
