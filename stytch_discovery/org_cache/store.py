"""Writes of the organization cache (``models.CachedOrganization``).

The features call ``record_discovery`` after a successful list (or discovery authenticate)
and ``record_membership`` after a successful create or exchange; a failed Stytch call never
gets here, so it leaves the cache as it was. Every write is one transaction with a fixed
number of queries, whatever the number of organizations:

1. on PostgreSQL, ``pg_advisory_xact_lock`` on the identity, so concurrent refreshes of one
   identity run one after the other (a row lock cannot cover an identity with no rows yet;
   SQLite's database-wide write lock serializes writers by itself);
2. at most one query to resolve the Django user (``USER_RESOLVER``, see ``users``);
3. one ``INSERT … ON CONFLICT DO UPDATE`` for every organization Stytch returned, its rows
   sent as one JSON parameter (``upsert``), so it is never split whatever the count;
4. for a list, the ``DELETE`` of this identity's organizations Stytch no longer returned:
   part of that same statement on PostgreSQL, a second one on SQLite.

The cache is secondary to the Stytch call that fed it: a database error while writing is
logged and swallowed, because create and exchange have already consumed the intermediate
session token and their caller must still get the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, router, transaction
from django.utils import timezone

from stytch_discovery.conf import app_settings
from stytch_discovery.internal import locks
from stytch_discovery.internal.parsing import without_tokens
from stytch_discovery.models import CachedOrganization, MembershipType
from stytch_discovery.signals import organization_created, organizations_discovered
from stytch_discovery.users import is_signed_in, normalize_email, resolve_user

from .upsert import upsert

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from stytch_discovery.discovery.types import DiscoveredOrganization
    from stytch_discovery.sessions.types import MemberAuthentication, Organization
    from stytch_discovery.users import AnyUser

__all__ = ["record_discovery", "record_membership"]

logger = logging.getLogger("stytch_discovery.cache")

#: The columns a refresh overwrites; ``first_seen_at`` is kept, ``user`` only when one is known.
REFRESHED_FIELDS = (
    "organization_name",
    "organization_slug",
    "organization_logo_url",
    "membership_type",
    "member_authenticated",
    "primary_required",
    "mfa_required",
    "organization",
    "refreshed_at",
)


def _row(*, organization: Organization, **fields: Any) -> dict[str, Any]:
    """One organization's own columns (``upsert`` adds the identity, user and timestamps)."""
    return {
        "organization_id": organization.organization_id,
        "organization_name": organization.organization_name,
        "organization_slug": organization.organization_slug,
        "organization_logo_url": organization.organization_logo_url,
        # Organization.raw never has tokens; without_tokens checks again, copying only if it must.
        "organization": without_tokens(organization.raw),
        **fields,
    }


def _write(
    *,
    email_address: str,
    user: AnyUser,
    rows: Iterable[dict[str, Any]],
    replace: bool,
) -> AbstractBaseUser | None:
    """Upsert ``rows`` for one identity (and, if ``replace``, drop the identity's other rows).

    Returns the linked user. Database errors are logged, not raised (see the module doc).
    """
    using = router.db_for_write(CachedOrganization)
    linked: AbstractBaseUser | None = None
    try:
        with transaction.atomic(using=using):
            locks.lock(locks.CACHE_REFRESH, email_address, using=using)
            linked = resolve_user(email_address=email_address, user=user)
            now = timezone.now()
            # One row per organization (Stytch never repeats one, but ON CONFLICT would fail if
            # it did), sorted so concurrent writers lock rows in the same order.
            by_id = {row["organization_id"]: row for row in rows}
            # An anonymous refresh must not unlink rows a signed-in refresh linked.
            update_fields = [*REFRESHED_FIELDS, "user"] if linked is not None else REFRESHED_FIELDS
            upsert(
                CachedOrganization,
                rows=[by_id[key] for key in sorted(by_id)],
                shared={
                    "email_address": email_address,
                    "user_id": linked.pk if linked is not None else None,
                    "first_seen_at": now,
                    "refreshed_at": now,
                },
                unique_fields=("email_address", "organization_id"),
                update_fields=update_fields,
                replace=replace,
                using=using,
            )
    except DatabaseError:
        logger.warning(
            "Could not update the Stytch organization cache; the Stytch call itself succeeded.",
            exc_info=True,
        )
    return linked


def _store(
    *,
    email_address: str,
    user: AnyUser,
    rows: Iterable[dict[str, Any]],
    replace: bool,
) -> AbstractBaseUser | None:
    """``_write`` unless ``CACHE_ENABLED`` is off; returns the user the signals name."""
    if app_settings.CACHE_ENABLED:
        return _write(email_address=email_address, user=user, rows=rows, replace=replace)
    return user if is_signed_in(user) else None  # type: ignore[return-value]


def _send_on_commit(send: Callable[[], object]) -> None:
    transaction.on_commit(send, using=router.db_for_write(CachedOrganization))


def record_discovery(
    *, email_address: str, discovered: Sequence[DiscoveredOrganization], user: AnyUser
) -> None:
    """Replace ``email_address``'s rows with ``discovered``, atomically."""
    identity = normalize_email(email_address)

    rows = (
        _row(
            organization=item.organization,
            membership_type=item.membership.type if item.membership else "",
            member_authenticated=item.member_authenticated,
            primary_required=item.primary_required,
            mfa_required=item.mfa_required,
        )
        for item in discovered
        if item.organization is not None
    )
    linked = _store(email_address=identity, user=user, rows=rows, replace=True)
    _send_on_commit(
        partial(
            organizations_discovered.send,
            sender=CachedOrganization,
            email_address=identity,
            user=linked,
            organizations=tuple(discovered),
        )
    )


def record_membership(*, result: MemberAuthentication, user: AnyUser, created: bool) -> None:
    """Record the organization a create (``created``) or an exchange entered as active."""
    identity = normalize_email(result.member.email_address)

    row = _row(
        organization=result.organization,
        membership_type=str(MembershipType.ACTIVE_MEMBER),
        member_authenticated=result.member_authenticated,
        primary_required=result.primary_required,
        mfa_required=result.mfa_required,
    )
    linked = _store(email_address=identity, user=user, rows=[row], replace=False)
    if created:
        _send_on_commit(
            partial(
                organization_created.send,
                sender=CachedOrganization,
                email_address=identity,
                user=linked,
                organization=result.organization,
                member=result.member,
            )
        )
