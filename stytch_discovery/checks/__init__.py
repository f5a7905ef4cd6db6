"""System checks for ``settings.STYTCH_DISCOVERY``; every id is listed in docs/settings.md.

``core`` checks the settings every feature shares, ``caches`` Django's default cache they use,
``sign_in`` the settings of the sign-in features; ``check_settings`` (registered in
``AppConfig.ready``) runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.checks import CheckMessage

from . import caches, core, sign_in

Check = Callable[[], Iterable[CheckMessage]]

CHECKS: tuple[Check, ...] = (
    core.check_credentials,
    core.check_environment,
    core.check_base_url,
    core.check_numbers,
    core.check_types,
    core.check_cookies,
    core.check_redirects,
    core.check_throttles,
    core.check_code_budget,
    core.check_proxies,
    core.check_prune_after,
    caches.check_cache_timeouts,
    sign_in.check_sessions,
    sign_in.check_session_policy,
    sign_in.check_mfa,
    sign_in.check_email_codes,
    sign_in.check_public_token,
    sign_in.check_oauth_providers,
    sign_in.check_primary_redirects,
)


def check_settings(**kwargs: Any) -> list[CheckMessage]:
    """Validate ``STYTCH_DISCOVERY``; registered in ``AppConfig.ready``."""
    messages = list(core.check_shape())
    if any(message.id == "stytch_discovery.E009" for message in messages):
        return messages
    for check in CHECKS:
        messages.extend(check())
    return messages
