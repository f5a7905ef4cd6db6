"""A request refused over its member session, in the documented error shape, wherever it is met.

A ``Problem`` of this package's (``internal.http.errors``) raised in a plain Django view, or met
while an answer is being rendered, would end as a 500: DRF turns an ``APIException`` into its
answer only inside a DRF view's ``dispatch``, and rendering (the browsable API's renderer reading
``request.user``, a template doing the same) comes after it. The middleware and the decorators
answer such a ``Problem`` with :func:`refusal_of`; an answer already made (:func:`answered`) gives
way to the refusal once rendered (:func:`refuse_instead`), or, sent already, is left as it is
(:func:`after_the_answer`).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseBase, JsonResponse

from stytch_discovery.exceptions import StytchDiscoveryError, StytchDiscoveryInvalidSession
from stytch_discovery.internal.http import cookies, outages
from stytch_discovery.internal.http.errors import AuthenticationProblem, ErrorAnswer, Problem

logger = logging.getLogger("stytch_discovery.sessions")

#: The ``WWW-Authenticate`` challenge of every 401 where a Bearer JWT is accepted.
CHALLENGE = 'Bearer realm="stytch"'

_ANSWER = "_stytch_discovery_answer"
_TOO_LATE = "request.user was read after the answer was made, and is AnonymousUser"


def refusal(answer: ErrorAnswer) -> JsonResponse:
    """``answer`` as a response: its status, its body, the challenge on a 401, ``Retry-After``."""
    response = JsonResponse(answer.body(), status=answer.status)
    if answer.status == 401:  # these views accept a Bearer JWT too
        response["WWW-Authenticate"] = CHALLENGE
    if answer.retry_after is not None:
        response["Retry-After"] = str(answer.retry_after)
    return response


def refusal_of(problem: Problem) -> JsonResponse:
    return refusal(problem.answer)


def problem_for(request: HttpRequest, error: StytchDiscoveryError) -> Problem:
    """The refusal of ``request`` for Stytch's ``error`` about its member session: 401
    ``session_invalid``, or the documented status of Stytch failing, logged (``outages.refused``:
    the host's view does not log it; once a minute at ERROR when every request fails)."""
    if isinstance(error, StytchDiscoveryInvalidSession):
        return AuthenticationProblem("session_invalid")
    return Problem.answering(outages.refused(request, error))


def answered(request: HttpRequest, response: HttpResponseBase) -> None:
    """Note ``response`` as ``request``'s answer: a refusal met after it cannot be raised."""
    request.__dict__[_ANSWER] = response


def _rendered(response: HttpResponseBase) -> bool:
    # A DRF Response or a TemplateResponse renders after the view; any other answer is made.
    return bool(getattr(response, "is_rendered", True))


def refuse_instead(request: HttpRequest, problem: Problem) -> bool:
    """Have ``request``'s answer, still to be rendered, give way to the refusal ``problem`` stands
    for; whether it does (else ``problem`` must be raised).

    The rendering goes on (it cannot be stopped but by a 500): the caller lets it see no member,
    and what it renders is thrown away. The refusal carries the cookie changes decided since the
    answer was made (a dead session's cookies deleted) and the mark that keeps a logged failure off
    Django's request logger.
    """
    answer = request.__dict__.get(_ANSWER)
    if answer is None or _rendered(answer):
        return False

    def instead(rendered: HttpResponseBase) -> HttpResponseBase:
        refused = refusal_of(problem)
        cookies.apply_deferred(request, refused)
        return refused

    answer.add_post_render_callback(instead)
    return True


def after_the_answer(request: HttpRequest, error: StytchDiscoveryError) -> bool:
    """Whether ``request``'s answer is made already (rendered, or past the view that made it):
    then Stytch's ``error`` can refuse nothing, and is only logged (a WARNING line, and the outage
    report); the caller goes on without a member."""
    answer = request.__dict__.get(_ANSWER)
    if answer is None or not _rendered(answer):
        return False
    # Domain exceptions carry no token (exceptions.py), so their text is safe to log.
    logger.warning("Stytch could not name the session's member (%s): %s", error, _TOO_LATE)
    outages.report(outages.answer_of(error), _TOO_LATE, error)
    return True
