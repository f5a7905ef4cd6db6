"""The app mounted where the README suggests, the benchmark's baseline views (``bare``,
``signed in`` and their stock DRF twins), and a signed-in view (``load_sessions``)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from stytch_discovery.authentication import StytchSessionAuthentication
from stytch_discovery.permissions import IsStytchMember
from stytch_discovery.types import MemberSession

from ._harness import BARE_PATH, DRF_BARE_PATH, DRF_SIGNED_IN_PATH, MEMBER_PATH, SIGNED_IN_PATH


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


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/stytch/", include("stytch_discovery.urls")),
    path(BARE_PATH, bare),
    path(MEMBER_PATH, MemberView.as_view()),
    path(SIGNED_IN_PATH, signed_in),
    path(DRF_BARE_PATH, DRFBare.as_view()),
    path(DRF_SIGNED_IN_PATH, DRFSignedIn.as_view()),
]
