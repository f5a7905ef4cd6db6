"""The primary-authentication endpoints: an organization-scoped email magic link or email code,
and SSO or OAuth through the browser redirects that start them and Stytch's redirect back.

Each view takes the organization, the member's email and the IST from the pending primary step
(``sessions.views.PendingStepBaseView``), checks that the organization allows its method, then
makes one Stytch call (a start makes none: it sends the browser to Stytch). An authenticate that
meets the organization's requirements sets the session cookies; one that leaves MFA to do keeps
the same IST and records the MFA step.
"""

from __future__ import annotations

from .base import PrimaryNavigationView, PrimaryStepView
from .email import AuthenticateEmailCodeView, MagicLinkAuthenticateView, SendEmailCodeView, SendMagicLinkView
from .sso_oauth import (
    CALLBACK_ERROR_TYPES,
    OAuthAuthenticateView,
    OAuthStartView,
    SsoAuthenticateView,
    SsoStartView,
)

__all__ = [
    "CALLBACK_ERROR_TYPES",
    "AuthenticateEmailCodeView",
    "MagicLinkAuthenticateView",
    "OAuthAuthenticateView",
    "OAuthStartView",
    "PrimaryNavigationView",
    "PrimaryStepView",
    "SendEmailCodeView",
    "SendMagicLinkView",
    "SsoAuthenticateView",
    "SsoStartView",
]
