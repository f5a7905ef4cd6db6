"""Which Django user an identity (an email address Stytch proved) or a Stytch member is.

Two settings name the functions that decide: ``USER_RESOLVER`` links the organization cache's
rows (:func:`default_user_resolver`), ``MEMBER_RESOLVER`` finds or creates the user a Stytch
member signs in as (:func:`default_member_resolver`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .conf import app_settings
from .internal import emails, prepared

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    AnyUser = AbstractBaseUser | AnonymousUser | None

#: The SQL expression of an email column's identity key (A-Z folded), for an index that serves
#: the default resolvers' lookup (docs/deploying.md).
EmailKey = emails.AsciiLower

__all__ = [
    "EmailKey",
    "default_member_resolver",
    "default_user_resolver",
    "email_of",
    "is_signed_in",
    "normalize_email",
    "resolve_member",
    "resolve_user",
]


def normalize_email(email_address: str) -> str:
    """The identity key: Stytch treats addresses case-insensitively, so does the cache, for A-Z only.

    Unicode case rules would merge distinct addresses (the Kelvin sign and ``k``, ``ß`` and
    ``ss``); see ``internal.emails``, which the user lookups below use in SQL too.
    """
    return emails.normalize_email(email_address)


def is_signed_in(user: AnyUser) -> bool:
    return user is not None and bool(user.is_authenticated)


def email_of(user: AbstractBaseUser) -> str:
    """The user's email field, or ``""`` (user models need not have one)."""
    # Not type(user): request.user is a SimpleLazyObject proxying the real user.
    return str(getattr(user, user.get_email_field_name(), "") or "")


def default_user_resolver(*, email_address: str, user: AnyUser) -> AbstractBaseUser | None:
    """The Django user to link rows to: the signed-in user, else the one whose email matches.

    The match ignores the case of ``A``-``Z`` only (:func:`normalize_email`) and must be unique:
    with two candidates (``auth.User`` does not make email unique) no one is linked rather than
    the wrong one. User models without
    an email field link no one by email.
    """
    if is_signed_in(user):
        return user  # type: ignore[return-value]  # signed in, so not AnonymousUser
    return _the_one_user_with(email_address)


def _users_with(email_address: str) -> list[AbstractBaseUser]:
    """Up to two users whose email field matches ``email_address`` (none without an email field)."""
    model = get_user_model()
    field = model.get_email_field_name()
    try:
        model._meta.get_field(field)
    except FieldDoesNotExist:
        return []
    wanted = normalize_email(email_address)

    def candidates(value: str) -> QuerySet[Any]:
        # Never iexact: the database's UPPER() folds non-ASCII letters too (U+0131 and i, U+017F and s).
        users: QuerySet[Any] = model._default_manager.alias(_stytch_email=EmailKey(field)).filter(
            _stytch_email=value
        )
        return users[:2]  # type: ignore[no-any-return]  # the stubs type a slice as Any

    # Compiled once per database: compiling it was most of the lookup an anonymous list call makes.
    found = prepared.instances(("stytch_discovery.users", field), model, candidates, wanted)
    # Checked again here, in case the column's collation compares loosely (accents, case).
    return [user for user in found if normalize_email(email_of(user)) == wanted]


def _the_one_user_with(email_address: str) -> AbstractBaseUser | None:
    """The only user whose email field matches ``email_address``; None for none or several."""
    matches = _users_with(email_address)
    return matches[0] if len(matches) == 1 else None


def resolve_user(*, email_address: str, user: AnyUser) -> AbstractBaseUser | None:
    """What ``USER_RESOLVER`` says ``email_address`` (with ``user`` signed in, or not) belongs to."""
    resolver: Callable[..., AbstractBaseUser | None] = import_string(app_settings.USER_RESOLVER)
    return resolver(email_address=email_address, user=user)


def default_member_resolver(*, email_address: str, member_id: str, name: str = "") -> AbstractBaseUser | None:
    """The user a Stytch member signs in as: the one user with the member's email, else a new one.

    Matching is the same as :func:`default_user_resolver`'s; when several users match, none is
    chosen and none is created (which one is this person is for the project to say). A new user
    gets an unusable password (they sign in through Stytch only), the email and, when the user
    model has one, the name as ``first_name``; its username is the email, or
    ``stytch-<member_id>`` when that is taken. With ``CREATE_USERS`` off, a member no user matches
    stays without one.
    """
    matches = _users_with(email_address)
    if matches or not app_settings.CREATE_USERS:
        return matches[0] if len(matches) == 1 else None
    return _create_user(email_address=email_address, member_id=member_id, name=name)


def _create_user(*, email_address: str, member_id: str, name: str) -> AbstractBaseUser:
    model = get_user_model()
    username_field = model.USERNAME_FIELD
    email_field = model.get_email_field_name()
    values: dict[str, object] = {email_field: email_address}
    if username_field != email_field:
        values[username_field] = email_address
    if name and any(field.name == "first_name" for field in model._meta.get_fields()):
        values["first_name"] = name[:150]
    for username in (email_address, f"stytch-{member_id}"):
        if username_field != email_field:
            values[username_field] = username
        user = model(**values)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            continue  # the username is taken by someone else: never reuse their account
        return user
    raise IntegrityError(f"No free username for Stytch member {member_id}.")


def resolve_member(*, email_address: str, member_id: str, name: str = "") -> AbstractBaseUser | None:
    """What ``MEMBER_RESOLVER`` says the member is."""
    resolver: Callable[..., AbstractBaseUser | None] = import_string(app_settings.MEMBER_RESOLVER)
    return resolver(email_address=email_address, member_id=member_id, name=name)
