"""The Stytch API the fake serves, one module per Stytch feature, and the router over them."""

from __future__ import annotations

from . import discovery, magic_links, mfa, otp_discovery, primary, rbac, sessions
from .registry import Handler, Project, Request, Route, Router

__all__ = ["Handler", "Project", "Request", "Route", "Router", "stytch_router"]


def stytch_router() -> Router:
    return Router(
        (
            *discovery.ROUTES,
            *magic_links.ROUTES,
            *sessions.ROUTES,
            *rbac.ROUTES,
            *mfa.ROUTES,
            *primary.ROUTES,
            *otp_discovery.ROUTES,
        )
    )
