"""How much does ``services.list_discovered_organizations`` add over a bare ``requests`` call?

Run: ``/work/venv/bin/python benchmarks/bench_service.py`` (``--help`` for options); it exits
non-zero when the service/floor ratio misses the target at any size.

The fake Stytch runs in its own process (``_harness.FakeProcess``), so the server does not
compete with the measured client for this interpreter's GIL. ``--in-process`` serves it from
a thread of this process instead, only to show how much that skews the figures (the server's
work then lands between the client's steps, inflating whichever call does more of them).
For each identity size (1, 10, 100 organizations) it times, in interleaved rounds whose order
alternates, so drift and cache effects hit both alike:

* the floor: a keep-alive ``requests.Session().post`` of the same list call with Basic auth,
  then ``.json()``;
* the service: ``services.list_discovered_organizations`` (settings read, pooled session,
  timeout, retry loop, error mapping, typed result) with ``CACHE_ENABLED`` off: this measures
  the transport and parsing; ``bench_http`` measures the cache write.

It prints a markdown table of medians, p99s and the service/floor ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from benchmarks._harness import LIST_PATH, PROJECT_ID, SECRET, FakeProcess, Summary, seed_memberships

SIZES = (1, 10, 100)


class InProcessFake(FakeProcess):
    """The same fake and control API, served from a thread of this process (``--in-process``)."""

    def __enter__(self) -> InProcessFake:
        from stytch_discovery.testing import FakeStytch

        self.server = FakeStytch(project_id=PROJECT_ID, secret=SECRET).start()
        self.base_url = self.server.base_url
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.control.close()
        self.server.stop()


@dataclass(frozen=True)
class Row:
    size: int
    floor: Summary
    service: Summary

    @property
    def ratio(self) -> float:
        return self.service.median / self.floor.median

    def cells(self) -> list[str]:
        return [
            str(self.size),
            f"{self.floor.median:.3f}",
            f"{self.floor.p99:.3f}",
            f"{self.service.median:.3f}",
            f"{self.service.p99:.3f}",
            f"{self.ratio:.3f}",
        ]


def configure_django(fake: FakeProcess) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "stytch_discovery"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
        STYTCH_DISCOVERY={
            "PROJECT_ID": PROJECT_ID,
            "SECRET": SECRET,
            "BASE_URL": fake.base_url,
            "CACHE_ENABLED": False,
        },
    )
    django.setup()


def timed_ms(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def measure(fake: FakeProcess, size: int, *, samples: int, warmup: int) -> Row:
    from stytch_discovery import services

    email = f"bench-{size}@acme.example"
    seed_memberships(fake, email_address=email, slugs=[f"bench-{size}-{index}" for index in range(size)])
    ist = fake.mint(email)
    url = fake.base_url + LIST_PATH
    with requests.Session() as raw:
        raw.auth = (PROJECT_ID, SECRET)

        def floor() -> None:
            raw.post(url, json={"intermediate_session_token": ist}, timeout=10).json()

        def service() -> None:
            services.list_discovered_organizations(intermediate_session_token=ist)

        found = services.list_discovered_organizations(intermediate_session_token=ist)
        if len(found.discovered_organizations) != size:
            raise RuntimeError(f"expected {size} organizations, got {len(found.discovered_organizations)}")
        for _ in range(warmup):
            floor()
            service()
        floors: list[float] = []
        services_: list[float] = []
        for round_ in range(samples):
            first, second = (floor, service) if round_ % 2 else (service, floor)
            for call in (first, second):
                (floors if call is floor else services_).append(timed_ms(call))
    return Row(size, Summary.of(floors), Summary.of(services_))


def machine() -> str:
    """Load matters: with more runnable processes than cores, medians measure the scheduler."""
    return f"{os.cpu_count()} cores, 1-minute load average {os.getloadavg()[0]:.1f}"


def table(rows: Sequence[Row], where: str, samples: int, load: str) -> str:
    header = [
        "organizations",
        "floor median (ms)",
        "floor p99 (ms)",
        "service median (ms)",
        "service p99 (ms)",
        "service / floor",
    ]
    lines = [
        f"Fake Stytch {where}; {samples} interleaved samples per size, after a warm-up;",
        f"before: {load}; after: {machine()}.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="service vs raw requests latency of the list call")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--in-process", action="store_true", help="serve the fake from a thread here")
    parser.add_argument("--target", type=float, default=1.10, help="largest acceptable ratio")
    args = parser.parse_args(argv)

    load = machine()
    fake_class = InProcessFake if args.in_process else FakeProcess
    with tempfile.TemporaryDirectory(prefix="stytch-bench-") as tmp, fake_class(log_dir=Path(tmp)) as fake:
        configure_django(fake)
        rows = [measure(fake, size, samples=args.samples, warmup=args.warmup) for size in SIZES]
    where = "in a thread of this process" if args.in_process else "in a separate process"
    print(table(rows, where, args.samples, load))
    worst = max(row.ratio for row in rows)
    print(f"\nworst ratio {worst:.3f} (target <= {args.target:.2f})")
    return 0 if worst <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
