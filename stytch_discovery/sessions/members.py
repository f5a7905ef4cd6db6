"""Stytch members as Django users: the link (``models.StytchMember``) and how a request finds it.

A member is linked when a session starts here (create, exchange, an MFA step) or, for a
session started elsewhere, the first time one of its requests arrives. Linking runs in one
transaction under a lock on the person's email, so concurrent first sign-ins (in one or several
organizations) create one user and one link per member, never an ``IntegrityError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, router, transaction
from django.utils import timezone

from stytch_discovery.internal import locks
from stytch_discovery.models import StytchMember
from stytch_discovery.users import normalize_email, resolve_member

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from stytch_discovery.sessions.types import Member, Organization

#: The columns a sign-in refreshes on the link (names change at Stytch; the link must follow).
_DISPLAY_FIELDS = ("organization_id", "organization_slug", "organization_name", "email_address", "name")


def link_member(*, member: Member, organization: Organization) -> AbstractBaseUser | None:
    """Record the member and return the user they are (``MEMBER_RESOLVER`` on first sight)."""
    display = {
        "organization_id": organization.organization_id,
        "organization_slug": organization.organization_slug,
        "organization_name": organization.organization_name,
        "email_address": member.email_address,
        "name": member.name,
    }
    found = StytchMember.objects.select_related("user").filter(member_id=member.member_id).first()
    if found is not None and found.user_id is not None and _unchanged(found, display):
        return _user_of(found)
    using = router.db_for_write(StytchMember)
    for _attempt in range(2):
        try:
            with transaction.atomic(using=using):
                return _link(member.member_id, display, using)
        except IntegrityError:
            continue  # a writer without the lock (another database) won the insert: read it back
    return _user_of(StytchMember.objects.select_related("user").get(member_id=member.member_id))


def _user_of(row: StytchMember) -> AbstractBaseUser | None:
    user: AbstractBaseUser | None = row.user
    return user


def _unchanged(row: StytchMember, display: dict[str, str]) -> bool:
    return all(getattr(row, field) == value for field, value in display.items())


def _link(member_id: str, display: dict[str, str], using: str) -> AbstractBaseUser | None:
    locks.lock(locks.MEMBER_LINK, normalize_email(display["email_address"]), using=using)
    row = StytchMember.objects.using(using).select_related("user").filter(member_id=member_id).first()
    user = _user_of(row) if row is not None else None
    if user is None:
        user = resolve_member(
            email_address=display["email_address"], member_id=member_id, name=display["name"]
        )
    if row is None:
        StytchMember.objects.using(using).create(member_id=member_id, user=user, **display)
    else:
        for field, value in display.items():
            setattr(row, field, value)
        row.user, row.updated_at = user, timezone.now()
        row.save(update_fields=[*_DISPLAY_FIELDS, "user", "updated_at"])
    return user


def linked(member_id: str) -> StytchMember | None:
    """The link of ``member_id`` with its user, in one indexed query; None before the first sign-in."""
    found: StytchMember | None = (
        StytchMember.objects.select_related("user").filter(member_id=member_id).first()
    )
    return found
