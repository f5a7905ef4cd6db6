"""Writes and reads of the discovered-organization cache (``models.DiscoveredOrganization``).

Placeholder until the cache lands: the functions keep their final signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from .types import DiscoveredOrganization, MemberAuthentication


def default_user_resolver(*, email_address: str, user: AbstractBaseUser | None) -> Any:
    """The Django user to link rows to: the signed-in user, else one whose email matches."""
    return user


def record_discovery(
    *, email_address: str, discovered: Sequence[DiscoveredOrganization], user: AbstractBaseUser | None
) -> None:
    """Replace ``email_address``'s rows with ``discovered``, atomically."""


def record_membership(*, result: MemberAuthentication, user: AbstractBaseUser | None, created: bool) -> None:
    """Record the organization a create (``created``) or an exchange entered as active."""
