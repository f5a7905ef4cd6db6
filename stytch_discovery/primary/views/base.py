"""The bases of the primary-step views: the step's kind, and the views a browser navigates to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpResponseRedirect
from django.views.decorators.debug import sensitive_variables
from rest_framework.response import Response

from stytch_discovery.exceptions import StytchDiscoveryError
from stytch_discovery.internal.http.errors import ErrorAnswer, Problem
from stytch_discovery.internal.http.links import LinkTargetView
from stytch_discovery.primary.serializers import EmailSentSerializer, SendRequestSerializer
from stytch_discovery.sessions import pending
from stytch_discovery.sessions import services as session_services
from stytch_discovery.sessions.types import MemberAuthentication
from stytch_discovery.sessions.views import PendingStepBaseView

logger = logging.getLogger("stytch_discovery.views")


class PrimaryStepView(PendingStepBaseView):
    step_kind = pending.PRIMARY

    def check_way_forward(self, result: MemberAuthentication) -> None:
        """First, the answer must be the step's own member (403 ``identity_mismatch``): a link's,
        SSO's or OAuth's token names whoever it was issued to, and anyone can make a browser open
        one, so an answer for someone else would sign this browser in as them."""
        step = self.pending_step()
        if (result.member_id, result.organization.organization_id) != (step.member_id, step.organization_id):
            discard(result)
            raise Problem("identity_mismatch")
        super().check_way_forward(result)

    def send(self, service: Callable[..., object], **fields: Any) -> Response:
        """Email the step's member for its organization with ``service`` (a link or a code): the
        request's options, then ``fields``; answers what :meth:`sent` does."""
        body = self.validated(SendRequestSerializer)
        step = self.pending_step()
        service(organization_id=step.organization_id, email_address=step.email_address, **fields, **body)
        return self.sent()

    def sent(self) -> Response:
        data = {"email_address": self.pending_step().email_address, "sent": True}
        return Response(EmailSentSerializer(data).data)


class PrimaryNavigationView(LinkTargetView, PrimaryStepView):
    """Base of the primary-step views a browser navigates to: failures redirect to the SPA too.

    A 401 about the IST ends the step, so its cookie goes with the IST's.
    """

    def forget_dead_credentials(self, response: HttpResponseRedirect, answer: ErrorAnswer) -> None:
        super().forget_dead_credentials(response, answer)
        pending.forget(response)


@sensitive_variables("result")
def discard(result: MemberAuthentication) -> None:
    """Revoke the session Stytch started for a member this step is not about: nobody may use it.

    Best effort: the sign-in is refused whatever Stytch answers, so a failed revoke is logged
    (its error type only), not raised.
    """
    if not result.session_token:
        return
    try:
        session_services.revoke_session(session_token=result.session_token)
    except StytchDiscoveryError as error:
        logger.warning(
            "stytch_discovery identity_mismatch: the other member's session was not revoked (%s)",
            type(error).__name__,
        )
