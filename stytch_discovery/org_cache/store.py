"""Writes of the organization cache (``models.CachedOrganization``, ``models.CachedIdentity``).

The features call ``record_discovery`` after a successful list (or discovery authenticate)
and ``record_membership`` after a successful create or exchange; a failed Stytch call never
gets here, so it leaves the cache as it was.

**A list that changes nothing writes one row.** The rows a list would write are encoded as one
JSON document (sorted by organization, every column the refresh writes: name, slug, logo,
membership type, ``member_authenticated``, both requirements and the raw organization JSON,
each as stored, so the member's phone number in ``mfa_required`` masked: ``internal.phones``)
and digested (SHA-256, with a version tag). When the identity's ``CachedIdentity`` row holds
that digest, still has that many organization rows and, if this list links a user, links that
same user, the refresh is one ``UPDATE`` of that row's ``refreshed_at`` and nothing else (after
the user lookup ``USER_RESOLVER`` may make: at most two queries in all).

**Any other list rewrites the identity in one transaction** with a fixed number of queries,
whatever the number of organizations:

1. on PostgreSQL, ``pg_advisory_xact_lock`` on the identity, so concurrent refreshes of one
   identity run one after the other (a row lock cannot cover an identity with no rows yet;
   SQLite's database-wide write lock serializes writers by itself);
2. one ``INSERT … ON CONFLICT DO UPDATE`` for every organization Stytch returned, its rows
   sent as that JSON document (``upsert``), so it is never split whatever the count;
3. the ``DELETE`` of this identity's organizations Stytch no longer returned: part of that
   same statement on PostgreSQL, a second one on SQLite;
4. the identity's row, with the new digest, count, user and ``refreshed_at``.

A create or an exchange upserts its one row and clears the identity's digest, so the next list
rewrites the identity whatever it says.

The cache is secondary to the Stytch call that fed it: a database error while writing is
logged and swallowed, because create and exchange have already consumed the intermediate
session token and their caller must still get the session.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from stytch_discovery.conf import app_settings
from stytch_discovery.internal import locks
from stytch_discovery.internal.parsing import without_tokens
from stytch_discovery.internal.phones import masked_mfa_required
from stytch_discovery.models import CachedIdentity, CachedOrganization, MembershipType
from stytch_discovery.signals import organization_created, organizations_discovered
from stytch_discovery.users import is_signed_in, normalize_email, resolve_user

from .upsert import encode, upsert

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.backends.base.base import BaseDatabaseWrapper

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

#: Starts every digested document. Change it whenever the same answer would be stored
#: differently (a new column, another normalization), so that no older digest still matches.
#: Masking the phone number in ``mfa_required`` needed none: the document holds the masked
#: number, so the digest of a row that stored a full one no longer matches, and the others do.
DIGEST_VERSION = b"stytch_discovery.org_cache.rows/1\n"


def digest(document: str) -> str:
    """The ``CachedIdentity.digest`` of an encoded list of rows (``upsert.encode``)."""
    return hashlib.sha256(DIGEST_VERSION + document.encode()).hexdigest()


def _row(*, organization: Organization, mfa_required: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    """One organization's own columns (``upsert`` adds the identity, user and timestamps)."""
    return {
        "organization_id": organization.organization_id,
        "organization_name": organization.organization_name,
        "organization_slug": organization.organization_slug,
        "organization_logo_url": organization.organization_logo_url,
        # Organization.raw never has tokens; without_tokens checks again, copying only if it must.
        "organization": without_tokens(organization.raw),
        # Staff browse these rows in the admin: the member's phone number only masked. The digest
        # is of these rows, so an unchanged answer with a number still matches it.
        "mfa_required": masked_mfa_required(mfa_required),
        **fields,
    }


#: ``_confirm``'s statement per (database vendor, with a user): quoting depends on the vendor only.
_confirm_statements: dict[tuple[str, bool], str] = {}


def _confirm_sql(connection: BaseDatabaseWrapper, with_user: bool) -> str:
    key = (connection.vendor, with_user)
    sql = _confirm_statements.get(key)
    if sql is None:
        # Only the models' own table and column names go into the text, quoted by the backend.
        quote = connection.ops.quote_name
        identity, rows = quote(CachedIdentity._meta.db_table), quote(CachedOrganization._meta.db_table)
        sql = (
            f"UPDATE {identity} SET {quote('refreshed_at')} = %s WHERE {quote('email_address')} = %s"  # noqa: S608
            f" AND {quote('digest')} = %s AND {quote('organization_count')} = %s"
            f" AND (SELECT COUNT(*) FROM {rows} WHERE {rows}.{quote('email_address')} = %s) = %s"
        )
        sql = _confirm_statements[key] = sql + (f" AND {quote('user_id')} = %s" if with_user else "")
    return sql


def _confirm(
    *, email_address: str, digest: str, count: int, linked: AbstractBaseUser | None, now: datetime, using: str
) -> bool:
    """Move ``refreshed_at`` if the identity's rows are already exactly what a rewrite would write.

    One statement: the digest of what the last rewrite wrote, the number of rows it left (a row
    deleted since, by the prune command or anyone, fails it) and, when this refresh links a
    user, that every row is linked to that user. An anonymous refresh never changes links.
    """
    connection = connections[using]
    sql = _confirm_sql(connection, linked is not None)
    parameters: list[Any] = [connection.ops.adapt_datetimefield_value(now), email_address, digest, count]
    parameters += [email_address, count]
    if linked is not None:
        parameters.append(linked.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return bool(cursor.rowcount == 1)


def _record_identity(
    *, email_address: str, linked: AbstractBaseUser | None, digest: str, count: int, now: datetime, using: str
) -> None:
    upsert(
        CachedIdentity,
        rows=[
            {
                "email_address": email_address,
                # Every row now carries this user; with none, the rows' links are not known.
                "user_id": linked.pk if linked is not None else None,
                "digest": digest,
                "organization_count": count,
            }
        ],
        shared={"refreshed_at": now},
        unique_fields=("email_address",),
        update_fields=("user", "digest", "organization_count", "refreshed_at"),
        using=using,
    )


def _write(
    *,
    email_address: str,
    user: AnyUser,
    rows: Iterable[dict[str, Any]],
    replace: bool,
) -> tuple[AbstractBaseUser | None, bool]:
    """Upsert ``rows`` for one identity (and, if ``replace``, drop the identity's other rows).

    Returns the linked user and whether rows were written (False: a list that matched the
    digest, see the module doc). Database errors are logged, not raised (see the module doc).
    """
    using = router.db_for_write(CachedOrganization)
    # One row per organization (Stytch never repeats one, but ON CONFLICT would fail if it
    # did), sorted so concurrent writers lock rows in the same order and so the same answer
    # always encodes the same.
    by_id = {row["organization_id"]: row for row in rows}
    ordered = [by_id[key] for key in sorted(by_id)]
    encoded = encode(ordered) if replace else None
    resolved: list[AbstractBaseUser | None] = [None]
    write = partial(
        _write_identity,
        resolved=resolved,
        email_address=email_address,
        user=user,
        rows=ordered,
        encoded=encoded,
        digest=digest(encoded) if encoded is not None else "",
        now=timezone.now(),
        using=using,
    )
    try:
        if connections[using].in_atomic_block:
            # Inside the caller's transaction: one savepoint around it all, so a failure here
            # cannot break the caller's transaction; the lock first, as in every rewrite.
            with transaction.atomic(using=using):
                locks.lock(locks.CACHE_REFRESH, email_address, using=using)
                return write(locked=True)
        return write(locked=False)
    except DatabaseError:
        logger.warning(
            "Could not update the Stytch organization cache; the Stytch call itself succeeded.",
            exc_info=True,
        )
    return resolved[0], True


def _write_identity(
    *,
    email_address: str,
    user: AnyUser,
    rows: Sequence[dict[str, Any]],
    encoded: str | None,
    digest: str,
    now: datetime,
    using: str,
    locked: bool,
    resolved: list[AbstractBaseUser | None],
) -> tuple[AbstractBaseUser | None, bool]:
    """``_write``'s queries: confirm an unchanged list, else rewrite (in a transaction unless ``locked``)."""
    linked = resolved[0] = resolve_user(email_address=email_address, user=user)
    replace = encoded is not None
    if replace and _confirm(
        email_address=email_address, digest=digest, count=len(rows), linked=linked, now=now, using=using
    ):
        return linked, False
    with transaction.atomic(using=using, savepoint=not locked):
        if not locked:
            locks.lock(locks.CACHE_REFRESH, email_address, using=using)
        # An anonymous refresh must not unlink rows a signed-in refresh linked.
        update_fields = [*REFRESHED_FIELDS, "user"] if linked is not None else REFRESHED_FIELDS
        upsert(
            CachedOrganization,
            rows=rows,
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
            encoded=encoded,
        )
        if replace:
            _record_identity(
                email_address=email_address,
                linked=linked,
                digest=digest,
                count=len(rows),
                now=now,
                using=using,
            )
        else:
            # The identity's rows are no longer what its digest says.
            CachedIdentity.objects.using(using).filter(email_address=email_address).update(digest="")
    return linked, True


def _store(
    *,
    email_address: str,
    user: AnyUser,
    rows: Iterable[dict[str, Any]],
    replace: bool,
) -> tuple[AbstractBaseUser | None, bool]:
    """``_write`` unless ``CACHE_ENABLED`` is off; returns the user the signals name and
    whether the cache changed (True when it is off: nothing was compared)."""
    if app_settings.CACHE_ENABLED:
        return _write(email_address=email_address, user=user, rows=rows, replace=replace)
    return (user if is_signed_in(user) else None), True  # type: ignore[return-value]


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
    linked, changed = _store(email_address=identity, user=user, rows=rows, replace=True)
    _send_on_commit(
        partial(
            organizations_discovered.send,
            sender=CachedOrganization,
            email_address=identity,
            user=linked,
            organizations=tuple(discovered),
            changed=changed,
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
    linked, _ = _store(email_address=identity, user=user, rows=[row], replace=False)
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
