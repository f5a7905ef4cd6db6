"""Where a request's CPU and wall time go inside gunicorn, stage by stage, against the same stage run hot.

``python -m benchmarks.stage_timing [--orgs 500] [--database sqlite|postgresql] [--calls 60]``
starts the fake Stytch, a fresh database and gunicorn (2 workers x 4 threads, as
``bench_http``) with :class:`StageTiming` in front of the middleware (``STAGE_TIMING=1`` in
``benchmarks.settings``), then calls the list view and the cached view, and the stock DRF
views of the same shape (:data:`DRF_TWINS`). For each call the middleware measures the
thread's CPU time in each of :data:`STAGES` (the CSRF check, the body's validation, the
throttle, the Stytch call, decoding its answer, building the typed results, the cache refresh,
reading the cached rows, the representation, the rendering) and, once the view has answered
(before the answer is sent), runs each stage again ``HOT_REPEATS`` times in a row with the
same arguments: what a micro-benchmark in a loop measures. It also measures each stage's wall
time in the request, so that wall minus CPU is what the stage waited for (Redis, the database,
Stytch, the GIL). The table shows the medians, what the whole request spent outside the stages
(and how much more that is than the whole of its stock DRF twin), and how much of the whole
request the cyclic garbage collector took (``gc.callbacks``; it runs inside whichever stage
allocates, so it is not a stage of its own).

``profile_view`` samples where the time goes in-process; this shows what each piece costs where
it really runs, right after the worker waited for Stytch, and how far that is from its cost in a
loop on this machine.
"""

from __future__ import annotations

import functools
import gc
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import requests

#: Stages: (label, module, attribute path), none inside another. Each is wrapped where the views
#: call it from. What the whole request spends outside them (Django, DRF, the middleware, the
#: session and user lookups) is the table's "everything else"; the stock DRF view of the same
#: shape (``benchmarks.urls``), timed whole in the same workers, is the part of it that any DRF
#: view pays.
STAGES = (
    ("CSRF check", "stytch_discovery.internal.http.guards", "enforce_csrf"),
    ("body validation", "stytch_discovery.internal.http.base", "StytchDiscoveryView.validated"),
    ("throttle", "stytch_discovery.internal.http.throttling", "StytchDiscoveryThrottle.allow_request"),
    ("Stytch call (CPU)", "stytch_discovery.client", "StytchClient._attempt"),
    ("decode", "stytch_discovery.jsonlib", "loads"),
    ("typed results", "stytch_discovery.discovery.types", "DiscoveredOrganizations.from_json"),
    ("refresh", "stytch_discovery.org_cache.store", "record_discovery"),
    ("cached rows", "stytch_discovery.org_cache", "shown_to"),
    ("represent", "stytch_discovery.discovery.views", "represent"),
    ("render", "stytch_discovery.internal.http.drf", "ASCIIJSONRenderer.render"),
)
HOT_REPEATS = 7
HEADER = "X-Stage-Timing"
WHOLE_REQUEST = "whole request"  # sent with a hot figure of 0: it is not run again
#: The cyclic garbage collector's CPU in the request: it runs inside the stages (and everything
#: else) that allocate, so it is part of their figures, not a stage beside them.
CYCLIC_GC = "of which cyclic GC"
#: Each measured view and the stock DRF view of the same shape it is compared with.
DRF_TWINS = {"list": "DRF bare", "cached": "DRF signed in"}
BEYOND_DRF = "everything else beyond the stock DRF view"
_TIMING = re.compile(r"([\w ()]+)=([\d.]+)/([\d.]+)/([\d.]+)")


class Timing(NamedTuple):
    """One stage of one request, ms: its CPU in the request, hot (median of the repeats), its wall time."""

    cpu: float
    hot: float
    wall: float


#: Per view, per stage (and :data:`WHOLE_REQUEST`, :data:`CYCLIC_GC`), one :class:`Timing` per request.
Figures = dict[str, dict[str, list[Timing]]]

_calls = threading.local()
_installed = threading.Lock()


def _timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def stage(*args: Any, **kwargs: Any) -> Any:
        recorded: list[tuple[str, Callable[[], Any], float, float]] | None = getattr(_calls, "recorded", None)
        started, started_wall = time.thread_time(), time.perf_counter()
        result = function(*args, **kwargs)
        if recorded is not None:
            cpu, wall = time.thread_time() - started, time.perf_counter() - started_wall
            recorded.append((label, functools.partial(function, *args, **kwargs), cpu, wall))
        return result

    return stage


def _time_collections(phase: str, info: dict[str, int]) -> None:
    """``gc.callbacks``: add each collection's CPU to the request this thread is timing."""
    if getattr(_calls, "collecting", None) is None:
        return
    if phase == "start":
        _calls.collection_started = time.thread_time()
    else:
        _calls.collecting += time.thread_time() - _calls.collection_started


def install() -> None:
    """Wrap every stage once per process (a stage that no longer exists fails loudly)."""
    import importlib

    with _installed:
        if _time_collections not in gc.callbacks:
            gc.callbacks.append(_time_collections)
        for label, module_name, path in STAGES:
            owner: Any = importlib.import_module(module_name)
            *parents, name = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            current = owner.__dict__[name]
            if getattr(current, "__stage__", False):
                continue
            is_classmethod = isinstance(current, classmethod)
            wrapped = _timed(label, current.__func__ if is_classmethod else current)
            wrapped.__stage__ = True  # type: ignore[attr-defined]
            setattr(owner, name, classmethod(wrapped) if is_classmethod else wrapped)


class StageTiming:
    """Middleware: each stage's CPU in this request, hot, and its wall time in this request, in the
    ``X-Stage-Timing`` header (``label=cpu/hot/wall``, ms)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        install()

    def __call__(self, request: Any) -> Any:
        _calls.recorded, _calls.collecting = [], 0.0
        started, started_wall = time.thread_time(), time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            recorded, _calls.recorded = _calls.recorded, None
            collecting, _calls.collecting = _calls.collecting, None
        request_cpu, request_wall = time.thread_time() - started, time.perf_counter() - started_wall
        timings = [
            f"{WHOLE_REQUEST}={request_cpu * 1000:.3f}/0/{request_wall * 1000:.3f}",
            f"{CYCLIC_GC}={collecting * 1000:.3f}/0/0",
        ]
        by_stage: dict[str, list[tuple[Callable[[], Any], float, float]]] = {}
        for label, call, cold, wall in recorded:
            by_stage.setdefault(label, []).append((call, cold, wall))
        for label, stage_calls in by_stage.items():  # a stage called twice counts as both calls
            hot = []
            for _ in range(HOT_REPEATS):
                again = time.thread_time()
                for call, _cold, _wall in stage_calls:
                    call()
                hot.append(time.thread_time() - again)
            cold = sum(cold for _call, cold, _wall in stage_calls)
            wall = sum(wall for _call, _cold, wall in stage_calls)
            timings.append(f"{label}={cold * 1000:.3f}/{statistics.median(hot) * 1000:.3f}/{wall * 1000:.3f}")
        response[HEADER] = ", ".join(timings)
        return response


def measure(*, server: str, cookie: tuple[str, str], ist: str, calls: int) -> Figures:
    """Each view ``calls`` times; per view and stage, the request's :class:`Timing`."""
    from ._harness import API_PREFIX, DRF_BARE_PATH, DRF_SIGNED_IN_PATH, bootstrap_csrf

    # As in bench_http: the list call and its twin anonymous (a CSRF cookie, the IST in the body),
    # the cached view and its twin signed in.
    web, signed_in = requests.Session(), requests.Session()
    bootstrap_csrf(web, server)
    signed_in.cookies.set(*cookie)
    body = json.dumps({"intermediate_session_token": ist})
    json_headers = {"Content-Type": "application/json"}
    views: dict[str, Callable[[], requests.Response]] = {
        "list": lambda: web.post(
            server + API_PREFIX + "discovery/organizations", data=body, headers=json_headers, timeout=30
        ),
        "cached": lambda: signed_in.get(server + API_PREFIX + "discovery/organizations/cached", timeout=30),
        "DRF bare": lambda: web.post(
            f"{server}/{DRF_BARE_PATH}", data=body, headers=json_headers, timeout=30
        ),
        "DRF signed in": lambda: signed_in.get(f"{server}/{DRF_SIGNED_IN_PATH}", timeout=30),
    }
    figures: Figures = {name: {} for name in views}
    for number in range(calls + 5):
        for name, view in views.items():
            response = view()
            response.raise_for_status()
            if number < 5:  # warm-up
                continue
            for label, *numbers in _TIMING.findall(response.headers[HEADER]):
                figures[name].setdefault(label.strip(), []).append(Timing(*map(float, numbers)))
    return figures


def _median(timings: list[Timing], field: str) -> float:
    values: list[float] = [getattr(timing, field) for timing in timings]
    return statistics.median(values)


def render(figures: Figures) -> str:
    lines = [
        "| view | stage | in the request (ms CPU) | hot, same worker (ms CPU) | request ÷ hot"
        " | wall in the request (ms) | waiting (wall - CPU) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for view, stages in figures.items():
        staged = staged_wall = 0.0
        for label, timings in stages.items():
            cold, hot, wall = (_median(timings, field) for field in Timing._fields)
            if label == CYCLIC_GC:
                lines.append(f"| {view} | {label} | {cold:.2f} | | | | |")
                continue
            if label == WHOLE_REQUEST:
                lines.append(f"| {view} | {label} | {cold:.2f} | | | {wall:.2f} | {wall - cold:.2f} |")
                continue
            staged, staged_wall = staged + cold, staged_wall + wall
            numbers = f"{cold:.2f} | {hot:.2f} | {cold / hot:.2f} | {wall:.2f} | {wall - cold:.2f}"
            lines.append(f"| {view} | {label} | {numbers} |")
        whole, whole_wall = _median(stages[WHOLE_REQUEST], "cpu"), _median(stages[WHOLE_REQUEST], "wall")
        if view in DRF_TWINS:
            rest, rest_wall = whole - staged, whole_wall - staged_wall
            lines.append(
                f"| {view} | everything else | {rest:.2f} | | | {rest_wall:.2f} | {rest_wall - rest:.2f} |"
            )
            twin = figures[DRF_TWINS[view]][WHOLE_REQUEST]
            twin_cpu, twin_wall = _median(twin, "cpu"), _median(twin, "wall")
            lines.append(
                f"| {view} | {BEYOND_DRF} | {rest - twin_cpu:.2f} | | | {rest_wall - twin_wall:.2f}"
                f" | {rest_wall - twin_wall - rest + twin_cpu:.2f} |"
            )
    return "\n".join(lines)


def run_stages(*, orgs: int, database_kind: str, calls: int) -> Figures:
    """Start the fake, a fresh database and gunicorn; :func:`measure` the two views."""
    from ._harness import (
        DEFAULT_REDIS_URL,
        FakeProcess,
        Gunicorn,
        database,
        django_env,
        manage,
        redis_unavailable,
        seed_memberships,
        signed_in_sessions,
    )

    email = "stages@bench.example"
    redis_url = DEFAULT_REDIS_URL if redis_unavailable(DEFAULT_REDIS_URL) is None else None
    rates = {"stytch_discovery.list": "100000/min", "stytch_discovery.cached": "100000/min"}
    with (
        tempfile.TemporaryDirectory(prefix="stytch-stages-") as tmp,
        FakeProcess(log_dir=Path(tmp)) as fake,
        database(database_kind, Path(tmp)) as url,
    ):
        seed_memberships(fake, email_address=email, slugs=[f"stages-{i}" for i in range(orgs)])
        env = django_env(database_url=url, fake=fake, redis_url=redis_url, options={"THROTTLE_RATES": rates})
        env["STAGE_TIMING"] = "1"
        manage(env, "migrate", "--noinput")
        session_key = signed_in_sessions(env, [email])[email]
        with Gunicorn(env=env, log_dir=Path(tmp)) as server:
            return measure(
                server=server.base_url, cookie=("sessionid", session_key), ist=fake.mint(email), calls=calls
            )


def main(argv: Sequence[str]) -> int:
    from ._harness import view_arguments

    args = view_arguments(argv, module="benchmarks.stage_timing", doc=__doc__ or "", orgs=500, calls=60)
    figures = run_stages(orgs=args.orgs, database_kind=args.database, calls=args.calls)
    print(f"\n{args.database}, {args.orgs} organizations, medians of {args.calls} calls per view:\n")
    print(render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
