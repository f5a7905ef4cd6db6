"""The DRF plumbing the views pin, so the host project's ``REST_FRAMEWORK`` settings do not apply."""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework import exceptions as drf
from rest_framework.authentication import SessionAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from stytch_discovery import jsonlib


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        # Python reads 1e999 as inf, which would go to Stytch as the non-JSON Infinity.
        raise ValueError(f"number {text[:32]} is beyond the range of a double")
    return value


def _bounded_int(text: str) -> int:
    value = int(text)  # Python refuses over 4300 digits itself
    try:
        float(value)
    except OverflowError:
        raise ValueError(f"number {text[:32]}... is beyond the range of a double") from None
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class StrictJSONParser(JSONParser):
    """JSON as RFC 8259 has it, whatever the project's ``REST_FRAMEWORK`` says.

    UTF-8 only (a ``charset`` other than UTF-8 is a 415; bytes that are not UTF-8 a parse
    error), no ``NaN``/``Infinity``, no number beyond a double's range (``1e999`` would be
    sent on as ``Infinity``), and absurd nesting refused as a parse error instead of a crash.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        charset = _charset(media_type or "")
        if charset not in (None, "utf-8", "utf8"):
            raise drf.UnsupportedMediaType(media_type or "")
        try:
            return json.load(
                codecs.getreader("utf-8")(stream),
                parse_constant=_refuse_constant,
                parse_float=_finite_float,
                parse_int=_bounded_int,
            )
        except RecursionError as error:
            raise drf.ParseError("JSON parse error - nested too deeply.") from error
        except ValueError as error:  # UnicodeDecodeError included
            raise drf.ParseError(f"JSON parse error - {error}") from error


def _charset(media_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type, lower-cased (None without one)."""
    for parameter in media_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


class ASCIIJSONRenderer(JSONRenderer):
    """JSON with non-ASCII escaped, so even a lone surrogate echoed in an error can be encoded.

    The bytes are DRF's: orjson writes them when the data is plain JSON it writes the same way
    (``jsonlib.dumps_ascii``: the list and cached answers, about 3x faster at 500 organizations),
    DRF's encoder everything else (floats, dates, error details, lone surrogates, ``indent``).
    """

    ensure_ascii = True

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        # No body for None, and spaces for "; indent=" or COMPACT_JSON = False: DRF writes those.
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        if data is not None and self.compact and indent is None:
            fast = jsonlib.dumps_ascii(data)
            if fast is not None:
                return fast
        return super().render(data, accepted_media_type, renderer_context)


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
