"""A host project's own views, protected the ways the README shows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.template import engines
from django.template.response import TemplateResponse
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from stytch_discovery.authentication import StytchSessionAuthentication
from stytch_discovery.decorators import (
    stytch_member_required,
    stytch_permission_required,
    stytch_role_required,
)
from stytch_discovery.permissions import HasStytchPermission, HasStytchRole, IsStytchMember


def whoami(request: Any) -> dict[str, Any]:
    session = getattr(request, "stytch", None)
    user = request.user
    return {
        "member_id": session.member_id if session else None,
        "organization_id": session.organization_id if session else None,
        "roles": list(session.roles) if session else [],
        "user": user.get_username() if user.is_authenticated else None,
    }


class MemberView(APIView):
    authentication_classes = [StytchSessionAuthentication]
    permission_classes = [IsStytchMember]

    def get(self, request: Request) -> Response:
        return Response(
            {**whoami(request), "auth_is_the_session": request.auth is getattr(request, "stytch", None)}
        )

    def post(self, request: Request) -> Response:
        return Response(whoami(request))


class AdminView(APIView):
    authentication_classes = [StytchSessionAuthentication]
    permission_classes = [IsStytchMember & HasStytchRole("stytch_admin")]

    def get(self, request: Request) -> Response:
        return Response(whoami(request))


class DocumentsView(APIView):
    authentication_classes = [StytchSessionAuthentication]
    permission_classes = [HasStytchPermission("documents", "read")]

    def get(self, request: Request, organization_id: str) -> Response:
        return Response(whoami(request))


class RemoteDocumentsView(APIView):
    authentication_classes = [StytchSessionAuthentication]
    permission_classes = [HasStytchPermission("documents", "write", remote=True)]

    def get(self, request: Request) -> Response:
        return Response(whoami(request))


class OpenView(APIView):
    """No permission: a request without a session is anonymous, one with a bad session is refused."""

    authentication_classes = [StytchSessionAuthentication]
    permission_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        return Response(whoami(request))


class LazyView(APIView):
    """Authenticated only when ``request.user`` is first read (DRF's documented lazy way): here by
    the browsable API's renderer, after the view has answered."""

    authentication_classes = [StytchSessionAuthentication]
    permission_classes: list[Any] = []
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    def perform_authentication(self, request: Request) -> None:
        pass

    def get(self, request: Request) -> Response:
        return Response({"lazy": True})


def plain_session(request: HttpRequest) -> JsonResponse:
    """Reads the session, not ``request.user``."""
    session = getattr(request, "stytch", None)
    return JsonResponse({"member_id": session.member_id if session else None})


def plain_whoami(request: HttpRequest) -> JsonResponse:
    return JsonResponse(whoami(request))


@stytch_member_required
def plain_member(request: HttpRequest) -> JsonResponse:
    return JsonResponse(whoami(request))


@stytch_role_required("stytch_admin")
def plain_admin(request: HttpRequest) -> JsonResponse:
    return JsonResponse(whoami(request))


@stytch_permission_required("documents", "read")
def plain_documents(request: HttpRequest, organization_id: str) -> JsonResponse:
    return JsonResponse(whoami(request))


#: A page whose template, not its view, reads ``request.user``: rendered after the view answered.
PAGE = engines["django"].from_string("Signed in as {{ request.user.get_username }}.")


def plain_page(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, PAGE)


@stytch_member_required
def plain_member_page(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, PAGE)
