"""``manage.py stytch_discovery_prune`` and its ``PRUNE_AFTER`` setting (check E040)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django import Settings

from stytch_discovery.checks import check_settings
from stytch_discovery.management.commands.stytch_discovery_prune import parse_age
from stytch_discovery.models import CachedIdentity, CachedOrganization
from stytch_discovery.org_cache import store
from tests.helpers.org_cache import EMAIL, cached_ids, listing, org_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def aged() -> None:
    """Organization n was last written n days ago (n = 1, 10, 40, 100), and no list has
    refreshed the identity since the oldest."""
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 10, 40, 100]), user=None)
    now = timezone.now()
    for days in (1, 10, 40, 100):
        CachedOrganization.objects.filter(organization_id=org_id(days)).update(
            refreshed_at=now - timedelta(days=days)
        )
    CachedIdentity.objects.update(refreshed_at=now - timedelta(days=100))


def prune(*args: str) -> str:
    out = StringIO()
    call_command("stytch_discovery_prune", *args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("aged")
def test_the_default_age_is_thirty_days() -> None:
    output = prune()

    assert "Deleted 2 cached organization row(s) and 1 cached identity row(s)" in output
    assert cached_ids() == [org_id(1), org_id(10)]
    assert not CachedIdentity.objects.exists()


@pytest.mark.usefixtures("aged")
def test_a_list_that_changed_nothing_keeps_every_row_of_its_identity() -> None:
    store.record_discovery(email_address=EMAIL, discovered=listing([1, 10, 40, 100]), user=None)
    assert (
        CachedOrganization.objects.filter(refreshed_at__lt=timezone.now() - timedelta(days=30)).count() == 2
    )

    output = prune()

    assert "Deleted 0 cached organization row(s) and 0 cached identity row(s)" in output
    assert cached_ids() == [org_id(1), org_id(10), org_id(40), org_id(100)]


@pytest.mark.usefixtures("aged")
def test_after_a_prune_the_next_list_writes_the_identity_again() -> None:
    prune()

    store.record_discovery(email_address=EMAIL, discovered=listing([1, 10, 40, 100]), user=None)

    assert cached_ids() == [org_id(1), org_id(10), org_id(40), org_id(100)]
    assert CachedIdentity.objects.get().organization_count == 4


@pytest.mark.usefixtures("aged")
@pytest.mark.parametrize(("age", "kept"), [("5d", [1]), ("120h", [1]), ("2w", [1, 10]), ("432000", [1])])
def test_older_than_takes_days_hours_weeks_or_seconds(age: str, kept: list[int]) -> None:
    prune("--older-than", age)

    assert cached_ids() == [org_id(days) for days in kept]


@pytest.mark.usefixtures("aged")
def test_dry_run_counts_and_deletes_nothing() -> None:
    output = prune("--older-than", "5d", "--dry-run")

    assert "Would delete 3 cached organization row(s) and 1 cached identity row(s)" in output
    assert len(cached_ids()) == 4
    assert CachedIdentity.objects.exists()


@pytest.mark.usefixtures("aged")
def test_the_setting_changes_the_default(settings: Settings) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PRUNE_AFTER": timedelta(days=5)}

    output = prune("--dry-run")

    assert "Would delete 3" in output


@pytest.mark.parametrize("age", ["0", "-3d", "3y", "d", "soon"])
def test_a_bad_age_is_refused(age: str) -> None:
    with pytest.raises(CommandError, match="is not a positive age"):
        prune(f"--older-than={age}")


@pytest.mark.parametrize("age", ["99999999999d", "1000000d"])
def test_an_age_beyond_the_calendar_is_refused_not_a_traceback(age: str) -> None:
    with pytest.raises(CommandError, match="reaches back beyond"):
        prune(f"--older-than={age}")


def test_a_setting_beyond_the_calendar_is_refused_not_a_traceback(settings: Settings) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PRUNE_AFTER": timedelta(days=999_999_999)}

    with pytest.raises(CommandError, match="reaches back beyond"):
        prune("--dry-run")


def test_parse_age_units() -> None:
    assert parse_age("90m") == timedelta(minutes=90)
    assert parse_age(" 45S ") == timedelta(seconds=45)
    assert parse_age("1.5h") == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (3600, True),
        (timedelta(days=7), True),
        (0, False),
        (timedelta(0), False),
        ("30d", False),
        (True, False),
    ],
)
def test_prune_after_is_checked(settings: Settings, value: object, valid: bool) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "PRUNE_AFTER": value}

    ids = [message.id for message in check_settings()]

    assert ("stytch_discovery.E040" not in ids) is valid
