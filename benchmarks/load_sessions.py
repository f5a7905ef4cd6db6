"""Signed-in requests under load: 4 gunicorn processes, Redis, PostgreSQL, the fake Stytch.

``python -m benchmarks.load_sessions`` signs people in through the app (the discovery exchange
endpoint), then sends requests to a project view behind ``StytchSessionAuthentication`` and
``IsStytchMember`` (``benchmarks.urls.MemberView``, which reads ``request.user`` too), in two
phases, and counts from the fake's stats and request log what reached Stytch:

1. **fresh**: every session JWT is valid. Target: 0 ``sessions/authenticate`` calls, and at
   most one JWKS fetch in all (the key set is shared through Redis by the 4 processes).
2. **expired**: the fake's clock was set back at sign-in, so every JWT expires between the
   phases (the run waits for it). Each session then needs Stytch once: at most one
   ``sessions/authenticate`` per session in the phase, none in its second half (the steady
   state). Browser clients get the refreshed JWT in their cookies; bearer clients keep their
   expired JWT, and Stytch's answer for it is shared through Redis instead.

Exit status 1 when a target is missed or any answer is not a 200 of the right member.
``run_load_sessions`` is what ``tests/test_load_sessions.py`` calls.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from ._harness import (
    API_PREFIX,
    DEFAULT_REDIS_URL,
    MEMBER_PATH,
    PROJECT_ID,
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
)

AUTHENTICATE_PATH = "/v1/b2b/sessions/authenticate"
JWKS_PATH = f"/v1/b2b/sessions/jwks/{PROJECT_ID}"
ORGANIZATION_SLUG = "load-sessions"
#: How long each JWT has left at sign-in: more than phase 1 takes, so it expires only after it.
JWT_SECONDS_LEFT = 15.0
JWT_LIFETIME_SECONDS = 300.0  # Stytch's (and the fake's) session JWT lifetime
LEEWAY_SECONDS = 5.0  # SESSION_JWT_LEEWAY's default: a JWT is stale this long after its exp


@dataclass(frozen=True)
class SessionsConfig:
    requests: int = 2000  # over both phases
    sessions: int = 16  # one client (thread) each
    bearer_share: float = 0.25  # clients that send Authorization: Bearer instead of cookies
    workers: int = 4
    threads: int = 2
    redis_url: str = DEFAULT_REDIS_URL


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    #: Calls the fake saw, per path, in the phase's first and second halves.
    calls: tuple[Counter[str], Counter[str]] = field(default_factory=lambda: (Counter(), Counter()))

    def stytch_calls(self, half: int, path: str) -> int:
        return self.calls[half][path]


@dataclass
class SessionsReport:
    config: SessionsConfig
    phases: list[Phase] = field(default_factory=list)
    jwks_fetches: int = 0
    authenticate_per_session: Counter[str] = field(default_factory=Counter)
    waited_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"{self.config.requests} requests, {self.config.sessions} sessions "
            f"({round(self.config.sessions * self.config.bearer_share)} bearer), "
            f"{self.config.workers} gunicorn processes x {self.config.threads} threads",
            "| phase | requests | median ms | p99 ms | authenticate calls (1st half / 2nd half) |",
            "|---|---:|---:|---:|---:|",
        ]
        for phase in self.phases:
            summary = Summary.of(phase.latencies_ms)
            first, second = (phase.stytch_calls(half, AUTHENTICATE_PATH) for half in (0, 1))
            figures = f"{summary.count} | {summary.median:.1f} | {summary.p99:.1f} | {first} / {second}"
            lines.append(f"| {phase.name} | {figures} |")
        most = max(self.authenticate_per_session.values(), default=0)
        lines.append(
            f"JWKS fetches in all: {self.jwks_fetches}; most authenticate calls for one session: {most}"
        )
        lines.append(f"waited {self.waited_s:.1f} s between the phases for the JWTs to expire")
        lines += [f"PROBLEM: {problem}" for problem in self.problems]
        return "\n".join(lines)


class Member:
    """One signed-in person: a browser (cookies, CSRF) or a bearer client (the JWT in a header)."""

    def __init__(self, *, server: Gunicorn, fake: FakeProcess, email_address: str, bearer: bool) -> None:
        self.url = server.base_url + "/" + MEMBER_PATH
        self.http = requests.Session()
        bootstrap_csrf(self.http, server.base_url)
        answer = self.http.post(
            server.base_url + API_PREFIX + "discovery/intermediate-sessions/exchange",
            json={
                "intermediate_session_token": fake.mint(email_address),
                "organization_id": ORGANIZATION_SLUG,
            },
            timeout=30,
        )
        if answer.status_code != 200:
            raise RuntimeError(f"sign-in of {email_address}: {answer.status_code} {answer.text[:300]}")
        self.member_id: str = answer.json()["member"]["member_id"]
        jwt = self.http.cookies["stytch_session_jwt"]
        self.session_token: str = self.http.cookies["stytch_session"]
        self.session_id: str = claims_of(jwt)["https://stytch.com/session"]["id"]
        self.expires_at = float(claims_of(jwt)["exp"])
        if bearer:
            self.http.cookies.clear()
            self.http.headers["Authorization"] = f"Bearer {jwt}"

    def send(self) -> tuple[str, float]:
        started = time.perf_counter()
        try:
            response = self.http.get(self.url, timeout=30)
        except requests.RequestException as error:
            return type(error).__name__, elapsed_ms(started)
        latency = elapsed_ms(started)
        if response.status_code != 200:
            return f"{response.status_code} {response.text[:80]}", latency
        body = response.json()
        right = body.get("member_id") == self.member_id and isinstance(body.get("user_id"), int)
        return ("200" if right else f"200 of someone else: {body}"), latency


def claims_of(jwt: str) -> Json:
    """A JWT's claims, unverified (the test only reads which session it names)."""
    segment = jwt.split(".")[1]
    claims: Json = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return claims


def drive(members: Sequence[Member], count: int, phase: Phase) -> None:
    """``count`` requests, each member sending its next one as soon as its last is answered."""
    left: Iterator[int] = iter(range(count))
    lock = threading.Lock()

    def work(member: Member) -> None:
        while True:
            with lock:
                if next(left, None) is None:
                    return
            answer, latency = member.send()
            with lock:
                phase.answers[answer] += 1
                phase.latencies_ms.append(latency)

    with ThreadPoolExecutor(max_workers=len(members)) as pool:
        for finished in [pool.submit(work, member) for member in members]:
            finished.result()


def run_phase(name: str, members: Sequence[Member], count: int, fake: FakeProcess) -> Phase:
    """One phase in two halves, with what the fake saw in each."""
    phase = Phase(name)
    for half in (0, 1):
        before: Counter[str] = Counter(fake.stats()["requests"])
        drive(members, count // 2 if half == 0 else count - count // 2, phase)
        after: Counter[str] = Counter(fake.stats()["requests"])
        phase.calls[half].update(after - before)
    return phase


def count_per_session(fake: FakeProcess, members: Sequence[Member]) -> Counter[str]:
    """``sessions/authenticate`` calls per member session, from the fake's request log."""
    by_token = {member.session_token: member.session_id for member in members}
    counts: Counter[str] = Counter()
    for entry in fake.call("GET", "/_fake/requests"):
        if entry["path"] != AUTHENTICATE_PATH:
            continue
        body = entry.get("json") or {}
        if "session_token" in body:
            counts[by_token.get(body["session_token"], "unknown token")] += 1
        else:
            counts[claims_of(body["session_jwt"])["https://stytch.com/session"]["id"]] += 1
    return counts


def check(report: SessionsReport) -> None:
    fresh, expired = report.phases
    for phase in report.phases:
        wrong = {answer: n for answer, n in phase.answers.items() if answer != "200"}
        if wrong:
            report.problems.append(f"{phase.name}: answers other than the member's 200: {wrong}")
    if report.jwks_fetches > 1:
        report.problems.append(f"{report.jwks_fetches} JWKS fetches for one key (target: at most 1)")
    if any(fresh.stytch_calls(half, AUTHENTICATE_PATH) for half in (0, 1)):
        report.problems.append("sessions/authenticate was called while every JWT was valid (target: 0)")
    if expired.stytch_calls(1, AUTHENTICATE_PATH):
        report.problems.append("sessions/authenticate was still called in the steady state (target: 0)")
    over = {session: n for session, n in report.authenticate_per_session.items() if n > 1}
    if over:
        report.problems.append(f"sessions asked about more than once per JWT lifetime: {over}")
    if sum(report.authenticate_per_session.values()) == 0:
        report.problems.append("no JWT expired: the run did not test refreshing")


def unavailable(config: SessionsConfig) -> str | None:
    return postgres_unavailable(postgres_server_url()) or redis_unavailable(config.redis_url)


def run_load_sessions(config: SessionsConfig) -> SessionsReport:
    report = SessionsReport(config)
    emails = [f"member{n}@load-sessions.example" for n in range(config.sessions)]
    options = {
        "COOKIE_SECURE": False,  # plain http on loopback
        "THROTTLE_RATES": {"stytch_discovery.exchange": None, "stytch_discovery.session": None},
    }
    with (
        tempfile.TemporaryDirectory(prefix="stytch-load-sessions-") as tmp,
        FakeProcess(log_dir=Path(tmp)) as fake,
        fresh_postgres_database(postgres_server_url(), "stytch_load_sessions") as database_url,
    ):
        fake.seed(
            {
                "organizations": [{"organization_slug": ORGANIZATION_SLUG}],
                "members": [
                    {"organization_slug": ORGANIZATION_SLUG, "email_address": email} for email in emails
                ],
            }
        )
        env = django_env(database_url=database_url, fake=fake, redis_url=config.redis_url, options=options)
        manage(env, "migrate", "--noinput")
        with Gunicorn(env=env, log_dir=Path(tmp), workers=config.workers, threads=config.threads) as server:
            # Stytch's clock behind ours: each JWT is issued with JWT_SECONDS_LEFT to live.
            fake.call("POST", "/_fake/clock", {"offset_seconds": JWT_SECONDS_LEFT - JWT_LIFETIME_SECONDS})
            bearers = round(config.sessions * config.bearer_share)
            members = [
                Member(server=server, fake=fake, email_address=email, bearer=n < bearers)
                for n, email in enumerate(emails)
            ]
            fake.call("POST", "/_fake/clock", {"offset_seconds": 0})  # refreshed JWTs live 5 minutes
            report.phases.append(run_phase("fresh", members, config.requests // 2, fake))
            stale_at = max(member.expires_at for member in members) + LEEWAY_SECONDS + 1
            if min(member.expires_at for member in members) <= time.time():
                report.problems.append("phase 1 outlived a JWT: raise JWT_SECONDS_LEFT")
            report.waited_s = max(0.0, stale_at - time.time())
            time.sleep(report.waited_s)
            report.phases.append(run_phase("expired", members, config.requests - config.requests // 2, fake))
            report.jwks_fetches = int(fake.stats()["requests"].get(JWKS_PATH, 0))
            report.authenticate_per_session = count_per_session(fake, members)
    check(report)
    return report


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load_sessions", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--requests", type=int, default=SessionsConfig.requests)
    parser.add_argument("--sessions", type=int, default=SessionsConfig.sessions)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    args = parser.parse_args(argv)
    config = SessionsConfig(requests=args.requests, sessions=args.sessions, redis_url=args.redis_url)
    if reason := unavailable(config):
        print(f"cannot run: {reason}")
        return 1
    report = run_load_sessions(config)
    print(report.render())
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
