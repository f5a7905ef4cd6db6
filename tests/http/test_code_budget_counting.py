"""The wrong-code budget's counter, under the views: exact under concurrency on Redis, an attempt
taken back never outlives its window, and a cache failing after the Stytch call changes no answer.

The views' behaviour over HTTP is ``test_code_budget``.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import caches
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from stytch_discovery.internal.http.code_budget import WrongCodeBudget
from tests.helpers.down_cache import CacheDown
from tests.helpers.redis import redis_cache, redis_client

__all__ = ["redis_cache"]  # the fixture, imported for pytest

SUBJECT = "member:member-test-00000000-0000-4000-8000-000000000001"


class CodeView(APIView):
    code_budget_scope = "stytch_discovery.wrong_codes.mfa"


@pytest.fixture(autouse=True)
def budget(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "WRONG_CODE_BUDGET": "5/hour"}


def counted(subject: str = SUBJECT) -> tuple[bool, WrongCodeBudget]:
    view = CodeView()
    request = view.initialize_request(APIRequestFactory().post("/"))
    budget = WrongCodeBudget(subject)
    return budget.allow_request(request, view), budget


@pytest.fixture(params=["locmem", "redis"])
def cache_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return str(request.param)


def test_threads_racing_at_redis_let_exactly_the_budget_through(redis_cache: str) -> None:
    # Each thread has its own Redis connection: the attempts race at Redis as processes would.
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: counted()[0], range(40)))
    assert outcomes.count(True) == 5


def test_attempts_taken_back_are_not_counted(cache_kind: str) -> None:
    for _ in range(20):
        allowed, budget = counted()
        assert allowed
        budget.take_back()
    assert [counted()[0] for _ in range(6)] == [True] * 5 + [False]


def test_an_attempt_taken_back_after_its_window_ended_leaves_no_counter(cache_kind: str) -> None:
    allowed, budget = counted()
    assert allowed
    cache = caches["default"]
    cache.delete(str(budget.key))  # the window ends while Stytch checks the code

    budget.take_back()

    assert cache.get(str(budget.key)) is None
    if cache_kind == "redis":  # above all, no counter without an expiry (a lock-out for good)
        assert redis_client().exists(cache.make_key(str(budget.key))) == 0


def test_the_window_is_the_budgets_period(redis_cache: str) -> None:
    allowed, budget = counted()
    assert allowed
    assert 3_590_000 < redis_client().pttl(caches["default"].make_key(str(budget.key))) <= 3_600_000
    for _ in range(4):
        counted()
    refused, spent = counted()
    assert not refused
    problem = spent.refusal()
    assert (problem.code, problem.status_code, problem.retry_after) == ("code_attempts_exhausted", 429, 3600)
    assert problem.message == "Too many wrong codes; try again in 60 min."


def test_subjects_and_buckets_count_apart(cache_kind: str) -> None:
    for _ in range(5):
        counted()
    assert counted()[0] is False
    assert counted("member:member-test-00000000-0000-4000-8000-000000000002")[0] is True

    class PrimaryView(APIView):
        code_budget_scope = "stytch_discovery.wrong_codes.primary"

    view = PrimaryView()
    request = view.initialize_request(APIRequestFactory().post("/"))
    assert WrongCodeBudget(SUBJECT).allow_request(request, view) is True


class FailingCache:
    """A cache that counted the attempt, then stops answering."""

    def decr(self, key: str) -> int:
        raise CacheDown("the cache server does not answer")


def test_a_cache_failing_after_the_stytch_call_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="stytch_discovery.cache")
    allowed, budget = counted()
    assert allowed
    budget.cache = FailingCache()  # type: ignore[assignment]

    budget.take_back()

    (warning,) = [record for record in caplog.records if record.name == "stytch_discovery.cache"]
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == (
        "Django's cache failed (CacheDown): an attempt whose code was not wrong stays counted in its "
        "wrong-code budget"
    )
