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
* ``signed in``: a trivial GET view that reads ``request.user`` with the cached view's session
  cookie: ``bare`` plus what Django's session and user lookups cost any signed-in endpoint;
* ``DRF bare`` and ``DRF signed in``: the two baselines again as stock DRF views (DRF's JSON
  parser and renderer, session authentication): what DRF adds to any API view, printed in a
  second table beside the list and cached views' work beyond it;
* ``DRF proxy``: the same POST to a stock DRF view that makes the Stytch call itself and renders
  Stytch's organizations back, nothing else: the least a Python proxy of the call pays;
* ``cached``: ``GET discovery/organizations/cached`` through gunicorn, signed in;
* ``canned``: a signed-in stock DRF view sending the cached view's own answer as kept bytes: the
  least any cached endpoint pays;
* ``sdk``: the official ``stytch`` SDK's ``discovery.organizations.list`` (if installed);
* ``reference``: ``json.loads`` of Stytch's answer plus ``json.dumps`` of the view's answer,
  the least any Python proxy of this call does (in this process, standard library);

then times ``org_cache.store.record_discovery`` alone, counting its queries, twice: ``refresh``
alternates two answers that differ in one organization's name (every call rewrites the
identity), ``unchanged`` repeats the cached answer (one ``UPDATE``). On PostgreSQL it then
measures the cache tables' size before and after 1,000 rewrites and 1,000 unchanged refreshes
of the largest identity. It prints medians, p99s and the differences the targets are stated
in, checks the targets (``TARGETS``) and exits non-zero if one is missed.
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
    CANNED_CACHED_PATH,
    DRF_BARE_PATH,
    DRF_PROXY_PATH,
    DRF_SIGNED_IN_PATH,
    LIST_PATH,
    PROJECT_ID,
    PYTHON,
    ROOT,
    SECRET,
    SIGNED_IN_PATH,
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
#: The targets (medians): issue #16 and the earlier ones that still hold.
SERVICE_RATIO_TARGET = 1.10  # service / floor, every size
OWN_WORK_MS_TARGET = {"10": 1.0}  # view - floor - bare, in ms
OWN_WORK_REFERENCE_TARGET = {"500": 2.0}  # view - floor - bare, as a multiple of the reference
CACHED_MS_TARGET = {"10": 0.5, "500": 3.0}  # cached - bare, in ms
UNCHANGED_QUERIES_TARGET = 2  # an unchanged refresh, every size
REFRESH_MS_TARGET = 50.0  # a rewrite of 500 organizations on PostgreSQL
GROWTH_REFRESHES = 1000
GROWTH_TARGET = 1.25  # table size after / before the refreshes (page granularity: small tables)


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
                    command += ["--orgs", ",".join(map(str, args.orgs)), "--growth", str(args.growth)]
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
    """The ways to get ``count`` organizations, each checked once for a complete answer, and
    the baselines and the reference beside them."""
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
        "signed in": lambda: checked(signed_in.get(server + "/" + SIGNED_IN_PATH, timeout=30)),
        "DRF bare": lambda: checked(
            web.post(server + "/" + DRF_BARE_PATH, data=body, headers=json_headers, timeout=30)
        ),
        "DRF signed in": lambda: checked(signed_in.get(server + "/" + DRF_SIGNED_IN_PATH, timeout=30)),
        "DRF proxy": lambda: checked(
            web.post(server + "/" + DRF_PROXY_PATH, data=body, headers=json_headers, timeout=30)
        ),
        "cached": lambda: checked(
            signed_in.get(server + API_PREFIX + "discovery/organizations/cached", timeout=30)
        ),
        "canned": lambda: checked(signed_in.get(server + "/" + CANNED_CACHED_PATH, timeout=30)),
    }
    answer = floor.post(fake_url + LIST_PATH, data=body, headers=json_headers, timeout=30).content
    shown = checked(
        web.post(server + API_PREFIX + "discovery/organizations", data=body, headers=json_headers, timeout=30)
    )

    def reference() -> None:
        json.loads(answer)
        json.dumps(shown)

    calls["reference"] = reference
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
        "DRF proxy": len(calls["DRF proxy"]()["discovered_organizations"]),  # type: ignore[index]
        "cached": len(calls["cached"]()["organizations"]),  # type: ignore[index]
        "canned": len(calls["canned"]()["organizations"]),  # type: ignore[index]
    }
    if "sdk" in calls:
        found["sdk"] = len(calls["sdk"]().discovered_organizations)  # type: ignore[attr-defined]
    wrong = {name: seen for name, seen in found.items() if seen != count}
    if wrong:
        raise RuntimeError(f"expected {count} organizations, got {wrong}")
    for baseline in ("signed in", "DRF signed in"):
        if calls[baseline]().get("user") is None:  # type: ignore[attr-defined]
            raise RuntimeError(f"the {baseline!r} baseline is not signed in")
    return calls, services.list_discovered_organizations(intermediate_session_token=ist)


def renamed(result: Any) -> Any:
    """``result`` with its first organization renamed: a different answer of the same size."""
    import dataclasses

    first, *rest = result.discovered_organizations
    organization = dataclasses.replace(first.organization, organization_name="Renamed by the benchmark")
    return dataclasses.replace(
        result, discovered_organizations=(dataclasses.replace(first, organization=organization), *rest)
    )


def time_refresh(result: Any, *, rounds: int) -> Json:
    """``org_cache.store.record_discovery`` alone: median, p99 and queries, rewriting and unchanged."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stytch_discovery.org_cache import store

    answers = [renamed(result), result] if result.discovered_organizations else [result, result]

    def refresh(answer: Any) -> None:
        store.record_discovery(
            email_address=answer.email_address, discovered=answer.discovered_organizations, user=None
        )

    turn = iter(range(1 << 30))

    def rewrite() -> None:
        refresh(answers[next(turn) % 2])  # alternates: every call changes one organization

    def unchanged() -> None:
        refresh(result)

    report: Json = {}
    for name, call in (("refresh", rewrite), ("unchanged", unchanged)):
        if name == "unchanged":
            refresh(result)  # cached as it is now: the next calls change nothing
        with CaptureQueriesContext(connection) as queries:
            call()
        samples = timed({name: call}, rounds=rounds)[name]
        report[name] = {**Summary.of(samples).to_json(), "queries": len(queries)}
    return report


def table_sizes(tables: Sequence[str]) -> Json:
    """Bytes on disk (heap, indexes, TOAST) and live/dead tuples of each table (PostgreSQL)."""
    from django.db import connection

    sizes: Json = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        for table in tables:
            cursor.execute(
                "SELECT pg_total_relation_size(%s), n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd"
                " FROM pg_stat_user_tables WHERE relname = %s",
                [table, table],
            )
            total, live, dead, updated, hot = cursor.fetchone()
            sizes[table] = {"bytes": total, "live": live, "dead": dead, "updated": updated, "hot": hot}
    return sizes


def measure_growth(result: Any, *, refreshes: int) -> Json:
    """Table sizes before and after ``refreshes`` rewrites, then as many unchanged refreshes."""
    from stytch_discovery.models import CachedIdentity, CachedOrganization
    from stytch_discovery.org_cache import store

    tables = [CachedOrganization._meta.db_table, CachedIdentity._meta.db_table]
    answers = [renamed(result), result]

    def refresh(answer: Any) -> None:
        store.record_discovery(
            email_address=answer.email_address, discovered=answer.discovered_organizations, user=None
        )

    report: Json = {"refreshes": refreshes, "organizations": len(result.discovered_organizations)}
    report["before"] = table_sizes(tables)
    for number in range(refreshes):
        refresh(answers[number % 2])
    report["after rewrites"] = table_sizes(tables)
    refresh(result)
    for _ in range(refreshes):
        refresh(result)
    report["after unchanged"] = table_sizes(tables)
    return report


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
            **time_refresh(result, rounds=max(20, args.rounds // 4)),
        }
        largest = result
    from django.db import connection

    if connection.vendor == "postgresql" and args.growth:
        report["growth"] = measure_growth(largest, refreshes=args.growth)
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
    # benchmarks/wsgi.py tunes the workers' collector from GC_THRESHOLD: a run says which it had.
    collector = os.environ.get("GC_THRESHOLD") or "Python's default"
    python = f"Python {platform.python_version()}; workers' GC threshold {collector}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, {python}"


def fmt(summary: Json | None) -> str:
    if not summary:
        return "-"
    return f"{summary['median_ms']:.2f} / {summary['p99_ms']:.2f}"


def medians(row: Json) -> dict[str, float]:
    """Each series' median (ms) in one organization count's row of the report."""
    return {name: value["median_ms"] for name, value in row.items() if isinstance(value, dict)}


def render(results: dict[str, Json]) -> tuple[str, list[str]]:
    """Markdown tables (median / p99 ms) and the list of missed targets."""
    lines = [
        "| database | orgs | floor | service | view | bare | signed in | cached | SDK | reference "
        "| service ÷ floor | view - floor - bare | ÷ reference | cached - bare "
        "| refresh (queries) | unchanged refresh (queries) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    missed: list[str] = []
    for kind, report in results.items():
        query_counts: dict[str, set[int]] = {"refresh": set(), "unchanged": set()}
        for count, row in report["by_count"].items():
            median = medians(row)
            service_ratio = median["service"] / median["floor"]
            own = median["view"] - median["floor"] - median["bare"]
            reference_ratio = own / median["reference"]
            cached_added = median["cached"] - median["bare"]
            for name in query_counts:
                query_counts[name].add(row[name]["queries"])
            lines.append(
                f"| {kind} | {count} | {fmt(row['floor'])} | {fmt(row['service'])} | {fmt(row['view'])} "
                f"| {fmt(row['bare'])} | {fmt(row.get('signed in'))} | {fmt(row['cached'])} "
                f"| {fmt(row.get('sdk'))} | {fmt(row['reference'])} | {service_ratio:.2f} | {own:.2f} "
                f"| {reference_ratio:.2f} | {cached_added:.2f} "
                f"| {fmt(row['refresh'])} ({row['refresh']['queries']}) "
                f"| {fmt(row['unchanged'])} ({row['unchanged']['queries']}) |"
            )
            where = f"{kind}, {count} orgs"
            if service_ratio > SERVICE_RATIO_TARGET:
                missed.append(f"{where}: service / floor = {service_ratio:.2f} > {SERVICE_RATIO_TARGET}")
            if count in OWN_WORK_MS_TARGET and own > OWN_WORK_MS_TARGET[count]:
                missed.append(f"{where}: view - floor - bare = {own:.2f} ms > {OWN_WORK_MS_TARGET[count]} ms")
            if count in OWN_WORK_REFERENCE_TARGET and reference_ratio > OWN_WORK_REFERENCE_TARGET[count]:
                missed.append(
                    f"{where}: view - floor - bare = {own:.2f} ms = {reference_ratio:.2f} x the reference"
                    f" ({median['reference']:.2f} ms) > {OWN_WORK_REFERENCE_TARGET[count]} x"
                )
            if count in CACHED_MS_TARGET and cached_added > CACHED_MS_TARGET[count]:
                missed.append(
                    f"{where}: cached - bare = {cached_added:.2f} ms > {CACHED_MS_TARGET[count]} ms"
                )
            if row["unchanged"]["queries"] > UNCHANGED_QUERIES_TARGET:
                missed.append(
                    f"{where}: an unchanged refresh took {row['unchanged']['queries']} queries"
                    f" > {UNCHANGED_QUERIES_TARGET}"
                )
            if kind == "postgresql" and count == "500" and median["refresh"] > REFRESH_MS_TARGET:
                missed.append(f"{where}: refresh median {median['refresh']:.1f} ms > {REFRESH_MS_TARGET} ms")
        for name, counts in query_counts.items():
            if len(counts) > 1:
                missed.append(
                    f"{kind}: {name} query count varies with the organization count: {sorted(counts)}"
                )
        if "growth" in report:
            growth_lines, growth_missed = render_growth(kind, report["growth"])
            lines += growth_lines
            missed += growth_missed
    return "\n".join(lines + render_beside_drf(results)), missed


def render_beside_drf(results: dict[str, Json]) -> list[str]:
    """What the list and cached views cost beyond stock DRF views of the same shape, and the least
    any view of each kind costs (no target: it says how much of the targets' budget is left to the
    package once a view does nothing of its own)."""
    lines = [
        "",
        "Beside stock DRF views of the same shape, and the least a proxy or a cached endpoint pays"
        " (medians, ms):",
        "",
        "| database | orgs | bare | DRF bare | signed in | DRF signed in | DRF proxy | canned "
        "| view - floor - DRF bare | DRF proxy - floor - bare | view - DRF proxy "
        "| cached - DRF signed in | canned - bare | cached - canned |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, report in results.items():
        for count, row in report["by_count"].items():
            median = medians(row)
            lines.append(
                f"| {kind} | {count} | {median['bare']:.2f} | {median['DRF bare']:.2f} "
                f"| {median['signed in']:.2f} | {median['DRF signed in']:.2f} "
                f"| {median['DRF proxy']:.2f} | {median['canned']:.2f} "
                f"| {median['view'] - median['floor'] - median['DRF bare']:.2f} "
                f"| {median['DRF proxy'] - median['floor'] - median['bare']:.2f} "
                f"| {median['view'] - median['DRF proxy']:.2f} "
                f"| {median['cached'] - median['DRF signed in']:.2f} "
                f"| {median['canned'] - median['bare']:.2f} | {median['cached'] - median['canned']:.2f} |"
            )
    return lines


def render_growth(kind: str, growth: Json) -> tuple[list[str], list[str]]:
    lines = [
        "",
        f"{kind}: cache tables over {growth['refreshes']} rewrites, then {growth['refreshes']} unchanged "
        f"refreshes, of one identity with {growth['organizations']} organizations (size, live / dead rows, "
        "heap-only share of the updates so far):",
        "",
        "| table | before | after the rewrites | after the unchanged refreshes |",
        "|---|---:|---:|---:|",
    ]
    missed = []
    stages = ["before", "after rewrites", "after unchanged"]

    def cell(size: Json) -> str:
        hot = f", {size['hot'] / size['updated']:.0%} HOT" if size["updated"] else ""
        return f"{size['bytes'] / 1024:.0f} KiB ({size['live']} / {size['dead']}{hot})"

    for table in growth["before"]:
        lines.append(f"| {table} | " + " | ".join(cell(growth[stage][table]) for stage in stages) + " |")
        start = growth["before"][table]["bytes"]
        for stage in stages[1:]:
            if growth[stage][table]["bytes"] > start * GROWTH_TARGET:
                missed.append(
                    f"{kind}: {table} grew from {start} to {growth[stage][table]['bytes']} bytes ({stage})"
                )
    return lines, missed


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
    parser.add_argument(
        "--growth", type=int, default=GROWTH_REFRESHES, help="refreshes for the table-size check (0: skip)"
    )
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
