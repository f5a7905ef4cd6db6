"""Checks every request passes before a view reads it: size, media type, CSRF, no token in the URL."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from rest_framework import exceptions as drf
from rest_framework.authentication import CSRFCheck
from rest_framework.parsers import BaseParser

from stytch_discovery.internal.tokens import TOKEN_PARAMETERS

from .errors import CsrfFailed, Problem

#: Bodies above this are refused with 413 before they are read: no request here needs more.
MAX_BODY_BYTES = 64 * 1024


def content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def check_body_size(request: HttpRequest) -> None:
    """413 for a declared or actual body over :data:`MAX_BODY_BYTES`, before parsing."""
    if content_length(request) > MAX_BODY_BYTES:
        raise Problem("payload_too_large")
    # Django reads at most CONTENT_LENGTH bytes; checking what arrived guards a lying header.
    if len(request.body) > MAX_BODY_BYTES:
        raise Problem("payload_too_large")


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
