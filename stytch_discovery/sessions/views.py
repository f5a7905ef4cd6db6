"""Views about member sessions: who is signed in, switching organization, CSRF, logout, and
the shared answer of every call that may start a session."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import auth
from django.http import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_variables
from rest_framework.request import Request
from rest_framework.response import Response

from stytch_discovery.conf import app_settings
from stytch_discovery.exceptions import StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import cookies, openapi
from stytch_discovery.internal.http.base import StytchDiscoveryView
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.tokens import IST, SESSION_JWT, SESSION_TOKEN
from stytch_discovery.sessions import flows, members, pending, services
from stytch_discovery.sessions.refusals import CHALLENGE
from stytch_discovery.sessions.requests import RequestSession, authenticate_request, member_user
from stytch_discovery.sessions.serializers import (
    CsrfTokenSerializer,
    LogoutSerializer,
    MemberAuthenticationSerializer,
    NotSignedInSerializer,
    SessionExchangeRequestSerializer,
    SessionSerializer,
)
from stytch_discovery.sessions.types import MemberAuthentication

logger = logging.getLogger("stytch_discovery.views")


class MemberAuthenticationBaseView(StytchDiscoveryView):
    """Base of the views that may start a session: one credential in, one answer out.

    The answer sets the session cookies, or, when Stytch needs another step, the fresh IST's
    cookie and the pending step (``sessions.pending``); the tokens stay out of the JSON by default.
    """

    def intermediate_session(self, body: dict[str, Any]) -> cookies.Credential:
        credential = cookies.intermediate_session(self.django_request, body)
        if credential is None:
            raise Problem("intermediate_session_required")
        self.credential = credential
        body.pop(IST, None)
        return credential

    def answer(
        self, result: MemberAuthentication, *, status: int, extra: dict[str, Any] | None = None
    ) -> Response:
        self.check_way_forward(result)
        data = MemberAuthenticationSerializer(
            result, context={"include_tokens": app_settings.RETURN_TOKENS_IN_BODY}
        ).data
        response = Response({**data, **(extra or {})}, status=status)
        self.finish(response, result)
        return response

    def check_way_forward(self, result: MemberAuthentication) -> None:
        """Refuse an answer that leads nowhere: another primary method is needed, none is allowed.

        Stytch's own UI calls it ``CannotJoinOrgDueToAuthPolicy``. The fresh IST still lists the
        member's organizations, so it stays in its cookie (the way back to the picker).
        """
        if result.member_authenticated or result.primary_required is None:
            return
        if result.primary_required.get("allowed_auth_methods"):
            return

        def keep_intermediate_session(response: HttpResponseBase) -> None:
            cookies.clear_intermediate_sessions(response, self.django_request)
            pending.forget(response)
            if result.intermediate_session_token:
                cookies.set_intermediate_session(
                    response, result.intermediate_session_token, result.intermediate_session_token_expires_at
                )

        cookies.defer(self.django_request, keep_intermediate_session)
        organization = result.organization
        raise Problem(
            "organization_join_forbidden",
            extra={
                "organization": {
                    "organization_id": organization.organization_id,
                    "organization_name": organization.organization_name,
                    "organization_slug": organization.organization_slug,
                },
                "allowed_auth_methods": [],
            },
        )

    def finish(self, response: HttpResponseBase, result: MemberAuthentication) -> None:
        """Put on ``response`` (JSON or a redirect) the cookies ``result`` calls for."""
        # The IST used is spent either way, so the IST cookies the request carried go first.
        cookies.clear_intermediate_sessions(response, self.django_request)
        if result.member_authenticated:
            pending.forget(response)
            cookies.set_member_session(
                response,
                session_token=result.session_token,
                session_jwt=result.session_jwt,
                expires_at=result.member_session.expires_at if result.member_session else None,
            )
            self.log_into_django(result)
        elif result.intermediate_session_token:
            cookies.set_intermediate_session(
                response, result.intermediate_session_token, result.intermediate_session_token_expires_at
            )
            pending.remember(response, pending.step_of(result))

    def log_into_django(self, result: MemberAuthentication) -> None:
        """With ``DJANGO_SESSION_LOGIN``, the member's user is signed into Django's own session too."""
        if not app_settings.DJANGO_SESSION_LOGIN:
            return
        link = members.linked(result.member_id)
        if link is not None and link.user is not None:
            auth.login(self.django_request, link.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        elif hasattr(self.django_request, "session"):
            # A member without a user (CREATE_USERS off): whoever was signed into Django in this
            # browser before must not stay signed in as the person who just signed in.
            auth.logout(self.django_request)


class PendingStepBaseView(MemberAuthenticationBaseView):
    """Base of the views that finish the step Stytch asked for: MFA, or another primary method.

    The trust boundary: the organization, the member and the IST come from the server-held step
    (``sessions.pending``) and the IST's HttpOnly cookie, never from the request body (whose
    serializers refuse those fields as unknown). The step must belong to that IST, be of this
    view's kind, not have expired and not have been finished already; the method must be one the
    organization allows. Each check fails without a Stytch call. Throttles count per member.
    """

    #: ``pending.MFA`` or ``pending.PRIMARY``.
    step_kind: ClassVar[str] = pending.MFA
    #: The method this view finishes, checked against the organization's (None: not checked).
    method: ClassVar[str | None] = None
    _step: pending.PendingStep | None = None

    def pending_step(self) -> pending.PendingStep:
        if self._step is None:
            self._step = self._find_step()
        return self._step

    def _find_step(self) -> pending.PendingStep:
        credential = cookies.intermediate_session(self.django_request, {})
        if credential is None:
            raise Problem("intermediate_session_required")
        self.credential = credential
        step = pending.recall(self.django_request, include_expired=True)
        if step is None or not step.belongs_to(credential.token) or step.step != self.step_kind:
            raise Problem("step_not_pending")
        if step.expired or pending.is_spent(step):
            raise Problem("intermediate_session_invalid")  # its IST is dead: sign in again
        allowed = step.mfa_allowed if step.step == pending.MFA else step.primary_auth_methods
        if self.method is not None and self.method not in allowed:
            raise Problem("auth_method_not_allowed")
        return step

    def step_ist(self) -> str:
        """The IST of the pending step (from its cookie), for the Stytch call that finishes it."""
        self.pending_step()
        assert self.credential is not None  # pending_step() found it
        return self.credential.token

    def member_subject(self) -> str:
        """Who the step's counts are about: its member (throttles, wrong codes)."""
        return f"member:{self.pending_step().member_id}"

    def throttle_subject(self) -> str | None:
        """Throttles count per member (the step's), whatever the IP or the cookies presented."""
        try:
            return self.member_subject()
        except Problem:
            return None  # the request fails anyway; it is counted by client

    def finish(self, response: HttpResponseBase, result: MemberAuthentication) -> None:
        super().finish(response, result)
        if result.member_authenticated and self.credential is not None:
            pending.spend(self.credential.token, until=self.pending_step().expires_at)

    def remember(self, response: HttpResponseBase, **changes: Any) -> None:
        """Keep the step, with ``changes``, for the requests that follow (an SMS sent, TOTP created)."""
        self._step = dataclasses.replace(self.pending_step(), **changes)
        pending.remember(response, self._step)

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if response.status_code == 401:
            pending.forget(response)  # its IST is gone: so is the step
        return response


class SessionView(StytchDiscoveryView):
    """``GET session``: the signed-in member, else a 401 that names the way forward."""

    throttle_scope = "stytch_discovery.session"

    @openapi.document(
        summary="Who is signed in (200), or the next step of signing in (401 with flows)",
        responses={200: SessionSerializer, 401: NotSignedInSerializer},
        errors=(405, 429, 502, 503, 504),
    )
    def get(self, request: Request) -> Response:
        try:
            verified = authenticate_request(self.django_request)
        except StytchDiscoveryInvalidSession as error:
            raise flows.not_signed_in(self.django_request, code="session_invalid") from error
        if verified is None:
            raise flows.not_signed_in(self.django_request)
        # Signed in, and part-way into another organization (switching into one that asks for MFA).
        step = flows.pending_step_of(self.django_request)
        pending_flow = flows.pending_flow(step, self.django_request) if step is not None else None
        return Response(SessionSerializer({**_signed_in(verified), "pending": pending_flow}).data)

    def get_authenticate_header(self, request: Request) -> str:
        # A Bearer JWT is one way to be signed in here, so every 401 names the scheme (RFC 9110).
        return CHALLENGE


def _signed_in(verified: RequestSession) -> dict[str, Any]:
    session = verified.authentication.member_session
    link = members.linked(session.member_id)
    if link is None:
        member_user(verified)  # a session started elsewhere: learn who it is and link it, once
        link = members.linked(session.member_id)
    user = link.user if link is not None else None
    return {
        "member": {
            "member_id": session.member_id,
            "email_address": link.email_address if link else "",
            "name": link.name if link else "",
        },
        "organization": {
            "organization_id": session.organization_id,
            "organization_name": link.organization_name if link else "",
            "organization_slug": session.organization_slug,
        },
        "member_session": session,
        "user": {"id": str(user.pk), "username": user.get_username()} if user is not None else None,
    }


class SessionExchangeView(MemberAuthenticationBaseView):
    """``POST sessions/exchange``: switch the signed-in member to another organization."""

    throttle_scope = "stytch_discovery.session_exchange"

    @openapi.document(
        summary="Switch organization while signed in (exchange the member session)",
        request=SessionExchangeRequestSerializer,
        responses={200: MemberAuthenticationSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, 404, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "verified", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(SessionExchangeRequestSerializer)
        try:
            verified = authenticate_request(self.django_request)
        except StytchDiscoveryInvalidSession as error:
            raise Problem("session_invalid") from error
        if verified is None:
            raise Problem("not_authenticated")
        credential = verified.credential
        # Stytch takes one of the two: the token is the session itself, the JWT its proof.
        if credential.session_token:
            result = services.exchange_session(session_token=credential.session_token, **body)
        else:
            result = services.exchange_session(session_jwt=credential.session_jwt, **body)
        return self.answer(result, status=200)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfTokenView(StytchDiscoveryView):
    """``GET csrf``: sets the ``csrftoken`` cookie and returns the token for the header."""

    @openapi.document(summary="CSRF bootstrap", responses={200: CsrfTokenSerializer}, errors=(405,))
    def get(self, request: Request) -> Response:
        return Response(CsrfTokenSerializer({"csrf_token": get_token(self.django_request)}).data)


class LogoutView(StytchDiscoveryView):
    """``POST logout``: revokes the Stytch session of the cookies, then clears every cookie of ours.

    Logging out locally must work even when Stytch cannot be told, so a failed revocation is
    logged and the cookies are cleared anyway. A Django session (``DJANGO_SESSION_LOGIN``) ends too.
    """

    @openapi.document(
        summary="Log out (revoke the Stytch session, clear the token cookies)",
        request=None,
        responses={200: LogoutSerializer},
        errors=(400, 403, 405, 413, 415),
    )
    def post(self, request: Request) -> Response:
        self.revoke(cookies.member_sessions(self.django_request))
        if app_settings.DJANGO_SESSION_LOGIN and hasattr(self.django_request, "session"):
            auth.logout(self.django_request)
        response = Response(LogoutSerializer({"logged_out": True}).data)
        cookies.delete(response, *cookies.all_names(), app_settings.PENDING_COOKIE_NAME)
        return response

    @sensitive_variables("credentials", "credential")
    def revoke(self, credentials: list[cookies.Credential]) -> None:
        """Revoke the session with the first cookie Stytch accepts (a garbled or dead one is skipped)."""
        for credential in credentials:
            try:
                services.revoke_session(
                    session_token=credential.token_if(SESSION_TOKEN),
                    session_jwt=credential.token_if(SESSION_JWT),
                )
            except Exception as error:
                answer = self.error_answer(error)
                if answer is None:
                    raise
                logger.warning("stytch_discovery logout: session not revoked at Stytch (%s)", answer.code)
            else:
                return
