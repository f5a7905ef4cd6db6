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
    for stages in figures.values():
        whole_request = stages.pop("whole request")
        assert len(whole_request) == 2 * 2
        assert min(whole_request[0::2]) > 0
        # The collector's CPU is counted in the request that ran it, and is only part of it.
        collecting = stages.pop("of which cyclic GC")[0::2]
        assert len(collecting) == 2
        assert all(0 < cpu < whole for cpu, whole in zip(collecting, whole_request[0::2], strict=True))
        for label, values in stages.items():
            in_request, hot = values[0::2], values[1::2]
            assert len(in_request) == len(hot) == 2, label
            assert min(in_request) > 0, label
            assert min(hot) > 0, label
            # A stage is part of its request: never more CPU than the whole of it.
            assert all(cpu <= whole for cpu, whole in zip(in_request, whole_request[0::2], strict=True)), (
                label
            )
