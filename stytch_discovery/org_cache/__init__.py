"""The per-identity cache of discovered organizations (``models.CachedOrganization``).

``store`` writes it after successful Stytch calls; this module holds the reads the host project
may use (also importable from ``stytch_discovery.cache``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from stytch_discovery.models import CachedOrganization
from stytch_discovery.users import email_of, is_signed_in, normalize_email

if TYPE_CHECKING:
    from stytch_discovery.users import AnyUser

__all__ = ["last_refreshed_at", "organizations_for_user"]


def organizations_for_user(user: AnyUser) -> QuerySet[CachedOrganization]:
    """The rows ``user`` may see: linked to them, or for their email address (any case)."""
    visible = Q(pk__in=[])
    if user is not None and is_signed_in(user):  # "is not None" narrows the type for .pk
        visible = Q(user_id=user.pk)
        email = email_of(user)  # type: ignore[arg-type]  # signed in, so not AnonymousUser
        if email:
            visible |= Q(email_address=normalize_email(email))
    rows: QuerySet[CachedOrganization] = CachedOrganization.objects.filter(visible)
    return rows


def last_refreshed_at(rows: Iterable[CachedOrganization]) -> datetime | None:
    """When the freshest of ``rows`` was refreshed (None when there are none)."""
    return max((row.refreshed_at for row in rows), default=None)
