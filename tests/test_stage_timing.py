"""The per-stage CPU breakdown through gunicorn (benchmarks/stage_timing.py) keeps finding its stages.

Needs the ``load`` dependency group (gunicorn). Run it with ``pytest -m slow tests/test_stage_timing.py``.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_every_stage_of_both_views_is_timed_in_the_request_and_hot() -> None:
    pytest.importorskip("gunicorn")
    # Imported here: collecting this module must work where only the package is installed.
    from benchmarks.stage_timing import render, run_stages

    figures = run_stages(orgs=3, database_kind="sqlite", calls=2)
    print(render(figures))

    assert set(figures["list"]) == {
        "whole request",
        "throttle",
        "Stytch call (CPU)",
        "decode",
        "typed results",
        "refresh",
        "represent",
        "render",
    }
    assert set(figures["cached"]) == {"whole request", "throttle", "cached rows", "represent", "render"}
    for stages in figures.values():
        whole_request = stages.pop("whole request")
        assert len(whole_request) == 2 * 2
        assert min(whole_request[0::2]) > 0
        for label, values in stages.items():
            in_request, hot = values[0::2], values[1::2]
            assert len(in_request) == len(hot) == 2, label
            assert min(in_request) > 0, label
            assert min(hot) > 0, label
            # A stage is part of its request: never more CPU than the whole of it.
            assert all(cpu <= whole for cpu, whole in zip(in_request, whole_request[0::2], strict=True)), (
                label
            )
