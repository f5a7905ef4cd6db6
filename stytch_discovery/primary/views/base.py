"""The bases of the primary-step views: the step's kind, and the views a browser navigates to."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from rest_framework.response import Response

from stytch_discovery.internal.http.errors import ErrorAnswer
from stytch_discovery.internal.http.links import LinkTargetView
from stytch_discovery.primary.serializers import EmailSentSerializer
from stytch_discovery.sessions import pending
from stytch_discovery.sessions.views import PendingStepBaseView


class PrimaryStepView(PendingStepBaseView):
    step_kind = pending.PRIMARY

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
