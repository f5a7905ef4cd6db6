"""Keep tokens out of Django's error reports (the DEBUG page, AdminEmailHandler mails).

``sensitive_post_parameters`` and ``sensitive_variables`` cover form fields and frame locals;
two holes remain, and these helpers close them for this app's views only:

* cookies: Django hides a cookie only when its *name* matches ``API|AUTH|TOKEN|KEY|...``,
  which ``stytch_session`` and ``stytch_discovery_ist`` do not;
* the magic link's query string: Stytch puts the token in the URL, and a report (and
  gunicorn's access log, which reads the same WSGI environ) shows the URL as it came, so
  :func:`take_query_tokens` takes it out before the view does anything else.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

from stytch_discovery.internal.tokens import TOKEN_PARAMETERS

from . import cookies as token_cookies

REDACTED = SafeExceptionReporterFilter.cleansed_substitute
_URI_KEYS = ("QUERY_STRING", "RAW_URI", "REQUEST_URI")


class TokenCookieFilter(SafeExceptionReporterFilter):
    """Django's default filter, plus this app's token cookies."""

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        cookies: dict[str, Any] = super().get_safe_cookies(request)
        # The SDK's IST cookie is a token even when ACCEPT_SDK_IST_COOKIE makes this app ignore it.
        for name in set(token_cookies.all_names(include_sdk_cookie=True)) & set(cookies):
            cookies[name] = REDACTED
        return cookies


def protect(request: HttpRequest) -> None:
    """Make error reports about ``request`` use :class:`TokenCookieFilter`."""
    request.exception_reporter_filter = TokenCookieFilter()


def take_query_tokens(request: HttpRequest) -> dict[str, list[str]]:
    """Take every token parameter out of the request's query (``request.GET`` and the environ).

    Called first, before anything that validates, throttles or can raise: gunicorn's access log
    (``RAW_URI``, ``QUERY_STRING``), Django's request log and error mail, and any later handler
    read the same request and must only ever see ``********``. Returns the values taken, which
    the link views read their token from.
    """
    if not request.META.get("QUERY_STRING"):
        return {}
    taken = {name: request.GET.getlist(name) for name in TOKEN_PARAMETERS if name in request.GET}
    if not taken:
        return {}
    query = request.GET.copy()
    for name, values in taken.items():
        query.setlist(name, [REDACTED] * len(values))
    query._mutable = False
    request.GET = query  # type: ignore[assignment]  # immutable again, as Django made it
    encoded = query.urlencode(safe="*")
    for key in _URI_KEYS:
        value = request.META.get(key)
        if isinstance(value, str):
            request.META[key] = encoded if key == "QUERY_STRING" else f"{value.partition('?')[0]}?{encoded}"
    return taken
