"""The wrong-code budget: how many wrong one-time codes one identity may enter per period.

The throttles bound how fast codes are tried (10 a minute per address or member), which still
lets anyone who can have a code sent to an address guess 14,400 times a day at it; and a right
guess at a discovery code yields the person's organizations. Stytch names no limit of its own
per code. So this app counts the codes Stytch answers wrong (``WRONG_ANSWERS``), per identity the
code belongs to (an email address as ``throttling.email_subject`` keys it; the pending step's
member), in one bucket per kind of code (a view's ``code_budget_scope``: discovery codes,
primary email codes, MFA codes, so that a primary step's success cannot reopen the MFA bucket).
Once ``WRONG_CODE_BUDGET`` (``"10/hour"``) is spent, every code for that identity is refused here,
without asking Stytch, with 429 ``code_attempts_exhausted`` until the period's window ends: the
right code too, or a guesser would learn which guess was right.

Each attempt is counted before the Stytch call with the throttles' own atomic counter, so
concurrent guesses cannot all slip in under the limit, and taken back when Stytch did not find
its code wrong (right, expired or used, or Stytch failing). A right code so spends nothing and
forgives nothing: the person's own sign-in does not reopen a guesser's budget. With Django's
cache down, codes are refused with 503 ``throttle_unavailable``, as by the throttles.
"""

from __future__ import annotations

import math
from contextlib import suppress
from typing import TYPE_CHECKING

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.shared import log_failure

from .errors import Problem
from .throttling import StytchDiscoveryThrottle, redis_script, rewrites_timeout

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

#: The answers that mean "this code is wrong": they spend the budget; no other answer does.
WRONG_ANSWERS = frozenset({"code_invalid", "recovery_code_invalid"})

#: Take one attempt back, if its window is still open. Not Django's ``decr``: on Redis that is
#: EXISTS then INCRBY, and a window ending between the two would leave a counter with no expiry,
#: locking the identity out for good.
_TAKE_BACK_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
return 0
"""

#: What a cache that fails after the Stytch call means (the warning says it).
_NOT_TAKEN_BACK = "an attempt whose code was not wrong stays counted in its wrong-code budget"


class WrongCodeBudget(StytchDiscoveryThrottle):
    """One identity's wrong-code budget, in the bucket the view's ``code_budget_scope`` names.

    ``allow_request`` counts an attempt (False: the budget is spent); :meth:`take_back` uncounts
    it. A window can end while Stytch checks a code: the attempt taken back then comes off the
    next window's count, one guess more for a window that follows a Stytch call, never a lock-out.
    """

    scope_attr = "code_budget_scope"

    def __init__(self, subject: str) -> None:
        super().__init__()
        #: ``email:<sha-256>`` or ``member:<member id>``, as the throttles name them.
        self.subject = subject

    def get_rate(self) -> str:
        return app_settings.WRONG_CODE_BUDGET

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.subject}

    def take_back(self) -> None:
        """Uncount this attempt: Stytch did not find its code wrong. Never raises: the answer
        stands whatever the cache does now (a warning says when it failed)."""
        cache = self.backend()
        try:
            script = redis_script(cache, _TAKE_BACK_SCRIPT)
            if script is not None:
                script(keys=[cache.make_key(self.key)])
                return
            with suppress(ValueError):  # the window ended meanwhile: nothing to take back from
                cache.decr(self.key)
                if rewrites_timeout(cache) and self.key and self.duration:
                    self.keep_window(cache, self.key, self.duration)
        except Exception as error:  # whatever the cache backend raises when down
            log_failure(error, _NOT_TAKEN_BACK)

    def refusal(self) -> Problem:
        """The 429 for a spent budget, with the wait until its window ends."""
        wait = max(1, math.ceil(self.wait()))
        message = f"Too many wrong codes; try again in {math.ceil(wait / 60)} min."
        return Problem("code_attempts_exhausted", message, retry_after=wait)
