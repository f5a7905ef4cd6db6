"""The app mounted where the README suggests, plus the benchmark's ``bare`` baseline view."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path

from ._harness import BARE_PATH


def bare(request: HttpRequest) -> JsonResponse:
    """What gunicorn and Django cost on their own: the same middleware, no Stytch, no database.

    ``bench_http`` posts the list view's body here, so the difference between ``view`` and
    ``bare`` is this package's own work plus its Stytch call.
    """
    return JsonResponse({"ok": True, "received": len(request.body)})


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/stytch/", include("stytch_discovery.urls")),
    path(BARE_PATH, bare),
]
