"""Throttle windows on Django's database cache, whose ``incr`` stores the new count with the
cache's default timeout: each count keeps the window's own end, however ``TIMEOUT`` is set."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from stytch_discovery.internal.http.code_budget import WrongCodeBudget
from tests.helpers.api import post

SCOPE = "stytch_discovery.send"
PATH = "discovery/magic-links/send"
TABLE = "stytch_throttle_test_cache"


@pytest.fixture(params=[None, 300], ids=["timeout-none", "timeout-five-minutes"])
def database_cache(request: pytest.FixtureRequest, settings: Any, db: None) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": TABLE,
            "TIMEOUT": request.param,
        }
    }
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "THROTTLE_RATES": {SCOPE: "5/min"}}
    call_command("createcachetable", TABLE, verbosity=0)


def seconds_left(key_part: str) -> list[float]:
    """Seconds until each stored count whose key holds ``key_part`` expires (not ``:until``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, expires FROM {TABLE}")  # noqa: S608 (a constant)
        rows = cursor.fetchall()
    return [
        _utc(expires).timestamp() - time.time()
        for key, expires in rows
        if key_part in key and not key.endswith(":until")
    ]


def _utc(stored: datetime | str) -> datetime:
    # SQLite hands the column back as UTC text or a naive datetime; PostgreSQL as an aware one.
    value = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def test_a_throttle_window_ends_after_its_period(database_cache: None) -> None:
    client = APIClient()
    for _ in range(3):
        assert post(client, PATH, {}).status_code == 400  # counted, never sent to Stytch

    (left,) = seconds_left("throttle")
    assert 50 < left <= 60


def test_a_taken_back_attempt_keeps_the_budget_window(database_cache: None, rf: Any) -> None:
    from rest_framework.request import Request
    from rest_framework.views import APIView

    budget = WrongCodeBudget("member:member-test-window")
    view = APIView()
    view.code_budget_scope = "stytch_discovery.code_budget"  # type: ignore[attr-defined]
    assert budget.allow_request(Request(rf.post("/")), view)
    budget.take_back()

    (left,) = seconds_left("member-test-window")
    assert 3500 < left <= 3600
