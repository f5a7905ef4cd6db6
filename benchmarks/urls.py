"""The app mounted where the README suggests, the benchmark's baseline views (``bare``,
``signed in``, their stock DRF twins, the least a proxy of the list call and a server of the
cached answer do), and a signed-in view (``load_sessions``)."""

from __future__ import annotations

import threading

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from stytch_discovery.authentication import StytchSessionAuthentication
from stytch_discovery.discovery.views import CachedOrganizationsView
from stytch_discovery.permissions import IsStytchMember
from stytch_discovery.types import MemberSession

from ._harness import (
    BARE_PATH,
    CANNED_CACHED_PATH,
    DRF_BARE_PATH,
    DRF_PROXY_PATH,
    DRF_SIGNED_IN_PATH,
    LIST_PATH,
    MEMBER_PATH,
    SIGNED_IN_PATH,
)


def bare(request: HttpRequest) -> JsonResponse:
    """What gunicorn and Django cost on their own: the same middleware, no Stytch, no database.

    ``bench_http`` posts the list view's body here, so the difference between ``view`` and
    ``bare`` is this package's own work plus its Stytch call.
    """
    return JsonResponse({"ok": True, "received": len(request.body)})


class MemberView(APIView):
    """What a project's own API view does: the member session and its Django user."""

    authentication_classes = [StytchSessionAuthentication]
    permission_classes = [IsStytchMember]

    def get(self, request: Request) -> Response:
        # request.auth is the verified MemberSession; request.user its member's Django user.
        session = request.auth
        assert isinstance(session, MemberSession)  # IsStytchMember let the request in
        return Response({"member_id": session.member_id, "user_id": request.user.pk})


def signed_in(request: HttpRequest) -> JsonResponse:
    """``bare`` for a signed-in caller: Django's session and user lookups, nothing of this package.

    ``bench_http`` calls it with the cached view's session cookie, so ``cached - signed in`` is
    what the cached view does beyond what any signed-in endpoint costs.
    """
    return JsonResponse({"ok": True, "user": request.user.pk})


class StockDRFView(APIView):
    """DRF's stock JSON plumbing, none of this package: the least a DRF view of the list's shape costs."""

    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = []


class DRFBare(StockDRFView):
    """``bare`` as a DRF view: the body parsed by DRF, a ``Response`` rendered by DRF.

    ``bench_http`` posts the list view's body here too, so ``view - floor - DRF bare`` is what
    the list view does beyond what DRF costs any view.
    """

    def post(self, request: Request) -> Response:
        return Response({"ok": True, "received": len(request.data)})


class DRFSignedIn(StockDRFView):
    """``signed in`` as a DRF view: DRF's session authentication and ``IsAuthenticated``."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"ok": True, "user": request.user.pk})


#: One ``requests`` session per gunicorn thread (a session is not documented as thread-safe).
_stytch = threading.local()


class DRFProxy(StockDRFView):
    """The least a DRF proxy of the list call does: the IST from DRF's parse of the body, the
    Stytch call on a kept-alive ``requests`` session, its JSON decoded, and Stytch's organizations
    rendered back by DRF as they came. No throttle, no validation, no typed results, no cache, no
    user link: ``DRF proxy - floor - bare`` is what a Python proxy pays on the second hop whatever
    it does, to compare with the list view's own work."""

    def post(self, request: Request) -> Response:
        assert isinstance(request.data, dict)  # the benchmark posts the list view's body
        options = settings.STYTCH_DISCOVERY
        session = getattr(_stytch, "session", None)
        if session is None:
            session = _stytch.session = requests.Session()
            session.auth = (options["PROJECT_ID"], options["SECRET"])
        answer = session.post(
            options["BASE_URL"] + LIST_PATH,
            json={"intermediate_session_token": request.data["intermediate_session_token"]},
            timeout=30,
        )
        answer.raise_for_status()
        return Response({"discovered_organizations": answer.json()["discovered_organizations"]})


#: The cached view's answer bytes, by user id, as this worker first rendered them.
_canned: dict[object, bytes] = {}


class CannedCached(DRFSignedIn):
    """The least any cached endpoint costs: a signed-in DRF view sending the cached view's own
    answer, rendered once per worker and user and then kept (no throttle, no query, no
    representation). ``canned - bare`` is what the cached endpoint cannot go below (the session
    and user lookups, moving and decoding the same bytes); ``cached - canned`` is its own work."""

    def get(self, request: Request) -> HttpResponse:  # type: ignore[override]
        content = _canned.get(request.user.pk)
        if content is None:
            response = CachedOrganizationsView.as_view()(request._request)
            response.render()
            content = _canned[request.user.pk] = response.content
        return HttpResponse(content, content_type="application/json")


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/stytch/", include("stytch_discovery.urls")),
    path(BARE_PATH, bare),
    path(MEMBER_PATH, MemberView.as_view()),
    path(SIGNED_IN_PATH, signed_in),
    path(DRF_BARE_PATH, DRFBare.as_view()),
    path(DRF_SIGNED_IN_PATH, DRFSignedIn.as_view()),
    path(DRF_PROXY_PATH, DRFProxy.as_view()),
    path(CANNED_CACHED_PATH, CannedCached.as_view()),
]
