"""The SPA-facing HTTP API: thin DRF views (validate, call a service, shape the answer).

``StytchDiscoveryView`` pins the DRF plumbing (JSON only, session user, CSRF for everyone,
scoped throttles) and maps every failure to the documented error shape in one place, so the
endpoints below only say what they do. Tokens travel in HttpOnly cookies (``cookies``) and
never reach a log line: views log the endpoint and the outcome code, nothing else.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, set_rollback

from . import cache, cookies, guards, openapi, reporting, services
from . import serializers as s
from .checks import is_loopback
from .conf import app_settings
from .errors import ErrorAnswer, Problem, answer_for
from .throttling import StytchDiscoveryThrottle
from .types import MemberAuthentication

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

logger = logging.getLogger(__name__)

#: The query parameter the magic-link view adds to its redirect when something failed.
ERROR_PARAMETER = "stytch_discovery_error"


class StytchDiscoveryView(APIView):
    """Base of every view here; the host project's ``REST_FRAMEWORK`` settings do not apply."""

    parser_classes = [guards.StrictJSONParser]
    renderer_classes = [guards.ASCIIJSONRenderer]
    content_negotiation_class = guards.JSONOnlyNegotiation
    authentication_classes = [guards.SessionUserAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [StytchDiscoveryThrottle]
    metadata_class = None  # no OPTIONS self-description: the OpenAPI schema is the description
    schema = openapi.view_schema()
    throttle_scope: str | None = None
    #: The token the request used, so a 401 can clear the cookie it came from.
    credential: cookies.Credential | None = None
    #: The error this request was answered with, once logged (so success is not logged too).
    failure: ErrorAnswer | None = None

    @method_decorator(sensitive_post_parameters())
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        reporting.protect(request)
        return super().dispatch(request, *args, **kwargs)

    @property
    def allowed_methods(self) -> list[str]:
        # OPTIONS is answered 405 (metadata_class = None), so the Allow header must not offer it.
        return [method for method in super().allowed_methods if method != "OPTIONS"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before CSRF and throttling, so a wrong method is a 405 and not a 403.
        if (request.method or "").upper() not in self.allowed_methods:
            raise MethodNotAllowed(request.method or "")
        guards.check_body_size(request._request)
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            guards.check_json_body(request._request, self.get_parsers())
            guards.enforce_csrf(request._request)
            guards.check_no_token_in_query(request._request)

    def service_user(self) -> AbstractBaseUser | None:
        user = self.request.user
        return user if user.is_authenticated else None

    def validated(self, serializer_class: type[s.RequestSerializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def handle_exception(self, exc: Exception) -> Response:
        answer = answer_for(exc)
        if answer is None:
            raise exc
        self.log_failure(answer, exc)
        set_rollback()  # as DRF's own handler does under ATOMIC_REQUESTS
        response = Response(answer.body(), status=answer.status)
        if answer.retry_after is not None:
            response["Retry-After"] = str(answer.retry_after)
        if self.credential and self.credential.cookie and answer.status == 401:
            # The cookie's token is dead: drop it so the next request does not resend it.
            cookies.delete(response, self.credential.cookie)
        return response

    def log_failure(self, answer: ErrorAnswer, exc: Exception) -> None:
        self.failure = answer
        # Domain exceptions carry no token (exceptions.py), so their text is safe to log.
        detail = f": {exc}" if answer.log_level > logging.INFO else ""
        logger.log(
            answer.log_level,
            "stytch_discovery %s -> %d %s%s",
            self.endpoint_name,
            answer.status,
            answer.code,
            detail,
        )

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers carry personal data and set credentials: no cache may keep them.
        add_never_cache_headers(response)
        if self.failure is None:
            logger.info("stytch_discovery %s -> %d ok", self.endpoint_name, response.status_code)
        return response

    @property
    def endpoint_name(self) -> str:
        match = getattr(self.request, "resolver_match", None)
        return (match.url_name if match else None) or type(self).__name__


def _namespaced(request: Request, name: str) -> str:
    match = request.resolver_match
    return f"{match.namespace if match and match.namespace else 'stytch_discovery'}:{name}"


# -- CSRF and logout --------------------------------------------------------------------------------


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfTokenView(StytchDiscoveryView):
    """``GET csrf``: sets the ``csrftoken`` cookie and returns the token for the header."""

    @openapi.document(summary="CSRF bootstrap", responses={200: s.CsrfTokenSerializer}, errors=(405,))
    def get(self, request: Request) -> Response:
        return Response(s.CsrfTokenSerializer({"csrf_token": get_token(request._request)}).data)


class LogoutView(StytchDiscoveryView):
    """``POST logout``: revokes the Stytch session of the cookies, then clears every token cookie.

    Logging out locally must work even when Stytch cannot be told, so a failed revocation is
    logged and the cookies are cleared anyway.
    """

    @openapi.document(
        summary="Log out (revoke the Stytch session, clear the token cookies)",
        request=None,
        responses={200: s.LogoutSerializer},
        errors=(400, 403, 405, 413, 415),
    )
    @sensitive_variables("credential")
    def post(self, request: Request) -> Response:
        try:
            credential = cookies.member_session(request._request)
            if credential is not None:
                services.revoke_session(
                    session_token=credential.token_if(cookies.SESSION_TOKEN),
                    session_jwt=credential.token_if(cookies.SESSION_JWT),
                )
        except Exception as error:
            answer = answer_for(error)
            if answer is None:
                raise
            logger.warning("stytch_discovery logout: session not revoked at Stytch (%s)", answer.code)
        response = Response(s.LogoutSerializer({"logged_out": True}).data)
        cookies.delete(response, *cookies.all_names())
        return response


# -- magic links ------------------------------------------------------------------------------------


class SendMagicLinkView(StytchDiscoveryView):
    """``POST discovery/magic-links/send``: emails a discovery magic link."""

    throttle_scope = "stytch_discovery.send"

    @openapi.document(
        summary="Send a discovery magic link",
        request=s.SendMagicLinkRequestSerializer,
        responses={200: s.MagicLinkSentSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, *openapi.STYTCH_ERRORS),
    )
    def post(self, request: Request) -> Response:
        body = self.validated(s.SendMagicLinkRequestSerializer)
        redirect_url = app_settings.DISCOVERY_REDIRECT_URL or request.build_absolute_uri(
            reverse(_namespaced(request, "magic-link-authenticate"))
        )
        result = services.send_discovery_magic_link(discovery_redirect_url=redirect_url, **body)
        return Response(s.MagicLinkSentSerializer({"email_address": result.email_address, "sent": True}).data)


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


class MagicLinkAuthenticateView(StytchDiscoveryView):
    """``GET discovery/magic-links/authenticate?token=...``: the link's target.

    Trades the token for an IST, keeps it in the HttpOnly IST cookie and redirects to
    ``LOGIN_REDIRECT_URL`` (or an allowed ``next``). Failures redirect there too, with
    ``?stytch_discovery_error=<code>``; the token is never rendered.
    """

    throttle_scope = "stytch_discovery.authenticate"

    def redirect_target(self) -> str:
        """``next`` when it stays on an allowed host (no open redirect), else ``LOGIN_REDIRECT_URL``."""
        request = self.request
        candidate = request.query_params.get("next", "")
        if candidate:
            host = urlsplit(candidate).hostname
            allowed = {request._request.get_host(), *app_settings.ALLOWED_REDIRECT_HOSTS}
            if url_has_allowed_host_and_scheme(
                candidate,
                allowed_hosts=allowed,
                require_https=not (settings.DEBUG or (host is not None and is_loopback(host))),
            ):
                return candidate
        return app_settings.LOGIN_REDIRECT_URL

    def redirect(self, **params: str) -> HttpResponseRedirect:
        response = HttpResponseRedirect(_with_query(self.redirect_target(), **params))
        # The link's URL held the token: do not let the next page learn it as a referrer.
        response["Referrer-Policy"] = "no-referrer"
        return response

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, MethodNotAllowed):
            # Not a browser following the link: answer like every other view.
            return super().handle_exception(exc)
        answer = answer_for(exc)
        if answer is None:
            raise exc
        self.log_failure(answer, exc)
        return self.redirect(**{ERROR_PARAMETER: answer.code})  # type: ignore[return-value]

    @openapi.document(
        summary="Magic-link target: sets the IST cookie and redirects to the SPA",
        responses={302: openapi.redirect_response("To the SPA; stytch_discovery_error=<code> on failure.")},
        errors=(405,),
        parameters=openapi.query_parameters(
            ("token", True, "The discovery magic-link token Stytch put in the link."),
            ("stytch_token_type", False, "Must be 'discovery' when present."),
            ("next", False, "Where to go afterwards: a path, or a URL on an allowed host."),
        ),
    )
    @sensitive_variables("query", "result")
    def get(self, request: Request) -> HttpResponseRedirect:
        query = s.MagicLinkQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reporting.scrub_query_parameter(request._request, "token")
        result = services.authenticate_discovery_magic_link(
            token=query.validated_data["token"], user=self.service_user()
        )
        response = self.redirect()
        cookies.set_intermediate_session(
            response, result.intermediate_session_token, result.intermediate_session_token_expires_at
        )
        return response


# -- discovery --------------------------------------------------------------------------------------


class ListOrganizationsView(StytchDiscoveryView):
    """``POST discovery/organizations``: the organizations the token's holder can enter."""

    throttle_scope = "stytch_discovery.list"

    @openapi.document(
        summary="List discovered organizations",
        request=s.ListOrganizationsRequestSerializer,
        responses={200: s.DiscoveredOrganizationsSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "credential")
    def post(self, request: Request) -> Response:
        body = self.validated(s.ListOrganizationsRequestSerializer)
        credential = cookies.any_session(request._request, body)
        if credential is None:
            raise Problem(401, "intermediate_session_required")
        self.credential = credential
        result = services.list_discovered_organizations(
            intermediate_session_token=credential.token_if(cookies.IST),
            session_token=credential.token_if(cookies.SESSION_TOKEN),
            session_jwt=credential.token_if(cookies.SESSION_JWT),
            user=self.service_user(),
        )
        data = {
            "email_address": result.email_address,
            "organization_id_hint": result.organization_id_hint,
            "can_create_organization": credential.is_intermediate,
            "discovered_organizations": result.discovered_organizations,
        }
        return Response(s.represent(s.DiscoveredOrganizationsSerializer, data))


class MemberAuthenticationView(StytchDiscoveryView):
    """Shared answer of create and exchange: cookies set, tokens out of the JSON by default."""

    def intermediate_session(self, body: dict[str, Any]) -> cookies.Credential:
        credential = cookies.intermediate_session(self.request._request, body)
        if credential is None:
            raise Problem(401, "intermediate_session_required")
        self.credential = credential
        body.pop(cookies.IST, None)
        return credential

    def answer(self, result: MemberAuthentication, *, status: int) -> Response:
        data = s.MemberAuthenticationSerializer(
            result, context={"include_tokens": app_settings.RETURN_TOKENS_IN_BODY}
        ).data
        response = Response(data, status=status)
        cookies.store_authentication(response, self.request._request, result)
        return response


class CreateOrganizationView(MemberAuthenticationView):
    """``POST discovery/organizations/create``: a new organization, its creator as admin."""

    throttle_scope = "stytch_discovery.create"

    @openapi.document(
        summary="Create an organization via discovery",
        request=s.CreateOrganizationRequestSerializer,
        responses={201: s.MemberAuthenticationSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, 409, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "credential", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(s.CreateOrganizationRequestSerializer)
        credential = self.intermediate_session(body)
        result = services.create_organization(
            intermediate_session_token=credential.token, user=self.service_user(), **body
        )
        return self.answer(result, status=201)


class ExchangeIntermediateSessionView(MemberAuthenticationView):
    """``POST discovery/intermediate-sessions/exchange``: enter an existing organization."""

    throttle_scope = "stytch_discovery.exchange"

    @openapi.document(
        summary="Enter an organization (exchange the IST for a member session)",
        request=s.ExchangeRequestSerializer,
        responses={200: s.MemberAuthenticationSerializer},
        errors=(*openapi.COMMON_POST_ERRORS, 401, 404, *openapi.STYTCH_ERRORS),
    )
    @sensitive_variables("body", "credential", "result")
    def post(self, request: Request) -> Response:
        body = self.validated(s.ExchangeRequestSerializer)
        credential = self.intermediate_session(body)
        result = services.exchange_intermediate_session(
            intermediate_session_token=credential.token, user=self.service_user(), **body
        )
        return self.answer(result, status=200)


class CachedOrganizationsView(StytchDiscoveryView):
    """``GET discovery/organizations/cached``: the signed-in user's cached organizations."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "stytch_discovery.cached"

    @openapi.document(
        summary="Organizations cached for the signed-in user (no Stytch call)",
        responses={200: s.CachedOrganizationsSerializer},
        errors=(403, 405, 429),
    )
    def get(self, request: Request) -> Response:
        rows = list(cache.organizations_for_user(request.user))
        data = {
            "refreshed_at": max((row.refreshed_at for row in rows), default=None),
            "organizations": rows,
        }
        return Response(s.represent(s.CachedOrganizationsSerializer, data))
