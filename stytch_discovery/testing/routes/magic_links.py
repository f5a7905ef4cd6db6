"""Discovery magic links: send (fills the outbox) and authenticate (mints a discovery IST).

Fake's choices: unknown, used and expired tokens all answer 404 ``magic_link_not_found``; a
PKCE failure answers 400 and does not use the link up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from stytch_discovery.testing import payloads, validation
from stytch_discovery.testing.errors import ApiError

from .answers import discovery_answer
from .registry import Project, Request, Route

Json = dict[str, Any]

MAGIC_LINK_MINUTES = 60


def send_discovery_magic_link(project: Project, request: Request) -> Json:
    body, state = request.body, project.state
    email = validation.email_address(body)
    redirect_url = (
        validation.http_url(body, "discovery_redirect_url", "invalid_discovery_redirect_url")
        or project.default_discovery_redirect_url
    )
    challenge = validation.optional_str(body, "pkce_code_challenge")
    validation.optional_str(body, "login_template_id")
    validation.one_of(body, "locale", validation.SEND_LOCALES, "invalid_argument")
    minutes = validation.int_in_range(body, "discovery_expiration_minutes", 5, 10080, "invalid_argument")
    if redirect_url is None:
        raise ApiError(400, "no_discovery_redirect_url_set")
    link = state.add_magic_link(email, minutes or MAGIC_LINK_MINUTES, challenge)
    state.outbox.append(
        {
            "kind": "discovery_magic_link",
            "email_address": email,
            "url": with_token(redirect_url, link.token),
            "token": link.token,
            "sent_at": payloads.iso(state.now()),
        }
    )
    return {}


def authenticate_discovery_magic_link(project: Project, request: Request) -> Json:
    token = validation.required_str(request.body, "discovery_magic_links_token")
    verifier = validation.optional_str(request.body, "pkce_code_verifier")
    link = project.state.redeem_magic_link(token, verifier)
    return discovery_answer(project, project.state.mint_intermediate_session(link.email_address))


def with_token(url: str, token: str, token_type: str = "discovery") -> str:  # noqa: S107 - a type name
    """The redirect URL plus Stytch's token parameters, keeping its own query string."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in ("stytch_token_type", "token")
    ]
    query += [("stytch_token_type", token_type), ("token", token)]
    return urlunsplit(parts._replace(query=urlencode(query)))


ROUTES = (
    Route("POST", "/v1/b2b/magic_links/email/discovery/send", send_discovery_magic_link),
    Route("POST", "/v1/b2b/magic_links/discovery/authenticate", authenticate_discovery_magic_link),
)
