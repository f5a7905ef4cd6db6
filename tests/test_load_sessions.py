"""Signed-in requests through 4 gunicorn processes (benchmarks/load_sessions.py).

Needs the ``load`` dependency group, PostgreSQL and Redis (skipped, saying why, without them).
Run it with ``pytest -m slow tests/test_load_sessions.py``: about 40 seconds, most of it waiting
for the session JWTs to expire between the two phases.
"""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def test_stytch_is_asked_once_per_session_per_jwt_lifetime_and_keys_once_in_all() -> None:
    # Imported here: collecting this module must work where only the package is installed.
    from benchmarks.load_sessions import AUTHENTICATE_PATH, SessionsConfig, run_load_sessions, unavailable

    config = SessionsConfig(requests=2000, sessions=16, redis_url=REDIS_URL)
    if reason := unavailable(config):
        pytest.skip(reason)
    report = run_load_sessions(config)
    print(report.render())  # the figures, in the CI log

    assert report.problems == []
    fresh, expired = report.phases
    assert sum(fresh.answers.values()) + sum(expired.answers.values()) == 2000
    assert report.jwks_fetches == 1
    assert fresh.stytch_calls(0, AUTHENTICATE_PATH) + fresh.stytch_calls(1, AUTHENTICATE_PATH) == 0
    # Every session's JWT expired between the phases: each was asked about exactly once.
    assert len(report.authenticate_per_session) == 16
    assert set(report.authenticate_per_session.values()) == {1}
    assert expired.stytch_calls(1, AUTHENTICATE_PATH) == 0
