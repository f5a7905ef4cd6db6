"""The bases of the primary-step views: the step's kind, and the views a browser navigates to."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpResponseRedirect
from rest_framework.response import Response

from stytch_discovery.internal.http.errors import ErrorAnswer
from stytch_discovery.internal.http.links import LinkTargetView
from stytch_discovery.primary.serializers import EmailSentSerializer, SendRequestSerializer
from stytch_discovery.sessions import pending
from stytch_discovery.sessions.views import PendingStepBaseView

logger = logging.getLogger("stytch_discovery.views")


class PrimaryStepView(PendingStepBaseView):
    step_kind = pending.PRIMARY

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
