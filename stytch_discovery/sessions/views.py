"""Views about member sessions: the shared answer of every session-starting call, CSRF, logout."""

from __future__ import annotations

import logging
from typing import Any

from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies, openapi
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.tokens import IST, SESSION_JWT, SESSION_TOKEN

from . import services
from .serializers import CsrfTokenSerializer, LogoutSerializer, MemberAuthenticationSerializer
from .types import MemberAuthentication

logger = logging.getLogger("stytch_discovery.views")


class MemberAuthenticationBaseView(StytchDiscoveryView):
    """Base of the views that may start a session (create, exchange): one IST in, one answer out.

    The IST comes from the body or a cookie; the answer sets the session cookies (or the fresh
    IST's cookie when another step is needed) and keeps the tokens out of the JSON by default.
    """

    def intermediate_session(self, body: dict[str, Any]) -> cookies.Credential:
        credential = cookies.intermediate_session(self.django_request, body)
        if credential is None:
            raise Problem("intermediate_session_required")
        self.credential = credential
        body.pop(IST, None)
        return credential

    def answer(self, result: MemberAuthentication, *, status: int) -> Response:
        data = MemberAuthenticationSerializer(
            result, context={"include_tokens": app_settings.RETURN_TOKENS_IN_BODY}
        ).data
        response = Response(data, status=status)
        # The IST used is spent either way, so the IST cookies the request carried go first.
        cookies.clear_intermediate_sessions(response, self.django_request)
        if result.member_authenticated:
            cookies.set_member_session(
                response,
                session_token=result.session_token,
                session_jwt=result.session_jwt,
                expires_at=result.member_session.expires_at if result.member_session else None,
            )
        elif result.intermediate_session_token:
            cookies.set_intermediate_session(
                response, result.intermediate_session_token, result.intermediate_session_token_expires_at
            )
        return response


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfTokenView(StytchDiscoveryView):
    """``GET csrf``: sets the ``csrftoken`` cookie and returns the token for the header."""

    @openapi.document(summary="CSRF bootstrap", responses={200: CsrfTokenSerializer}, errors=(405,))
    def get(self, request: Request) -> Response:
        return Response(CsrfTokenSerializer({"csrf_token": get_token(self.django_request)}).data)


class LogoutView(StytchDiscoveryView):
    """``POST logout``: revokes the Stytch session of the cookies, then clears every token cookie.

    Logging out locally must work even when Stytch cannot be told, so a failed revocation is
    logged and the cookies are cleared anyway.
    """

    @openapi.document(
        summary="Log out (revoke the Stytch session, clear the token cookies)",
        request=None,
        responses={200: LogoutSerializer},
        errors=(400, 403, 405, 413, 415),
    )
    @sensitive_variables("credential")
    def post(self, request: Request) -> Response:
        try:
            credential = cookies.member_session(self.django_request)
            if credential is not None:
                services.revoke_session(
                    session_token=credential.token_if(SESSION_TOKEN),
                    session_jwt=credential.token_if(SESSION_JWT),
                )
        except Exception as error:
            answer = self.error_answer(error)
            if answer is None:
                raise
            logger.warning("stytch_discovery logout: session not revoked at Stytch (%s)", answer.code)
        response = Response(LogoutSerializer({"logged_out": True}).data)
        cookies.delete(response, *cookies.all_names())
        return response
