"""``users``: the default resolvers' choices when the signed-in user, the email and the usernames
disagree. Every address is lower-case here (case rules of matching have their own tests)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from stytch_discovery.users import (
    default_member_resolver,
    default_user_resolver,
    email_of,
    is_signed_in,
    resolve_member,
    resolve_user,
)
from tests.testapp.models import User

EMAIL = "ada@acme.example"
pytestmark = pytest.mark.django_db


def test_the_signed_in_user_is_linked_whatever_their_email() -> None:
    carol = User.objects.create(username="carol", email="carol@home.example")
    ada = User.objects.create(username="ada", email=EMAIL)

    assert default_user_resolver(email_address=EMAIL, user=carol) == carol
    assert default_user_resolver(email_address=EMAIL, user=None) == ada
    assert default_user_resolver(email_address=EMAIL, user=AnonymousUser()) == ada


def test_no_one_is_linked_by_an_email_no_user_has() -> None:
    User.objects.create(username="carol", email="carol@home.example")
    assert default_user_resolver(email_address=EMAIL, user=None) is None
    assert default_user_resolver(email_address=EMAIL, user=AnonymousUser()) is None


def test_the_member_resolver_ignores_who_is_signed_in_and_matches_the_email() -> None:
    ada = User.objects.create(username="ada", email=EMAIL)
    assert default_member_resolver(email_address=EMAIL, member_id="member-test-1") == ada
    assert User.objects.count() == 1


def test_a_new_member_user_gets_the_email_as_username_and_the_name() -> None:
    user = default_member_resolver(email_address=EMAIL, member_id="member-test-1", name="Ada " + "L" * 200)
    assert isinstance(user, User)
    assert (user.username, user.email) == (EMAIL, EMAIL)
    assert user.first_name == ("Ada " + "L" * 200)[:150]
    assert not user.has_usable_password()


def test_with_both_usernames_taken_no_user_is_made_and_no_one_elses_reused() -> None:
    User.objects.create(username=EMAIL, email="someone@else.example")
    User.objects.create(username="stytch-member-test-1", email="another@else.example")

    with pytest.raises(IntegrityError, match="No free username for Stytch member member-test-1"):
        default_member_resolver(email_address=EMAIL, member_id="member-test-1")
    assert User.objects.count() == 2


def test_is_signed_in_and_email_of() -> None:
    carol = User.objects.create(username="carol", email="carol@home.example")
    assert is_signed_in(carol)
    assert not is_signed_in(AnonymousUser())
    assert not is_signed_in(None)
    assert email_of(carol) == "carol@home.example"
    assert email_of(User(username="nobody", email="")) == ""


def always_carol(*, email_address: str, user: Any) -> Any:
    return User.objects.get(username="carol")


def bob_for_everyone(*, email_address: str, member_id: str, name: str) -> Any:
    return User.objects.get(username="bob")


def test_the_settings_name_the_resolvers(settings: Any) -> None:
    carol = User.objects.create(username="carol", email="carol@home.example")
    bob = User.objects.create(username="bob", email="bob@home.example")
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "USER_RESOLVER": "tests.core.test_user_resolvers.always_carol",
        "MEMBER_RESOLVER": "tests.core.test_user_resolvers.bob_for_everyone",
    }
    assert resolve_user(email_address=EMAIL, user=None) == carol
    assert resolve_member(email_address=EMAIL, member_id="member-test-1") == bob
