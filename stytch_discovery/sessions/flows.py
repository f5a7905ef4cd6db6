"""What ``GET session`` answers without a live member session: a 401 naming the way forward.

In django-allauth headless's spirit, the body lists ``flows``: the entry points this server
offers, and the pending step (``is_pending``) when the browser is part-way: an IST but no
organization chosen yet, or an organization waiting for MFA or for another primary method.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stytch_discovery.internal.http import cookies
from stytch_discovery.internal.http.errors import Problem
from stytch_discovery.sessions import pending

Flow = dict[str, Any]


def entry_flows() -> list[Flow]:
    """The ways in this server offers."""
    return [{"id": "discovery_magic_link"}]


def pending_flow(step: pending.PendingStep) -> Flow:
    organization = {
        "organization_id": step.organization_id,
        "organization_name": step.organization_name,
        "organization_slug": step.organization_slug,
    }
    if step.step == pending.PRIMARY:
        return {
            "id": "primary_authenticate",
            "is_pending": True,
            "organization": organization,
            "methods": list(step.primary_auth_methods),
        }
    return {"id": "mfa_authenticate", "is_pending": True, "organization": organization}


def not_signed_in(request: HttpRequest, *, code: str | None = None) -> Problem:
    """The 401 for ``request``: the pending step if any, else the entry points (``code`` overrides)."""
    try:
        ist = cookies.intermediate_session(request, {})
    except Problem:
        ist = None  # a mangled IST cookie is no sign-in in progress
    step = pending.recall(request)
    flows = entry_flows()
    if step is not None and ist is not None and step.belongs_to(ist.token):
        found = "primary_authentication_required" if step.step == pending.PRIMARY else "mfa_required"
        flows.append(pending_flow(step))
    elif ist is not None:
        found = "organization_selection_required"
        flows.append({"id": "select_organization", "is_pending": True})
    else:
        found = "not_authenticated"
    return Problem(code or found, extra={"flows": flows})
