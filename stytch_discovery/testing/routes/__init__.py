"""The Stytch API the fake serves, one module per Stytch feature, and the router over them."""

from __future__ import annotations

from . import discovery, idp, magic_links, mfa, oauth, otp_discovery, primary, rbac, sessions, sso
from .registry import Handler, Page, PageRoute, Project, Request, Route, Router

__all__ = ["Handler", "Page", "PageRoute", "Project", "Request", "Route", "Router", "stytch_router"]

#: Every feature's routes; ``idp`` is the fake identity provider's page, not Stytch's API.
FEATURES = (discovery, magic_links, sessions, rbac, mfa, primary, otp_discovery, oauth, sso, idp)


def stytch_router() -> Router:
    return Router(route for feature in FEATURES for route in feature.ROUTES)
