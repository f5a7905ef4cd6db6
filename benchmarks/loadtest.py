"""Multi-process load test: gunicorn (2 workers x 4 threads), PostgreSQL, Redis, the fake Stytch.

``python -m benchmarks.loadtest`` runs it twice and exits non-zero on any problem:

1. a clean run: 16 concurrent clients send 2,000 requests mixing list, cached and create.
   Every answer must be the documented success or our own 429 ``throttled``; the create
   throttle (``N/min``, counted in Redis) must let exactly N creates through in total across
   both processes; the cache must match what the fake says each identity can enter.
2. a faulty run: the fake answers 10% of API calls with 503 and delays 5% by 2 s. Every
   answer must still be a documented status (200/201/429/502/504 with the matching error
   code) within its deadline, no gunicorn worker may die or hang, and the cache must hold
   every created organization exactly once and nothing the fake does not know.

Clients are the two kinds a SPA has: signed-in (session cookie + CSRF header) for list and
cached, and anonymous (mid-discovery, not yet a Django user) for create, so that every create
shares one throttle bucket (the client IP) the way the limit is meant to be shared.
``run_load`` is what ``tests/test_load.py`` calls.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ._harness import (
    DEFAULT_REDIS_URL,
    FakeProcess,
    Gunicorn,
    Json,
    Summary,
    bootstrap_csrf,
    django_env,
    elapsed_ms,
    fresh_postgres_database,
    manage,
    postgres_server_url,
    postgres_unavailable,
    redis_unavailable,
    seed_memberships,
    signed_in_sessions,
)

CACHE_TABLE = "stytch_discovery_cachedorganization"
SHARED_SLUG = "load-shared"
OWN_ORGANIZATIONS = 4
THROTTLE_WINDOW_S = 60.0

#: The statuses and error codes each request kind may answer with (README, "Error contract").
CLEAN_ANSWERS: dict[str, dict[int, set[str] | None]] = {
    "list": {200: None},
    "cached": {200: None},
    "create": {201: None, 429: {"throttled"}},
}
STYTCH_FAILURES: dict[int, set[str] | None] = {
    502: {"stytch_unavailable", "stytch_bad_response"},
    504: {"stytch_timeout"},
}
FAULTY_ANSWERS: dict[str, dict[int, set[str] | None]] = {
    "list": {200: None, **STYTCH_FAILURES},
    "cached": {200: None},
    "create": {201: None, 429: {"throttled"}, **STYTCH_FAILURES},
}


class Unavailable(RuntimeError):
    """PostgreSQL or Redis does not answer: the load test cannot run here."""


@dataclass(frozen=True)
class LoadConfig:
    requests: int = 2000
    clients: int = 16
    workers: int = 2
    threads: int = 4
    create_share: float = 0.15
    cached_share: float = 0.30
    create_limit: int = 50  # per minute, shared by every process through Redis
    faults: bool = False
    # The app's Stytch timeouts: READ_TIMEOUT bounds one attempt, RETRY_DEADLINE all of them.
    connect_timeout_s: float = 1.0
    read_timeout_s: float = 3.0
    retry_deadline_s: float = 5.0
    # What a client waits for any answer: the retry deadline plus queueing behind the
    # 2-second delays that the other requests on the same worker threads are stuck in.
    deadline_s: float = 10.0
    seed: int = 20261125
    redis_url: str = DEFAULT_REDIS_URL


@dataclass(frozen=True)
class Operation:
    kind: str  # list | cached | create
    email_address: str = ""  # the creator identity, for a create
    token: str = ""  # the IST a create consumes
    slug: str = ""


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int  # 0: no HTTP answer (client timeout or connection error)
    code: str
    latency_ms: float
    organization_id: str = ""
    email_address: str = ""
    started_at: float = 0.0  # perf_counter() when it was sent


@dataclass
class LoadReport:
    config: LoadConfig
    elapsed_s: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    create_window_s: float = 0.0
    fake_create_calls: int = 0
    #: Each gunicorn worker's resident memory after the run, and its peak: (VmRSS, VmHWM) in KiB.
    worker_memory_kib: dict[int, tuple[int, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Counter[str]]:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for outcome in self.outcomes:
            table[outcome.kind][f"{outcome.status} {outcome.code}".strip()] += 1
        return dict(table)

    def latency(self, kind: str | None = None) -> Summary:
        return Summary.of([o.latency_ms for o in self.outcomes if kind is None or o.kind == kind])

    @property
    def creates_let_through(self) -> int:
        # Answered, and not by the throttle (a lost connection says nothing either way).
        return sum(1 for o in self.outcomes if o.kind == "create" and o.status and o.code != "throttled")

    def render(self) -> str:
        mode = "10% 503s + 5% 2 s delays" if self.config.faults else "clean upstream"
        lines = [
            f"Load test ({mode}): {len(self.outcomes)} requests, {self.config.clients} clients, "
            f"gunicorn {self.config.workers}x{self.config.threads}, {self.elapsed_s:.1f} s "
            f"({len(self.outcomes) / max(self.elapsed_s, 1e-9):.0f} req/s)",
            "| kind | answers | p50 ms | p99 ms | max ms |",
            "|---|---|---:|---:|---:|",
        ]
        for kind, counter in sorted(self.counts().items()):
            summary = self.latency(kind)
            worst = max(o.latency_ms for o in self.outcomes if o.kind == kind)
            answers = ", ".join(f"{key}: {n}" for key, n in sorted(counter.items()))
            lines.append(f"| {kind} | {answers} | {summary.median:.1f} | {summary.p99:.1f} | {worst:.0f} |")
        overall = self.latency()
        lines.append(f"| all | {len(self.outcomes)} | {overall.median:.1f} | {overall.p99:.1f} | |")
        lines.append(
            f"Creates let through by the shared {self.config.create_limit}/min throttle: "
            f"{self.creates_let_through} (window {self.create_window_s:.1f} s); "
            f"create calls that reached the fake: {self.fake_create_calls}"
        )
        if self.worker_memory_kib:
            memory = ", ".join(
                f"{rss / 1024:.1f} MiB (peak {peak / 1024:.1f})"
                for rss, peak in self.worker_memory_kib.values()
            )
            lines.append(f"Resident memory of the gunicorn workers after the run: {memory}")
        lines.append("Problems: " + ("none" if not self.problems else "\n  " + "\n  ".join(self.problems)))
        return "\n".join(lines)


# -- set-up ---------------------------------------------------------------------------------


def lister(index: int) -> str:
    return f"l{index}@load.example"


def creator(index: int) -> str:
    return f"c{index}@load.example"


def seed(fake: FakeProcess, config: LoadConfig) -> None:
    """Each lister: a few organizations of its own plus one every lister shares."""
    fake.seed({"organizations": [{"organization_slug": SHARED_SLUG}]})
    for index in range(config.clients):
        slugs = [f"load-l{index}-{n}" for n in range(OWN_ORGANIZATIONS)]
        seed_memberships(fake, email_address=lister(index), slugs=slugs)
    fake.seed(
        {
            "members": [
                {"organization_slug": SHARED_SLUG, "email_address": lister(i)} for i in range(config.clients)
            ]
        }
    )


def plan(fake: FakeProcess, config: LoadConfig) -> list[Operation]:
    """The shuffled request mix; each create gets its own IST, minted up front."""
    creates = round(config.requests * config.create_share)
    cached = round(config.requests * config.cached_share)
    kinds = ["create"] * creates + ["cached"] * cached + ["list"] * (config.requests - creates - cached)
    random.Random(config.seed).shuffle(kinds)
    run = uuid.uuid4().hex[:6]
    operations = []
    for number, kind in enumerate(kinds):
        if kind != "create":
            operations.append(Operation(kind))
            continue
        email = creator(number % config.clients)
        operations.append(Operation(kind, email, fake.mint(email), f"load-{run}-{number}"))
    return operations


def stytch_options(config: LoadConfig) -> Json:
    return {
        "CONNECT_TIMEOUT": config.connect_timeout_s,
        "READ_TIMEOUT": config.read_timeout_s,
        "RETRY_DEADLINE": config.retry_deadline_s,
        "MAX_RETRIES": 2,
        "RETRY_BACKOFF": 0.05,
        "THROTTLE_RATES": {
            "stytch_discovery.create": f"{config.create_limit}/min",
            # High enough never to trigger, so the throttle bookkeeping still runs in Redis.
            "stytch_discovery.list": "100000/min",
            "stytch_discovery.cached": "100000/min",
        },
    }


# -- the clients ----------------------------------------------------------------------------


class Client:
    """One SPA tab: a signed-in session for list and cached, an anonymous one for create."""

    def __init__(self, *, server: Gunicorn, session_key: str, ist: str, deadline_s: float) -> None:
        self.server = server
        self.ist = ist
        self.deadline_s = deadline_s
        self.signed_in = requests.Session()
        self.signed_in.cookies.set("sessionid", session_key)
        bootstrap_csrf(self.signed_in, server.base_url)
        self.anonymous = requests.Session()
        bootstrap_csrf(self.anonymous, server.base_url)

    def send(self, operation: Operation) -> Outcome:
        started = time.perf_counter()
        try:
            response = self._request(operation)
        except requests.RequestException as error:
            return Outcome(operation.kind, 0, type(error).__name__, elapsed_ms(started), started_at=started)
        latency = elapsed_ms(started)
        body: Any = (
            response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
        )
        if not isinstance(body, dict):
            body = {}
        organization = body.get("organization") or {}
        return Outcome(
            operation.kind,
            response.status_code,
            str(body.get("code", "")) if response.status_code >= 400 else "",
            latency,
            str(organization.get("organization_id", "")) if response.status_code == 201 else "",
            operation.email_address,
            started,
        )

    def _request(self, operation: Operation) -> requests.Response:
        timeout = self.deadline_s
        if operation.kind == "list":
            body = {"intermediate_session_token": self.ist}
            return self.signed_in.post(self.server.url("discovery/organizations"), json=body, timeout=timeout)
        if operation.kind == "cached":
            return self.signed_in.get(self.server.url("discovery/organizations/cached"), timeout=timeout)
        body = {
            "intermediate_session_token": operation.token,
            "organization_name": operation.slug.title(),
            "organization_slug": operation.slug,
        }
        return self.anonymous.post(
            self.server.url("discovery/organizations/create"), json=body, timeout=timeout
        )

    def close(self) -> None:
        self.signed_in.close()
        self.anonymous.close()


def drive(clients: Sequence[Client], operations: Sequence[Operation]) -> list[Outcome]:
    """Every client takes the next operation until none is left: a closed-loop load."""
    pending: Iterator[Operation] = iter(operations)
    lock = threading.Lock()
    outcomes: list[Outcome] = []

    def work(client: Client) -> None:
        while True:
            with lock:
                operation = next(pending, None)
            if operation is None:
                return
            outcome = client.send(operation)
            with lock:
                outcomes.append(outcome)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        for finished in [pool.submit(work, client) for client in clients]:
            finished.result()
    return outcomes


# -- checks ---------------------------------------------------------------------------------


def check_answers(report: LoadReport) -> None:
    allowed = FAULTY_ANSWERS if report.config.faults else CLEAN_ANSWERS
    wrong: Counter[str] = Counter()
    late = 0
    for outcome in report.outcomes:
        codes = allowed[outcome.kind].get(outcome.status, set())
        if outcome.status not in allowed[outcome.kind] or (codes is not None and outcome.code not in codes):
            wrong[f"{outcome.kind} -> {outcome.status} {outcome.code}"] += 1
        if outcome.latency_ms > report.config.deadline_s * 1000:
            late += 1
    report.problems += [f"undocumented answer {key} (x{n})" for key, n in sorted(wrong.items())]
    if late:
        report.problems.append(
            f"{late} answers took longer than the {report.config.deadline_s:.0f} s deadline"
        )


def check_throttle(report: LoadReport) -> None:
    attempts = sum(1 for o in report.outcomes if o.kind == "create")
    expected = min(attempts, report.config.create_limit)
    if report.create_window_s >= THROTTLE_WINDOW_S:
        report.problems.append(
            f"creates spread over {report.create_window_s:.0f} s, longer than the throttle window"
        )
    elif report.creates_let_through != expected:
        report.problems.append(
            f"the shared create throttle let {report.creates_let_through} through, not {expected}"
        )
    # A create is never resent once it may have reached Stytch: one call per create let through.
    if report.fake_create_calls != report.creates_let_through:
        report.problems.append(
            f"{report.fake_create_calls} create calls reached the fake"
            f" for {report.creates_let_through} creates let through"
        )


def worker_memory(pids: set[int]) -> dict[int, tuple[int, int]]:
    """(VmRSS, VmHWM) in KiB of each process, read from /proc (Linux; empty elsewhere)."""
    memory = {}
    for pid in sorted(pids):
        status = Path(f"/proc/{pid}/status")
        if not status.exists():
            continue
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        memory[pid] = (int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0]))
    return memory


def check_workers(report: LoadReport, server: Gunicorn, before: set[int]) -> None:
    """No worker killed, restarted or stuck: same pids, a clean log, and all threads answer."""
    after = server.worker_pids()
    if after != before or len(after) != report.config.workers:
        report.problems.append(f"gunicorn workers changed: {sorted(before)} -> {sorted(after)}")
    for marker in ("WORKER TIMEOUT", "Worker exited", "Traceback"):
        if marker in server.log_text():
            report.problems.append(f"gunicorn log has {marker!r}")
    probes = report.config.workers * report.config.threads * 2
    with ThreadPoolExecutor(max_workers=probes) as pool:
        answers = list(
            pool.map(lambda _: requests.get(server.url("csrf"), timeout=5).status_code, range(probes))
        )
    if answers != [200] * probes:
        report.problems.append(f"after the run, {probes} probes got {Counter(answers)}")


def cache_rows(database_url: str) -> list[tuple[str, str, int | None]]:
    """Every cache row as (email_address, organization_id, user_id), read with plain SQL."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        query = f"SELECT email_address, organization_id, user_id FROM {CACHE_TABLE}"  # noqa: S608 - constant
        return [
            (email, organization_id, user_id) for email, organization_id, user_id in connection.execute(query)
        ]


def truth(fake: FakeProcess, email_address: str) -> set[str]:
    """What the fake lists; retried because the fault rules also hit this call."""
    for _ in range(10):
        try:
            return fake.truth(email_address)
        except requests.RequestException:
            continue
    raise RuntimeError(f"the fake would not list {email_address}")


def check_cache(report: LoadReport, fake: FakeProcess, database_url: str, clients: Sequence[Client]) -> None:
    table = cache_rows(database_url)
    pairs = Counter((email, organization_id) for email, organization_id, _ in table)
    if duplicates := sum(1 for n in pairs.values() if n > 1):
        report.problems.append(f"{duplicates} duplicate (email, organization) rows")
    listers = {lister(index) for index in range(len(clients))}
    if unlinked := sum(1 for email, _, user_id in table if email in listers and user_id is None):
        report.problems.append(f"{unlinked} rows of signed-in listers are not linked to their user")
    rows: dict[str, set[str]] = defaultdict(set)
    for email, organization_id, _ in table:
        rows[email].add(organization_id)
    created: dict[str, set[str]] = defaultdict(set)
    for outcome in report.outcomes:
        if outcome.status == 201:
            created[outcome.email_address].add(outcome.organization_id)
    if sum(len(ids) for ids in created.values()) != sum(1 for o in report.outcomes if o.status == 201):
        report.problems.append("two creates answered with the same organization id")
    expected: dict[str, set[str]] = {}
    for index, client in enumerate(clients):
        expected[lister(index)] = truth(fake, lister(index))
        # Creator identities are never listed, so their rows are exactly what create wrote.
        expected[creator(index)] = truth(fake, creator(index))
        if expected[creator(index)] != created.get(creator(index), set()):
            report.problems.append(f"the fake's organizations for {creator(index)} differ from the 201s")
        seen = client.signed_in.get(client.server.url("discovery/organizations/cached"), timeout=10)
        served = (
            {row["organization_id"] for row in seen.json().get("organizations", [])} if seen.ok else set()
        )
        if served != expected[lister(index)]:
            report.problems.append(
                f"the cached endpoint serves {len(served)} organizations to {lister(index)}"
            )
    for email in sorted(set(rows) | {e for e, ids in expected.items() if ids}):
        if rows.get(email, set()) != expected.get(email, set()):
            report.problems.append(
                f"cache rows for {email}: {len(rows.get(email, set()))}, the fake lists "
                f"{len(expected.get(email, set()))}"
            )


# -- the run --------------------------------------------------------------------------------


def unavailable(config: LoadConfig) -> str | None:
    return postgres_unavailable(postgres_server_url()) or redis_unavailable(config.redis_url)


def run_load(config: LoadConfig) -> LoadReport:
    """One full run: fresh database, fresh fake, gunicorn, the clients, then every check."""
    if reason := unavailable(config):
        raise Unavailable(reason)
    report = LoadReport(config)
    with (
        tempfile.TemporaryDirectory(prefix="stytch-load-") as tmp,
        FakeProcess(log_dir=Path(tmp)) as fake,
        fresh_postgres_database(postgres_server_url(), "stytch_load") as database_url,
    ):
        seed(fake, config)
        operations = plan(fake, config)
        env = django_env(
            database_url=database_url, fake=fake, redis_url=config.redis_url, options=stytch_options(config)
        )
        manage(env, "migrate", "--noinput")
        sessions = signed_in_sessions(env, [lister(i) for i in range(config.clients)])
        with Gunicorn(env=env, log_dir=Path(tmp), workers=config.workers, threads=config.threads) as server:
            before = server.worker_pids()
            clients = [
                Client(
                    server=server,
                    session_key=sessions[lister(i)],
                    ist=fake.mint(lister(i)),
                    deadline_s=config.deadline_s,
                )
                for i in range(config.clients)
            ]
            if config.faults:
                fake.add_fault(path="*", count=-1, every=10, status=503)
                fake.add_fault(path="*", count=-1, every=20, latency_ms=2000)
            started = time.perf_counter()
            report.outcomes = drive(clients, operations)
            report.elapsed_s = time.perf_counter() - started
            report.worker_memory_kib = worker_memory(server.worker_pids())
            sent = [o.started_at for o in report.outcomes if o.kind == "create"]
            report.create_window_s = max(sent) - min(sent) if sent else 0.0
            report.fake_create_calls = int(
                fake.stats()["requests"].get("/v1/b2b/discovery/organizations/create", 0)
            )
            check_answers(report)
            check_throttle(report)
            check_workers(report, server, before)
            check_cache(report, fake, database_url, clients)
            for client in clients:
                client.close()
    return report


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=LoadConfig.requests)
    parser.add_argument("--clients", type=int, default=LoadConfig.clients)
    parser.add_argument("--create-limit", type=int, default=LoadConfig.create_limit)
    parser.add_argument("--only", choices=["clean", "faults"], help="run one of the two runs")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    args = parser.parse_args(argv)
    failed = False
    for faults in (False, True):
        if args.only and args.only != ("faults" if faults else "clean"):
            continue
        config = LoadConfig(
            requests=args.requests,
            clients=args.clients,
            create_limit=args.create_limit,
            faults=faults,
            redis_url=args.redis_url,
        )
        try:
            report = run_load(config)
        except Unavailable as error:
            print(f"cannot run the load test: {error}", file=sys.stderr)
            return 2
        print(report.render(), "\n")
        failed = failed or bool(report.problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
