"""What ``GET session`` answers without a live member session: a 401 naming the way forward.

In django-allauth headless's spirit, the body lists ``flows``: the entry points this server
offers, and the pending step (``is_pending``) when the browser is part-way: an IST but no
organization chosen yet, or an organization waiting for MFA or for another primary method.

A pending primary step lists the methods the organization accepts (``methods``) and those this
server can finish (``supported``): :data:`PRIMARY_METHODS` names, for each method a feature
package finishes, the URL name of the endpoint that starts it. A feature adding a primary method
adds its row there.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from stytch_discovery.conf import app_settings
from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.internal.net import namespaced
from stytch_discovery.sessions import pending

Flow = dict[str, Any]


def entry_flows(request: HttpRequest) -> list[Flow]:
    """The ways in this server offers: the magic link, emailed codes when on, each OAuth provider on.

    An OAuth flow names the ``url`` the browser navigates to (not an API call: a redirect).
    """
    flows: list[Flow] = [{"id": "discovery_magic_link"}]
    if app_settings.EMAIL_CODES_ENABLED:
        flows.append({"id": "discovery_email_code"})
    for provider in app_settings.OAUTH_PROVIDERS:
        url = reverse(namespaced(request, f"oauth-{provider}-start"))
        flows.append({"id": "discovery_oauth", "provider": provider, "url": url})
    return flows


#: Stytch's ``allowed_auth_methods`` values this server can finish as a pending primary step, each
#: with the URL name (namespace ``stytch_discovery``) of the endpoint that starts it.
PRIMARY_METHODS: dict[str, str] = {
    "magic_link": "primary-magic-link-send",
    "email_otp": "primary-email-code-send",
    "sso": "primary-sso-start",
    "google_oauth": "primary-oauth-google-start",
    "microsoft_oauth": "primary-oauth-microsoft-start",
}
#: The methods that start with a browser redirect through Stytch, which needs the public token.
REDIRECT_METHODS = frozenset({"sso", "google_oauth", "microsoft_oauth"})


def can_start(method: str, step: pending.PendingStep) -> bool:
    """Whether this server can take ``step``'s member through ``method`` now.

    SSO needs the public token and a connection of the organization's; OAuth the public token
    and the provider among ``OAUTH_PROVIDERS`` (set up in the Stytch project).
    """
    if method not in PRIMARY_METHODS:
        return False
    if method not in REDIRECT_METHODS:
        return True
    if not app_settings.PUBLIC_TOKEN:
        return False
    if method == "sso":
        return bool(step.sso_connections)
    return method.removesuffix("_oauth") in app_settings.OAUTH_PROVIDERS


def _timestamp(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    moment = datetime.datetime.fromtimestamp(int(seconds), tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pending_flow(step: pending.PendingStep, request: HttpRequest) -> Flow:
    common = {
        "is_pending": True,
        "organization": {
            "organization_id": step.organization_id,
            "organization_name": step.organization_name,
            "organization_slug": step.organization_slug,
        },
        "member": {"member_id": step.member_id, "email_address": step.email_address},
        "expires_at": _timestamp(step.expires_at),
    }
    if step.step == pending.PRIMARY:
        methods = list(step.primary_auth_methods)
        supported = [method for method in methods if can_start(method, step)]
        return {
            "id": "primary_authenticate",
            **common,
            "methods": methods,
            "supported": supported,
            # Where each starts: a POST for the email methods, a navigation for SSO and OAuth.
            "urls": {method: reverse(namespaced(request, PRIMARY_METHODS[method])) for method in supported},
            "sso_connections": [
                {"connection_id": connection_id, "display_name": display_name}
                for connection_id, display_name in step.sso_connections
            ]
            if "sso" in methods
            else [],
        }
    sms_until = step.sms_code_expires_at
    return {
        "id": "mfa_authenticate",
        **common,
        "types": step.mfa_types,
        "enroll_types": step.enroll_types,
        "default_type": step.default_mfa_type,
        "phone_number": step.phone_number,
        "sms_sent": sms_until is not None,
        "sms_code_expires_at": _timestamp(sms_until),
    }


def pending_step_of(request: HttpRequest) -> pending.PendingStep | None:
    """The step ``request``'s browser is part-way through: its cookie, bound to the IST it holds."""
    try:
        ist = cookies.intermediate_session(request, {})
    except Problem:
        return None  # a mangled IST cookie is no sign-in in progress
    step = pending.recall(request)
    return step if step is not None and ist is not None and step.belongs_to(ist.token) else None


def not_signed_in(request: HttpRequest, *, code: str | None = None) -> Problem:
    """The 401 for ``request``: the pending step if any, else the entry points (``code`` overrides)."""
    try:
        ist = cookies.intermediate_session(request, {})
    except Problem:
        ist = None  # a mangled IST cookie is no sign-in in progress
    step = pending_step_of(request)
    flows = entry_flows(request)
    if step is not None:
        found = "primary_authentication_required" if step.step == pending.PRIMARY else "mfa_required"
        flows.append(pending_flow(step, request))
    elif ist is not None:
        found = "organization_selection_required"
        flows.append({"id": "select_organization", "is_pending": True})
    else:
        found = "not_authenticated"
    return Problem(code or found, extra={"flows": flows})
