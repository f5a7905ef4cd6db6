"""The discovery endpoints: list, create, exchange, and the signed-in user's cached organizations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.http import HttpResponseBase
from django.views.decorators.debug import sensitive_variables
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery import org_cache
from stytch_discovery.internal.http import cookies, openapi
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.http.drf import SessionUserAuthentication
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.http.represent import represent
from stytch_discovery.internal.tokens import IST, SESSION_JWT, SESSION_TOKEN
from stytch_discovery.sessions.authentication import StytchSessionAuthentication
from stytch_discovery.sessions.serializers import MemberAuthenticationSerializer
from stytch_discovery.sessions.views import MemberAuthenticationBaseView

from . import services
from .serializers import (
    CachedOrganizationsSerializer,
    CreateOrganizationRequestSerializer,
    DiscoveredOrganizationsSerializer,
    ExchangeRequestSerializer,
    ListOrganizationsRequestSerializer,
)
from .types import DiscoveredOrganization, DiscoveryAuthentication


class ListOrganizationsView(StytchDiscoveryView):
    """``POST discovery/organizations``: the organizations the token's holder can enter."""

    throttle_scope = "stytch_discovery.list"

    @openapi.document(
        summary="List discovered organizations",
        request=ListOrganizationsRequestSerializer,
        responses={200: DiscoveredOrganizationsSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "credential")
    def post(self, request: Request) -> Response:
        body = self.validated(ListOrganizationsRequestSerializer)
        credential = cookies.any_session(self.django_request, body)
        if credential is None:
            raise Problem("intermediate_session_required")
        self.credential = credential
        result = services.list_discovered_organizations(
            intermediate_session_token=credential.token_if(IST),
            session_token=credential.token_if(SESSION_TOKEN),
            session_jwt=credential.token_if(SESSION_JWT),
            user=self.service_user(),
        )
        return Response(
            discovered_answer(
                email_address=result.email_address,
                discovered_organizations=result.discovered_organizations,
                organization_id_hint=result.organization_id_hint,
                can_create_organization=credential.is_intermediate,
            )
        )


def discovered_answer(
    *,
    email_address: str,
    discovered_organizations: Sequence[DiscoveredOrganization],
    organization_id_hint: str | None = None,
    can_create_organization: bool = True,
) -> dict[str, Any]:
    """The list endpoint's answer (``DiscoveredOrganizations``), which every entry point answers too."""
    data = {
        "email_address": email_address,
        "organization_id_hint": organization_id_hint,
        "can_create_organization": can_create_organization,
        "discovered_organizations": discovered_organizations,
    }
    return represent(DiscoveredOrganizationsSerializer, data)


Answer = TypeVar("Answer", bound=HttpResponseBase)


def keep_intermediate_session(response: Answer, result: DiscoveryAuthentication) -> Answer:
    """``response`` (JSON or a redirect) with an entry point's fresh IST in its HttpOnly cookie."""
    cookies.set_intermediate_session(
        response, result.intermediate_session_token, result.intermediate_session_token_expires_at
    )
    return response


class CreateOrganizationView(MemberAuthenticationBaseView):
    """``POST discovery/organizations/create``: a new organization, its creator as admin."""

    throttle_scope = "stytch_discovery.create"

    @openapi.document(
        summary="Create an organization via discovery",
        request=CreateOrganizationRequestSerializer,
        responses={201: MemberAuthenticationSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, 409, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "credential", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(CreateOrganizationRequestSerializer)
        credential = self.intermediate_session(body)
        result = services.create_organization(
            intermediate_session_token=credential.token, user=self.service_user(), **body
        )
        return self.answer(result, status=201)


class ExchangeIntermediateSessionView(MemberAuthenticationBaseView):
    """``POST discovery/intermediate-sessions/exchange``: enter an existing organization."""

    throttle_scope = "stytch_discovery.exchange"

    @openapi.document(
        summary="Enter an organization (exchange the IST for a member session)",
        request=ExchangeRequestSerializer,
        responses={200: MemberAuthenticationSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, 404, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "credential", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(ExchangeRequestSerializer)
        credential = self.intermediate_session(body)
        result = services.exchange_intermediate_session(
            intermediate_session_token=credential.token, user=self.service_user(), **body
        )
        return self.answer(result, status=200)


class CachedOrganizationsView(StytchDiscoveryView):
    """``GET discovery/organizations/cached``: the signed-in user's cached organizations.

    Signed in means a Stytch member session (its linked user), or a Django session.
    """

    authentication_classes = [StytchSessionAuthentication, SessionUserAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_scope = "stytch_discovery.cached"

    @openapi.document(
        summary="Organizations cached for the signed-in user (no Stytch call)",
        responses={200: CachedOrganizationsSerializer},
        errors=(401, 403, 405, 429),
    )
    def get(self, request: Request) -> Response:
        rows = org_cache.shown_to(request.user)
        data = {
            "refreshed_at": max((row["refreshed_at"] for row in rows), default=None),
            "organizations": rows,
        }
        return Response(represent(CachedOrganizationsSerializer, data))
