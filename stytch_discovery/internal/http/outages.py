"""Stytch failing, or refusing this server's credentials: one ERROR a minute, not one per request.

Until such a failure ends or is fixed (``errors.REPORTED_CODES``), every request that needs Stytch
meets it alike. Each request logs its own line at WARNING; the failure itself is logged on
``stytch_discovery.client`` at ERROR, at most once a minute per process and kind (``failure_log``),
naming the code, Stytch's error type and where it failed, and counting the ones it left out; never
a token, the secret or Stytch's text. An answer of this app's for it is marked as logged, so that
Django's request logger leaves it out: it logs every 5xx at ERROR and, under Django's default
``LOGGING``, mails each to the admins, which during an outage is a mail per request.

A host's own views meet it too, through ``StytchSessionAuthentication``, the permission classes,
the decorators and the middleware: :func:`refused` logs their line (on ``stytch_discovery.sessions``)
and the report, and marks their answer.
"""

from __future__ import annotations

import functools
import logging

from django.http import HttpRequest, HttpResponseBase

from stytch_discovery.internal.failure_log import FailureLog

from . import cookies
from .errors import REPORTED_CODES, STYTCH_DOWN_CODES, ErrorAnswer, answer_for

logger = logging.getLogger("stytch_discovery.client")
host_logger = logging.getLogger("stytch_discovery.sessions")

reports = FailureLog(logger)

#: The kind every code of Stytch being down is reported as: one outage, whatever each request met
#: of it (a Stytch in trouble answers some 503 and lets others time out), so one report a minute.
#: A server fault is reported by its code: each has its own fix.
_DOWN = "stytch_down"
#: Set on a failure once reported. A request meets its failure once, but may hear of it more than
#: once: ``authenticate_request`` raises it again to each caller (the middleware, then the DRF
#: class), and the report counts failures, not the places that heard of them.
_REPORTED = "_stytch_discovery_reported"


def report(answer: ErrorAnswer, consequence: str, cause: BaseException) -> bool:
    """Log the failure ``cause`` (whose answer is ``answer``) at ERROR, as ``reports`` allows, when
    it is one of ``REPORTED_CODES`` and not reported yet; whether it is one (its answer must then
    be marked, :func:`mark_logged`)."""
    if answer.code not in REPORTED_CODES:
        return False
    if getattr(cause, _REPORTED, False):
        return True
    setattr(cause, _REPORTED, True)
    kind = _DOWN if answer.code in STYTCH_DOWN_CODES else answer.code
    # Stytch's error type is an identifier its answers carry too, never its text.
    details = ", ".join(filter(None, (answer.code, answer.stytch_error_type)))
    reports.log(kind, logging.ERROR, "Stytch failed (%s): %s", details, consequence)
    return True


def mark_logged(response: HttpResponseBase) -> None:
    """Keep ``response`` off Django's request logger: its cause was logged (once a minute)."""
    # Django's log_response skips an answer with this flag (it sets it on the ones it logged).
    response._has_been_logged = True  # type: ignore[attr-defined]


def _mark_if_the_answer(status: int, response: HttpResponseBase) -> None:
    # Only the answer of the failure: a host's view that answers otherwise (its own 500) is its own.
    if response.status_code == status:
        mark_logged(response)


def answer_of(error: Exception) -> ErrorAnswer:
    """The documented answer for Stytch's ``error``; ``stytch_unavailable`` when the table has none."""
    return answer_for(error) or ErrorAnswer.of("stytch_unavailable")


def refused(request: HttpRequest, error: Exception) -> ErrorAnswer:
    """The answer for Stytch's ``error`` failing a host's view (in its authentication class, a
    permission class or a decorator), logged: the request's line, the report, and a mark for the
    answer, deferred with the cookie changes (the answer does not exist yet)."""
    answer = answer_of(error)
    where = _host_view(request)
    # Domain exceptions carry no token (exceptions.py), so their text is safe to log.
    host_logger.log(
        answer.log_level, "stytch_discovery %s -> %d %s: %s", where, answer.status, answer.code, error
    )
    if report(answer, f"{where} refused the request", error):
        cookies.defer(request, functools.partial(_mark_if_the_answer, answer.status))
    return answer


def _host_view(request: HttpRequest) -> str:
    """The name of the host's view ``request`` is for: its URL name, else its dotted path (never
    the URL, whose query may hold a token)."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "a view not reached through the URLconf"
