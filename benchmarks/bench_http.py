"""Side-by-side latency of the Stytch list call: the raw floor, this package, the SDK.

``python -m benchmarks.bench_http`` starts the fake Stytch in its own process, seeds one
identity per organization count, and for each database (SQLite file, PostgreSQL) migrates a
fresh database, starts gunicorn (2 workers x 4 threads) and runs a measuring child process.
Each round the child calls, in rotating order:

* ``floor``: ``requests.Session.post`` of the same Stytch call, straight to the fake;
* ``service``: ``services.list_discovered_organizations`` in-process, cache write off (as in
  ``bench_service``: transport and parsing; the write is timed on its own as ``refresh``);
* ``view``: ``POST discovery/organizations`` through gunicorn (Stytch call + cache refresh);
* ``bare``: the same POST to a trivial Django view through the same gunicorn and middleware
  (no Stytch call, no database): the second HTTP hop that ``view`` pays on top of the floor
  whatever the view does, so ``view - floor - bare`` is this package's own work;
* ``cached``: ``GET discovery/organizations/cached`` through gunicorn, signed in;
* ``sdk``: the official ``stytch`` SDK's ``discovery.organizations.list`` (if installed);

then times ``org_cache.store.record_discovery`` alone and counts its queries. It prints medians, p99s
and the ratios the targets are stated in, and exits non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import requests

from ._harness import (
    API_PREFIX,
    BARE_PATH,
    LIST_PATH,
    PROJECT_ID,
    PYTHON,
    ROOT,
    SECRET,
    FakeProcess,
    Gunicorn,
    Json,
    Summary,
    bootstrap_csrf,
    database,
    django_env,
    elapsed_ms,
    manage,
    postgres_server_url,
    postgres_unavailable,
    python_env,
    redis_unavailable,
    seed_memberships,
)

ORGANIZATION_COUNTS = (1, 10, 100, 500)
# High enough never to throttle one benchmarking client, so the throttle code still runs.
OPTIONS = {"THROTTLE_RATES": {"stytch_discovery.list": "100000/min", "stytch_discovery.cached": "100000/min"}}
SERVICE_RATIO_TARGET = 1.10
VIEW_ADDED_MS_TARGET = 2.0
REFRESH_MS_TARGET = 50.0


def identity(count: int) -> str:
    return f"n{count}@bench.example"


# -- the orchestrator ---------------------------------------------------------------------


def orchestrate(args: argparse.Namespace) -> dict[str, Json]:
    results: dict[str, Json] = {}
    redis_url = args.redis_url if redis_unavailable(args.redis_url) is None else None
    with tempfile.TemporaryDirectory(prefix="stytch-bench-") as tmp, FakeProcess(log_dir=Path(tmp)) as fake:
        for count in args.orgs:
            seed_memberships(
                fake, email_address=identity(count), slugs=[f"bench-{count}-{i}" for i in range(count)]
            )
        for kind in args.databases:
            if kind == "postgresql" and (reason := postgres_unavailable(postgres_server_url())):
                print(f"skipping PostgreSQL: {reason}", file=sys.stderr)
                continue
            with database(kind, Path(tmp)) as url:
                env = django_env(database_url=url, fake=fake, redis_url=redis_url, options=OPTIONS)
                manage(env, "migrate", "--noinput")
                with Gunicorn(env=env, log_dir=Path(tmp)) as server:
                    out = Path(tmp) / f"{kind}.json"
                    command = [PYTHON, "-m", "benchmarks.bench_http", "--measure", str(out)]
                    command += ["--server", server.base_url, "--rounds", str(args.rounds)]
                    command += ["--orgs", ",".join(map(str, args.orgs))]
                    subprocess.run(command, cwd=ROOT, env=python_env(env), check=True, timeout=1800)
                    results[kind] = json.loads(out.read_text())
    return results


# -- the measuring child ------------------------------------------------------------------


def timed(calls: dict[str, Callable[[], object]], *, rounds: int) -> dict[str, list[float]]:
    """Each call once per round, in an order that rotates so none always runs first."""
    names = list(calls)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            calls[name]()
            samples[name].append(elapsed_ms(started))
    return samples


def service_without_cache(ist: str) -> Any:
    """The service's own cost (transport and parsing), as ``bench_service`` measures it.

    The cache write it would add is timed on its own (``refresh``) and is in ``view``.
    """
    from django.conf import settings

    from stytch_discovery import services

    options = settings.STYTCH_DISCOVERY
    options["CACHE_ENABLED"] = False
    try:
        return services.list_discovered_organizations(intermediate_session_token=ist)
    finally:
        options["CACHE_ENABLED"] = True


def list_calls(*, count: int, server: str, session_key: str) -> tuple[dict[str, Callable[[], object]], Any]:
    """The five ways to get ``count`` organizations, each checked once for a complete answer."""
    from django.conf import settings

    from stytch_discovery import services

    fake_url = settings.STYTCH_DISCOVERY["BASE_URL"]
    ist = requests.post(
        fake_url + "/_fake/intermediate_sessions", json={"email_address": identity(count)}, timeout=10
    ).json()["intermediate_session_token"]
    body = json.dumps({"intermediate_session_token": ist}).encode()

    floor = requests.Session()
    floor.auth = (PROJECT_ID, SECRET)
    web = requests.Session()
    bootstrap_csrf(web, server)
    signed_in = requests.Session()
    signed_in.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
    json_headers = {"Content-Type": "application/json"}

    def checked(response: requests.Response) -> Json:
        response.raise_for_status()
        result: Json = response.json()
        return result

    calls: dict[str, Callable[[], object]] = {
        "floor": lambda: checked(
            floor.post(fake_url + LIST_PATH, data=body, headers=json_headers, timeout=30)
        ),
        "service": lambda: service_without_cache(ist),
        "view": lambda: checked(
            web.post(
                server + API_PREFIX + "discovery/organizations", data=body, headers=json_headers, timeout=30
            )
        ),
        "bare": lambda: checked(
            web.post(server + "/" + BARE_PATH, data=body, headers=json_headers, timeout=30)
        ),
        "cached": lambda: checked(
            signed_in.get(server + API_PREFIX + "discovery/organizations/cached", timeout=30)
        ),
    }
    try:
        from stytch import B2BClient
    except ImportError:
        print("the stytch SDK is not installed: no 'sdk' series (dependency group 'bench')", file=sys.stderr)
    else:
        sdk = B2BClient(
            project_id=PROJECT_ID, secret=SECRET, environment=fake_url + "/", suppress_warnings=True
        )
        calls["sdk"] = lambda: sdk.discovery.organizations.list(intermediate_session_token=ist)

    found = {
        "floor": len(calls["floor"]()["discovered_organizations"]),  # type: ignore[index]
        "service": len(calls["service"]().discovered_organizations),  # type: ignore[attr-defined]
        "view": len(calls["view"]()["discovered_organizations"]),  # type: ignore[index]
        "cached": len(calls["cached"]()["organizations"]),  # type: ignore[index]
    }
    if "sdk" in calls:
        found["sdk"] = len(calls["sdk"]().discovered_organizations)  # type: ignore[attr-defined]
    wrong = {name: seen for name, seen in found.items() if seen != count}
    if wrong:
        raise RuntimeError(f"expected {count} organizations, got {wrong}")
    return calls, services.list_discovered_organizations(intermediate_session_token=ist)


def time_refresh(result: Any, *, rounds: int) -> Json:
    """``org_cache.store.record_discovery`` alone: median, p99 and its number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stytch_discovery.org_cache import store

    def refresh() -> None:
        store.record_discovery(
            email_address=result.email_address, discovered=result.discovered_organizations, user=None
        )

    with CaptureQueriesContext(connection) as queries:
        refresh()
    samples = timed({"refresh": refresh}, rounds=rounds)["refresh"]
    return {**Summary.of(samples).to_json(), "queries": len(queries)}


def measure(args: argparse.Namespace) -> Json:
    import django

    django.setup()
    from . import accounts

    sessions = accounts.signed_in_session_keys([identity(count) for count in args.orgs])
    report: Json = {"by_count": {}}
    for count in args.orgs:
        calls, result = list_calls(count=count, server=args.server, session_key=sessions[identity(count)])
        timed(calls, rounds=max(10, args.rounds // 10))  # warm pools, caches and code paths
        samples = timed(calls, rounds=args.rounds)
        report["by_count"][str(count)] = {
            **{name: Summary.of(values).to_json() for name, values in samples.items()},
            "refresh": time_refresh(result, rounds=max(20, args.rounds // 4)),
        }
    return report


# -- the report ---------------------------------------------------------------------------


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    models = (
        [line for line in cpuinfo.read_text().splitlines() if "model name" in line]
        if cpuinfo.exists()
        else []
    )
    cpu = models[0].split(":", 1)[1].strip() if models else platform.processor() or "unknown CPU"
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {platform.python_version()}"


def fmt(summary: Json | None) -> str:
    if not summary:
        return "-"
    return f"{summary['median_ms']:.2f} / {summary['p99_ms']:.2f}"


def render(results: dict[str, Json]) -> tuple[str, list[str]]:
    """A Markdown table (median / p99 ms) and the list of missed targets."""
    lines = [
        "| database | orgs | floor | service | view | bare | cached | SDK | service ÷ floor "
        "| view - floor (ms) | view - floor - bare (ms) | SDK ÷ floor | refresh (queries) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    missed: list[str] = []
    for kind, report in results.items():
        query_counts = set()
        for count, row in report["by_count"].items():
            floor = row["floor"]["median_ms"]
            service_ratio = row["service"]["median_ms"] / floor
            view_added = row["view"]["median_ms"] - floor
            sdk_ratio = f"{row['sdk']['median_ms'] / floor:.2f}" if "sdk" in row else "-"
            refresh = row["refresh"]
            query_counts.add(refresh["queries"])
            lines.append(
                f"| {kind} | {count} | {fmt(row['floor'])} | {fmt(row['service'])} | {fmt(row['view'])} "
                f"| {fmt(row['bare'])} | {fmt(row['cached'])} | {fmt(row.get('sdk'))} | {service_ratio:.2f} "
                f"| {view_added:.2f} | {view_added - row['bare']['median_ms']:.2f} | {sdk_ratio} "
                f"| {fmt(refresh)} ({refresh['queries']}) |"
            )
            if service_ratio > SERVICE_RATIO_TARGET:
                missed.append(
                    f"{kind}, {count} orgs: service / floor = {service_ratio:.2f} > {SERVICE_RATIO_TARGET}"
                )
            if kind == "sqlite" and count == "10" and view_added > VIEW_ADDED_MS_TARGET:
                missed.append(
                    f"sqlite, 10 orgs: view - floor = {view_added:.2f} ms > {VIEW_ADDED_MS_TARGET} ms"
                )
            if kind == "postgresql" and count == "500" and refresh["median_ms"] > REFRESH_MS_TARGET:
                missed.append(
                    f"postgresql, 500 orgs: refresh median {refresh['median_ms']:.1f} ms"
                    f" > {REFRESH_MS_TARGET} ms"
                )
        if len(query_counts) > 1:
            missed.append(
                f"{kind}: refresh query count varies with the organization count: {sorted(query_counts)}"
            )
    return "\n".join(lines), missed


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_http", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=200, help="timed calls per series and count")
    parser.add_argument(
        "--orgs", type=lambda value: [int(part) for part in value.split(",")], default=ORGANIZATION_COUNTS
    )
    parser.add_argument("--databases", type=lambda value: value.split(","), default=["sqlite", "postgresql"])
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the child
    parser.add_argument("--server", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    if args.measure:
        args.measure.write_text(json.dumps(measure(args)))
        return 0
    load_before = os.getloadavg()[0]
    results = orchestrate(args)
    table, missed = render(results)
    print(f"\nMedian / p99 in ms over {args.rounds} interleaved rounds, fake Stytch over loopback.")
    # Other processes on the machine show in the medians: say how busy it was.
    print(f"Machine: {machine()}; 1-minute load {load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print(table)
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine(), "rounds": args.rounds, "results": results}, indent=2)
        )
    print("\nTargets: " + ("all met." if not missed else "MISSED:\n  " + "\n  ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
