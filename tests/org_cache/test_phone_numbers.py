"""The cache keeps a member's phone number masked: in its rows, its digest and the admin's pages.

Stytch's ``mfa_required.member_options.mfa_phone_number`` is the member's full number; the rows
(``store``) keep ``internal.phones``' masked form only, and an unchanged answer that carries a
number is still a two-query refresh.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stytch_discovery import types
from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.org_cache import store
from stytch_discovery.signals import organizations_discovered
from tests.helpers import stytch_json
from tests.helpers.mfa import MASKED, PHONE
from tests.helpers.org_cache import (
    EMAIL,
    FULL_PHONE,
    assert_masked_only,
    listing,
    mfa_by_sms,
    snapshot,
    stored_text,
    with_phone,
)
from tests.testapp.models import User

pytestmark = pytest.mark.django_db


def test_a_list_stores_the_number_masked_and_the_rest_of_the_requirement() -> None:
    store.record_discovery(email_address=EMAIL, discovered=(with_phone(1, PHONE),), user=None)

    assert CachedOrganization.objects.get().mfa_required == mfa_by_sms(MASKED)
    assert_masked_only(stored_text())


def test_an_exchange_stores_the_number_masked() -> None:
    body = stytch_json.authentication_body(authenticated=False, mfa_required=mfa_by_sms(PHONE))

    store.record_membership(result=types.MemberAuthentication.from_json(body), user=None, created=False)

    assert CachedOrganization.objects.get().mfa_required == mfa_by_sms(MASKED)
    assert_masked_only(stored_text())


def test_the_signal_still_carries_what_stytch_said() -> None:
    """Only what the cache stores is masked: the host project's receivers get Stytch's answer."""
    seen: list[tuple[types.DiscoveredOrganization, ...]] = []

    def receiver(organizations: tuple[types.DiscoveredOrganization, ...], **kwargs: Any) -> None:
        seen.append(organizations)

    organizations_discovered.connect(receiver, weak=False)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            store.record_discovery(email_address=EMAIL, discovered=(with_phone(1, PHONE),), user=None)
    finally:
        organizations_discovered.disconnect(receiver)

    ((found,),) = seen
    assert found.mfa_required == mfa_by_sms(PHONE)


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_list_with_a_number_is_still_two_queries() -> None:
    discovered = (with_phone(1, PHONE), *listing([2, 3]))
    store.record_discovery(email_address=EMAIL, discovered=discovered, user=None)
    before = snapshot()

    with CaptureQueriesContext(connection) as captured:
        store.record_discovery(email_address=EMAIL, discovered=discovered, user=None)

    # The digest is of the stored (masked) rows: the same answer matches it.
    assert [query["sql"].split()[0] for query in captured] == ["SELECT", "UPDATE"]
    assert snapshot() == before


def test_another_number_is_a_change_the_digest_sees() -> None:
    store.record_discovery(email_address=EMAIL, discovered=(with_phone(1, PHONE),), user=None)
    digest = CachedIdentity.objects.get().digest

    store.record_discovery(email_address=EMAIL, discovered=(with_phone(1, "+15005550009"),), user=None)

    assert CachedIdentity.objects.get().digest != digest
    assert CachedOrganization.objects.get().mfa_required == mfa_by_sms("+•••••••0009")


# -- the admin ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_user() -> User:
    """pytest-django's superuser, without a password: hashing one costs a second per test."""
    user: User = User.objects.create_superuser(username="admin", email="admin@example.com", password=None)
    return user


def test_the_admin_pages_show_the_masked_number_only(admin_client: Client) -> None:
    store.record_discovery(email_address=EMAIL, discovered=(with_phone(1, PHONE),), user=None)
    row = CachedOrganization.objects.get()

    changelist = admin_client.get(reverse("admin:stytch_discovery_cachedorganization_changelist"))
    searched = admin_client.get(reverse("admin:stytch_discovery_cachedorganization_changelist"), {"q": PHONE})
    change = admin_client.get(reverse("admin:stytch_discovery_cachedorganization_change", args=[row.pk]))

    for page in (changelist, change):
        assert page.status_code == 200
        for full in FULL_PHONE:
            assert full not in page.content.decode()
    assert MASKED in change.content.decode()
    assert list(searched.context["cl"].result_list) == []  # no column holds it to be found by
