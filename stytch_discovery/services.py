"""The public Python API: keyword-only, settings-driven calls to Stytch, one import away.

Each function lives with its feature (``discovery``, ``magic_links``, ``email_codes``, ``oauth``,
``sessions``, ``mfa``, ``primary``); this module
re-exports them so ``from stytch_discovery import services`` stays the one place to look.
"""

from __future__ import annotations

from .discovery.services import (
    CreateOrganizationFields,
    create_organization,
    exchange_intermediate_session,
    list_discovered_organizations,
)
from .email_codes.services import authenticate_discovery_email_otp, send_discovery_email_otp
from .magic_links.services import authenticate_discovery_magic_link, send_discovery_magic_link
from .mfa.services import (
    authenticate_sms_otp,
    authenticate_totp,
    create_totp,
    recover_with_recovery_code,
    send_sms_otp,
)
from .oauth.services import authenticate_discovery_oauth, oauth_discovery_start_url
from .primary.services import (
    authenticate_email_otp,
    authenticate_magic_link,
    authenticate_oauth,
    authenticate_sso,
    oauth_start_url,
    send_login_email_otp,
    send_login_magic_link,
    sso_start_url,
)
from .sessions.services import authenticate_session, exchange_session, revoke_session

__all__ = [
    "CreateOrganizationFields",
    "authenticate_discovery_email_otp",
    "authenticate_discovery_magic_link",
    "authenticate_discovery_oauth",
    "authenticate_email_otp",
    "authenticate_magic_link",
    "authenticate_oauth",
    "authenticate_session",
    "authenticate_sms_otp",
    "authenticate_sso",
    "authenticate_totp",
    "create_organization",
    "create_totp",
    "exchange_intermediate_session",
    "exchange_session",
    "list_discovered_organizations",
    "oauth_discovery_start_url",
    "oauth_start_url",
    "recover_with_recovery_code",
    "revoke_session",
    "send_discovery_email_otp",
    "send_discovery_magic_link",
    "send_login_email_otp",
    "send_login_magic_link",
    "send_sms_otp",
    "sso_start_url",
]
