"""Shared plumbing for the HTTP benchmark and the load test: processes, databases, statistics.

Every server runs as its own process (the fake Stytch, gunicorn), so none shares a GIL with
the clients that time it. Everything listens on loopback only, and every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
API_PREFIX = "/api/stytch/"
LIST_PATH = "/v1/b2b/discovery/organizations"
#: The trivial Django view ``bench_http`` times as its ``bare`` baseline (``benchmarks.urls``).
BARE_PATH = "bench/bare"
#: The signed-in project view ``load_sessions`` calls (``benchmarks.urls.MemberView``).
MEMBER_PATH = "bench/member"
#: The same, signed in: what Django's session and user lookups add (``benchmarks.urls``).
SIGNED_IN_PATH = "bench/signed-in"
#: The two baselines again as stock DRF views: what DRF itself adds to any API view.
DRF_BARE_PATH = "bench/drf-bare"
DRF_SIGNED_IN_PATH = "bench/drf-signed-in"
#: The least a DRF proxy of the list call does, and the cached answer sent as kept bytes.
DRF_PROXY_PATH = "bench/drf-proxy"
CANNED_CACHED_PATH = "bench/canned-cached"
PROJECT_ID = "project-test-5b1e6a52-8c1d-4b7a-9a61-bench0000001"
SECRET = "secret-test-benchmarks-only"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
STARTUP_SECONDS = 30.0

Json = dict[str, Any]


# -- statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Median and 99th percentile of one series, in milliseconds."""

    count: int
    median: float
    p99: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Summary:
        if not samples_ms:
            return cls(0, math.nan, math.nan)
        ordered = sorted(samples_ms)
        # Nearest-rank percentile: an observed value, never an interpolation.
        rank = max(1, math.ceil(0.99 * len(ordered)))
        return cls(len(ordered), statistics.median(ordered), ordered[rank - 1])

    def to_json(self) -> Json:
        return {"count": self.count, "median_ms": self.median, "p99_ms": self.p99}


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


# -- processes ----------------------------------------------------------------------------


def python_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment plus ``extra``, with the repository importable from any working dir."""
    env = {**os.environ, **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def stop_process(process: subprocess.Popen[Any], *, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds: a benchmark never leaves a server behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)


def wait_until_answering(url: str, process: subprocess.Popen[Any], log: Path | None) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text()[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{tail}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {STARTUP_SECONDS:.0f} s")


class FakeProcess:
    """``python -m stytch_discovery.testing`` in its own process, driven by its /_fake/ API."""

    def __init__(self, *, log_dir: Path) -> None:
        self.log = log_dir / "fake-stytch.log"
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.control = requests.Session()

    def __enter__(self) -> FakeProcess:
        command = [PYTHON, "-m", "stytch_discovery.testing", "--port", "0"]
        command += ["--project-id", PROJECT_ID, "--secret", SECRET]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, text=True, env=python_env({})
            )
        assert self.process.stdout is not None
        # The fake prints its base URL once it listens.
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url.startswith("http://127.0.0.1:"):
            stop_process(self.process)
            raise RuntimeError(f"the fake Stytch did not start: {self.log.read_text()[-2000:]}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.control.close()
        if self.process is not None:
            stop_process(self.process)

    def call(self, method: str, path: str, body: Json | None = None) -> Any:
        response = self.control.request(method, self.base_url + path, json=body, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"fake {method} {path} -> {response.status_code}: {response.text[:500]}")
        return response.json()

    def seed(self, data: Json) -> Json:
        result: Json = self.call("POST", "/_fake/seed", data)
        return result

    def mint(self, email_address: str) -> str:
        token: str = self.call("POST", "/_fake/intermediate_sessions", {"email_address": email_address})[
            "intermediate_session_token"
        ]
        return token

    def add_fault(self, **rule: Any) -> None:
        self.call("POST", "/_fake/faults", rule)

    def stats(self) -> Json:
        result: Json = self.call("GET", "/_fake/stats")
        return result

    def truth(self, email_address: str) -> set[str]:
        """The organization ids Stytch (the fake) lists for ``email_address`` right now."""
        response = requests.post(
            self.base_url + LIST_PATH,
            json={"intermediate_session_token": self.mint(email_address)},
            auth=(PROJECT_ID, SECRET),
            timeout=30,
        )
        response.raise_for_status()
        return {
            item["organization"]["organization_id"] for item in response.json()["discovered_organizations"]
        }


def seed_memberships(fake: FakeProcess, *, email_address: str, slugs: Sequence[str]) -> None:
    """Organizations ``slugs``, each with ``email_address`` as an active member."""
    fake.seed(
        {
            "organizations": [
                {"organization_slug": slug, "organization_name": slug.title()} for slug in slugs
            ],
            "members": [{"organization_slug": slug, "email_address": email_address} for slug in slugs],
        }
    )


class Gunicorn:
    """``gunicorn benchmarks.wsgi:application`` with gthread workers, on a free loopback port."""

    def __init__(self, *, env: Mapping[str, str], log_dir: Path, workers: int = 2, threads: int = 4) -> None:
        self.env = env
        self.log = log_dir / f"gunicorn-{uuid.uuid4().hex[:8]}.log"
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def __enter__(self) -> Gunicorn:
        port = free_port()
        command = [PYTHON, "-m", "gunicorn", "benchmarks.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(self.workers)]
        command += ["--threads", str(self.threads), "--worker-class", "gthread"]
        # Keep-alive longer than any client's idle gap: a connection gunicorn closes just as a
        # client reuses it loses that request (browsers retry it; requests does not resend POSTs).
        command += ["--timeout", "30", "--graceful-timeout", "10", "--keep-alive", "75"]
        command += ["--error-logfile", "-", "--log-level", "info"]
        # gunicorn's log and the app's (Django logs to stderr) in one file, for the checks.
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=python_env(self.env), stdout=log, stderr=subprocess.STDOUT
            )
        self.base_url = f"http://127.0.0.1:{port}"
        wait_until_answering(self.url("csrf"), self.process, self.log)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            stop_process(self.process)

    def url(self, path: str) -> str:
        return self.base_url + API_PREFIX + path

    def worker_pids(self) -> set[int]:
        """The master's live children, read from /proc (Linux)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# -- the Django side ----------------------------------------------------------------------


def django_env(
    *,
    database_url: str,
    fake: FakeProcess,
    redis_url: str | None,
    options: Mapping[str, Any],
) -> dict[str, str]:
    """The environment ``benchmarks.settings`` reads, for gunicorn and helper processes."""
    env = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "STYTCH_BASE_URL": fake.base_url,
        "STYTCH_PROJECT_ID": PROJECT_ID,
        "STYTCH_SECRET": SECRET,
        "STYTCH_DISCOVERY_OPTIONS": json.dumps(dict(options)),
        # A fresh prefix per run: one run's throttle counters never leak into the next.
        "CACHE_KEY_PREFIX": f"stytch-bench-{uuid.uuid4().hex}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def run_module(env: Mapping[str, str], module: str, *args: str) -> str:
    """``python -m module args`` under ``env`` from the repository root; returns its standard output."""
    done = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env=python_env(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"python -m {module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def manage(env: Mapping[str, str], *args: str) -> str:
    """``django-admin`` under ``env``; returns its standard output."""
    return run_module(env, "django", *args)


def signed_in_sessions(env: Mapping[str, str], emails: Sequence[str]) -> dict[str, str]:
    """A Django user and a signed-in session per email, via ``benchmarks.accounts``."""
    sessions: dict[str, str] = json.loads(run_module(env, "benchmarks.accounts", *emails))
    return sessions


def bootstrap_csrf(session: requests.Session, server_url: str) -> None:
    """What a SPA does first: fetch the CSRF cookie and echo it in a header on writes."""
    response = session.get(server_url + API_PREFIX + "csrf", timeout=10)
    response.raise_for_status()
    session.headers["X-CSRFToken"] = response.json()["csrf_token"]


# -- databases ----------------------------------------------------------------------------


def postgres_server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def postgres_unavailable(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or None when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (dependency group 'load')"
    try:
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        return f"PostgreSQL at {urlsplit(url).hostname}:{urlsplit(url).port} does not answer: {error}"
    return None


def redis_unavailable(url: str) -> str | None:
    try:
        import redis
    except ImportError:
        return "redis is not installed (dependency group 'load')"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis at {url} does not answer: {error}"
    return None


@contextmanager
def fresh_postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on ``server_url`` for one run; dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A ``DATABASE_URL`` for one run: a SQLite file in ``workdir``, or a fresh PostgreSQL database."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        with fresh_postgres_database(postgres_server_url(), "stytch_bench") as url:
            yield url


def view_arguments(
    argv: Sequence[str], *, module: str, doc: str, orgs: int, calls: int
) -> argparse.Namespace:
    """``--orgs``, ``--database`` and ``--calls``: what the single-view tools (``profile_view``,
    ``stage_timing``) take."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=doc.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=orgs)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--calls", type=int, default=calls)
    return parser.parse_args(argv)
