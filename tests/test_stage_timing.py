"""The per-stage CPU breakdown through gunicorn (benchmarks/stage_timing.py) keeps finding its stages.

Needs the ``load`` dependency group (gunicorn). Run it with ``pytest -m slow tests/test_stage_timing.py``.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_every_stage_of_both_views_is_timed_in_the_request_and_hot(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("gunicorn")
    # Imported here: collecting this module must work where only the package is installed.
    from benchmarks.stage_timing import render, run_stages

    # A young collection every 10 allocations (benchmarks/wsgi.py): every request collects.
    monkeypatch.setenv("GC_THRESHOLD", "10,10,10")
    figures = run_stages(orgs=3, database_kind="sqlite", calls=2)
    print(render(figures))

    assert set(figures["list"]) == {
        "whole request",
        "of which cyclic GC",
        "CSRF check",
        "body validation",
        "throttle",
        "Stytch call (CPU)",
        "decode",
        "typed results",
        "refresh",
        "represent",
        "render",
    }
    assert set(figures["cached"]) == {
        "whole request",
        "of which cyclic GC",
        "throttle",
        "cached rows",
        "represent",
        "render",
    }
    # The stock DRF views are timed whole, as what any DRF view of the same shape costs.
    for twin in ("DRF bare", "DRF signed in"):
        assert set(figures[twin]) == {"whole request", "of which cyclic GC"}
    table = render(figures)
    assert table.count("| everything else beyond the stock DRF view |") == 2
    assert table.count("| waiting (wall - CPU) |") == 1
    # The two clocks are read one after the other, so a stage that never waits can show a few
    # microseconds more CPU than wall time.
    clocks = 0.02
    for stages in figures.values():
        whole_request = stages.pop("whole request")
        assert len(whole_request) == 2
        # A thread's CPU is never more than the wall time it took.
        assert all(0 < whole.cpu <= whole.wall + clocks for whole in whole_request)
        # The collector's CPU is counted in the request that ran it, and is only part of it.
        collecting = stages.pop("of which cyclic GC")
        assert len(collecting) == 2
        assert all(0 < gc.cpu < whole.cpu for gc, whole in zip(collecting, whole_request, strict=True))
        for label, timings in stages.items():
            assert len(timings) == 2, label
            for stage, whole in zip(timings, whole_request, strict=True):
                assert 0 < stage.cpu <= stage.wall + clocks, label
                assert stage.hot > 0, label
                # A stage is part of its request: never more CPU or wall time than the whole of it.
                assert stage.cpu <= whole.cpu, label
                assert stage.wall <= whole.wall, label
