"""The typed results of the service functions, one import away.

Each dataclass lives with its feature; this module re-exports them. Every result keeps the
whole JSON Stytch sent in ``raw`` (unknown fields included, bearer tokens left out), and its
token fields are hidden from ``repr()``.
"""

from __future__ import annotations

from .discovery.types import (
    DiscoveredOrganization,
    DiscoveredOrganizations,
    DiscoveryAuthentication,
    DiscoveryEmailSent,
    Membership,
)
from .email_codes.types import EmailCodeAuthentication, EmailCodeSent
from .internal.parsing import parse_timestamp
from .magic_links.types import MagicLinkAuthentication, MagicLinkSent
from .mfa.types import RecoveryCodeAuthentication, SmsOtpSent, TotpRegistration
from .oauth.types import OAuthDiscoveryAuthentication
from .primary.types import LoginEmailSent
from .sessions.types import Member, MemberAuthentication, MemberSession, Organization, SessionAuthentication

__all__ = [
    "DiscoveredOrganization",
    "DiscoveredOrganizations",
    "DiscoveryAuthentication",
    "DiscoveryEmailSent",
    "EmailCodeAuthentication",
    "EmailCodeSent",
    "LoginEmailSent",
    "MagicLinkAuthentication",
    "MagicLinkSent",
    "Member",
    "MemberAuthentication",
    "MemberSession",
    "Membership",
    "OAuthDiscoveryAuthentication",
    "Organization",
    "RecoveryCodeAuthentication",
    "SessionAuthentication",
    "SmsOtpSent",
    "TotpRegistration",
    "parse_timestamp",
]
