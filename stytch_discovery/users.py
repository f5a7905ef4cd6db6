"""Which Django user an identity (an email address Stytch proved) belongs to.

``USER_RESOLVER`` names the function that decides; :func:`default_user_resolver` is the
default. The organization cache links its rows through :func:`resolve_user`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string

from .conf import app_settings

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser | None

__all__ = ["default_user_resolver", "email_of", "is_signed_in", "normalize_email", "resolve_user"]


def normalize_email(email_address: str) -> str:
    """The identity key: Stytch treats email addresses case-insensitively, so does the cache."""
    return email_address.strip().lower()


def is_signed_in(user: AnyUser) -> bool:
    return user is not None and bool(user.is_authenticated)


def email_of(user: AbstractBaseUser) -> str:
    """The user's email field, or ``""`` (user models need not have one)."""
    # Not type(user): request.user is a SimpleLazyObject proxying the real user.
    return str(getattr(user, user.get_email_field_name(), "") or "")


def default_user_resolver(*, email_address: str, user: AnyUser) -> AbstractBaseUser | None:
    """The Django user to link rows to: the signed-in user, else the one whose email matches.

    The match is case-insensitive and must be unique: with two candidates (``auth.User`` does
    not make email unique) no one is linked rather than the wrong one. User models without
    an email field link no one by email.
    """
    if is_signed_in(user):
        return user  # type: ignore[return-value]  # signed in, so not AnonymousUser
    model = get_user_model()
    field = model.get_email_field_name()
    try:
        model._meta.get_field(field)
    except FieldDoesNotExist:
        return None
    matches = list(model._default_manager.filter(**{f"{field}__iexact": email_address})[:2])
    return matches[0] if len(matches) == 1 else None


def resolve_user(*, email_address: str, user: AnyUser) -> AbstractBaseUser | None:
    """What ``USER_RESOLVER`` says ``email_address`` (with ``user`` signed in, or not) belongs to."""
    resolver: Callable[..., AbstractBaseUser | None] = import_string(app_settings.USER_RESOLVER)
    return resolver(email_address=email_address, user=user)
