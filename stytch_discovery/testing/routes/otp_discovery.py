"""Email OTP discovery: send a code to any email (the outbox keeps it), authenticate it for an IST.

Semantics (sessions contract §C.1): a code lives ``discovery_expiration_minutes`` (default 10,
2..15) and only the latest one sent to an email is valid; authenticate answers what magic-link
discovery authenticate answers, with an IST carrying the ``email_otp`` factor.

Fake's choices (docs/fake.md says the same): an email that was never sent a discovery code is 404
``email_not_found``; a wrong code (an earlier one included) is 404 ``otp_code_not_found``; the
right code used or expired is 401 ``unable_to_auth_otp_code``; wrong attempts are not limited.
"""

from __future__ import annotations

from typing import Any

from stytch_discovery.testing import validation
from stytch_discovery.testing.errors import ApiError

from .answers import discovery_answer
from .registry import Project, Request, Route

Json = dict[str, Any]

CODE_MINUTES = 10
FACTOR = "email_otp"


def send_discovery_email_code(project: Project, request: Request) -> Json:
    body = request.body
    email = validation.email_address(body)
    validation.optional_str(body, "login_template_id")
    validation.one_of(body, "locale", validation.SEND_LOCALES, "invalid_argument")
    minutes = validation.int_in_range(body, "discovery_expiration_minutes", 2, 15, "invalid_argument")
    project.state.send_discovery_email_code(email, minutes or CODE_MINUTES)
    return {}


def authenticate_discovery_email_code(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    email = validation.email_address(body)
    code = validation.required_str(body, "code")
    sent = state.discovery_email_codes.get(email.lower())
    if sent is None:
        raise ApiError(404, "email_not_found")
    state.redeem_code(sent, code)
    return discovery_answer(project, state.mint_intermediate_session(email, factors=(FACTOR,)))


ROUTES = (
    Route("POST", "/v1/b2b/otps/email/discovery/send", send_discovery_email_code),
    Route("POST", "/v1/b2b/otps/email/discovery/authenticate", authenticate_discovery_email_code),
)
