"""The per-identity cache of discovered organizations (``models.CachedOrganization``).

``store`` writes it after successful Stytch calls; this module holds the reads the host project
may use (also importable from ``stytch_discovery.cache``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.users import email_of, is_signed_in, normalize_email

if TYPE_CHECKING:
    from stytch_discovery.users import AnyUser

__all__ = ["last_refreshed_at", "organizations_for_user"]

#: The columns the cached endpoint shows (``discovery.serializers.CachedOrganizationSerializer``).
SHOWN_FIELDS = (
    "organization_id",
    "organization_name",
    "organization_slug",
    "organization_logo_url",
    "membership_type",
    "member_authenticated",
    "primary_required",
    "mfa_required",
    "email_address",
    "first_seen_at",
    "refreshed_at",
)


def visible_to(user: AnyUser) -> Q:
    """Which rows ``user`` may see: linked to them, or for their email address (any case)."""
    visible = Q(pk__in=[])
    if user is not None and is_signed_in(user):  # "is not None" narrows the type for .pk
        visible = Q(user_id=user.pk)
        email = email_of(user)  # type: ignore[arg-type]  # signed in, so not AnonymousUser
        if email:
            visible |= Q(email_address=normalize_email(email))
    return visible


def organizations_for_user(user: AnyUser) -> QuerySet[CachedOrganization]:
    """The rows ``user`` may see: linked to them, or for their email address (any case).

    Each row carries ``listed_at``: when a list last refreshed its identity (None when none
    has yet). A list that changes nothing moves that instead of the rows' ``refreshed_at``.
    """
    listed = CachedIdentity.objects.filter(email_address=OuterRef("email_address")).values("refreshed_at")
    rows: QuerySet[CachedOrganization] = CachedOrganization.objects.filter(visible_to(user)).annotate(
        listed_at=Subquery(listed[:1])
    )
    return rows


def last_refreshed_at(rows: Iterable[CachedOrganization]) -> datetime | None:
    """When the freshest of ``rows`` was refreshed (None when there are none).

    A row was last refreshed when it was written (``refreshed_at``) or, if later, when a list
    last confirmed its identity (``listed_at`` on the rows of ``organizations_for_user``; one
    query for the identities of rows read any other way).
    """
    rows = list(rows)
    unknown = {row.email_address for row in rows if not hasattr(row, "listed_at")}
    listed: dict[str, datetime] = {}
    if unknown:
        listed = dict(
            CachedIdentity.objects.filter(email_address__in=unknown).values_list(
                "email_address", "refreshed_at"
            )
        )
    times = [row.refreshed_at for row in rows]
    times += [
        moment
        for row in rows
        if (moment := getattr(row, "listed_at", None) or listed.get(row.email_address)) is not None
    ]
    return max(times, default=None)


def shown_to(user: AnyUser) -> list[dict[str, Any]]:
    """``organizations_for_user(user)`` as the cached endpoint shows it: one dict per row with
    the :data:`SHOWN_FIELDS`, each ``refreshed_at`` the later of the row's and ``listed_at``.

    Reads only those columns (not the raw organization JSON) and builds no model instance.
    """
    rows = list(organizations_for_user(user).values(*SHOWN_FIELDS, "listed_at"))
    for row in rows:
        listed = row.pop("listed_at")
        if listed is not None and listed > row["refreshed_at"]:
            row["refreshed_at"] = listed
    return rows
