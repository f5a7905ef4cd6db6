"""``manage.py stytch_discovery_prune``: delete cached organizations not refreshed for a while.

A row that no list has refreshed for that long belongs to someone who stopped signing in; the
next list call recreates whatever is still true. Run it from cron or a scheduler.

A row was refreshed when it was written or when a list last confirmed its identity
(``CachedIdentity.refreshed_at``: a list that changes nothing moves only that), whichever is
later. Identities no list has refreshed for that long are deleted too.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import router, transaction
from django.utils import timezone

from stytch_discovery.conf import app_settings
from stytch_discovery.models import CachedIdentity, CachedOrganization

_AGE = re.compile(r"(\d+(?:\.\d+)?)([smhdw]?)")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60, "w": 7 * 24 * 60 * 60}


def parse_age(text: str) -> timedelta:
    """``"30d"``, ``"12h"``, ``"90m"``, ``"45s"``, ``"2w"`` or plain seconds (``"3600"``)."""
    match = _AGE.fullmatch(text.strip().lower())
    if match is None or float(match[1]) <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a positive age such as 30d, 12h, 90m, 45s or 3600 (seconds)."
        )
    try:
        return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])
    except OverflowError:
        raise argparse.ArgumentTypeError(_too_far(text)) from None


def _too_far(age: object) -> str:
    return f"An age of {age} reaches back beyond the calendar (year 1); give a shorter one."


def cutoff_before(age: timedelta) -> datetime:
    """Now minus ``age``; an age no date can hold (a typo, a huge setting) is a clear error."""
    try:
        return timezone.now() - age
    except OverflowError:
        raise CommandError(_too_far(age)) from None


class Command(BaseCommand):
    help = "Delete cached Stytch organizations that have not been refreshed for a given age."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=parse_age,
            default=None,
            metavar="AGE",
            help="Age such as 30d, 12h, 90m, 45s or plain seconds; "
            "default: STYTCH_DISCOVERY['PRUNE_AFTER'] (30 days).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only print how many rows would be deleted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        age: timedelta = options["older_than"] or app_settings.PRUNE_AFTER
        cutoff = cutoff_before(age)
        listed = CachedIdentity.objects.filter(refreshed_at__gte=cutoff).values("email_address")
        stale = CachedOrganization.objects.filter(refreshed_at__lt=cutoff).exclude(email_address__in=listed)
        forgotten = CachedIdentity.objects.filter(refreshed_at__lt=cutoff)
        since = f"not refreshed since {cutoff.isoformat(timespec='seconds')} ({age} ago)"
        if options["dry_run"]:
            self.stdout.write(
                f"Would delete {stale.count()} cached organization row(s) and"
                f" {forgotten.count()} cached identity row(s) {since}."
            )
            return
        with transaction.atomic(using=router.db_for_write(CachedOrganization)):
            # The identities first: a list running meanwhile then rewrites its identity in full
            # (and a list's digest check counts the rows, so a race can only cost a rewrite).
            identities, _ = forgotten.delete()
            deleted, _ = stale.delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {deleted} cached organization row(s) and {identities} cached identity row(s)"
                f" {since}."
            )
        )
