"""The multi-process load test (benchmarks/loadtest.py), clean and with a faulty upstream.

Needs the ``load`` dependency group, PostgreSQL (``DATABASE_URL``'s server, default
127.0.0.1:5432) and Redis (``REDIS_URL``, default 127.0.0.1:6379); skipped, saying why, when a
server does not answer. Run it with ``pytest -m slow tests/test_load.py``: about a minute.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from benchmarks.loadtest import LoadReport

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def load(*, faults: bool) -> LoadReport:
    # Imported here: collecting this module must work where only the package is installed.
    from benchmarks.loadtest import LoadConfig, run_load, unavailable

    config = LoadConfig(requests=2000, clients=16, workers=2, threads=4, faults=faults, redis_url=REDIS_URL)
    if reason := unavailable(config):
        pytest.skip(reason)
    report = run_load(config)
    print(report.render())  # the figures, in the CI log (pytest -rA or -s shows them)
    return report


def test_clean_run_shares_the_throttle_and_keeps_the_cache_consistent() -> None:
    report = load(faults=False)

    assert report.problems == []
    assert len(report.outcomes) == 2000
    assert len(report.worker_memory_kib) == report.config.workers  # reported beside the figures
    creates = report.counts()["create"]
    assert creates["201"] == report.config.create_limit
    assert creates["429 throttled"] == sum(creates.values()) - report.config.create_limit
    assert {key for counter in report.counts().values() for key in counter} <= {"200", "201", "429 throttled"}


def test_faulty_upstream_gets_documented_answers_within_the_deadline() -> None:
    report = load(faults=True)

    assert report.problems == []
    assert len(report.outcomes) == 2000
    assert {outcome.status for outcome in report.outcomes} <= {200, 201, 429, 502, 504}
    # The faults did happen: some answers waited out a two-second delay, none its deadline.
    slowest = max(outcome.latency_ms for outcome in report.outcomes)
    assert 2000 < slowest <= report.config.deadline_s * 1000
