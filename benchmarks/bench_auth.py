"""What verifying a member session costs, next to a bare ``jwt.decode`` and the official SDK.

Run: ``python -m benchmarks.bench_auth`` (``--help`` for options). In one run, side by side, per
call (median of interleaved rounds, in microseconds):

* **bare decode**: ``jwt.decode`` of a session JWT with its key already loaded (the floor);
* **package decoder**: the same decode with the PyJWT decoder the package verifies with
  (``sessions.jwt_decoder``: PyJWT's, its base64url alphabet scan done by one compiled pattern),
  so that what first seen adds on top of its own decode shows too;
* **SDK local**: the official SDK's ``sessions.authenticate_jwt_local`` (JWKS already fetched);
* **verify only**: ``verify_session_jwt`` on a JWT this process never saw: the decode, the
  ``MemberSession`` built from its claims, and its place in the table of verified JWTs;
* **first seen**: ``StytchSessionAuthentication.authenticate`` on a JWT this process never saw
  (the above, plus reading the request's credential and the DRF plumbing);
* **already verified**: the same on a JWT it verified before (the bounded table of verified JWTs);
* **view** and **view without auth**: a DRF view behind ``StytchSessionAuthentication`` and
  ``IsStytchMember``, and the same view with neither, through the whole Django handler.

Targets (exit status 1 on a miss): first seen <= 1.1 x bare decode; already verified <= 50 us;
view - view without auth <= 0.3 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_FIRST_SEEN_RATIO = 1.1
TARGET_VERIFIED_US = 50.0
TARGET_VIEW_OVERHEAD_MS = 0.3
EMAIL = "ada@acme.example"


def configure(fake: Any) -> None:
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench-auth-only",
        ALLOWED_HOSTS=["testserver"],
        USE_TZ=True,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "rest_framework",
            "stytch_discovery",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        STYTCH_DISCOVERY={"PROJECT_ID": fake.project_id, "SECRET": fake.secret, "BASE_URL": fake.base_url},
        LOGGING_CONFIG=None,
    )
    django.setup()


urlpatterns: list[Any] = []


def minted_jwts(fake: Any, count: int) -> list[str]:
    """``count`` distinct, valid session JWTs of one member, signed by the fake."""
    import requests

    ist = fake.mint_intermediate_session(EMAIL)
    answer = requests.post(
        f"{fake.base_url}/v1/b2b/discovery/intermediate_sessions/exchange",
        json={"intermediate_session_token": ist, "organization_id": "acme"},
        auth=(fake.project_id, fake.secret),
        timeout=10,
    ).json()
    keys = fake.app.project.keys
    import jwt

    claims = jwt.decode(answer["session_jwt"], options={"verify_signature": False})
    return [keys.sign({**claims, "bench_nonce": n}) for n in range(count)]


def timed(calls: dict[str, Callable[[int], object]], rounds: int, per_round: int) -> dict[str, float]:
    """Median microseconds per call of each series, rounds interleaved (order alternating).

    The garbage collector is off while timing, as in ``timeit``: the thousands of prepared
    requests make each collection long, and it would land on whichever series was running.
    """
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    gc.collect()
    gc.disable()
    try:
        for index in range(rounds):
            for name in names if index % 2 == 0 else reversed(names):
                started = time.perf_counter_ns()
                for step in range(per_round):
                    calls[name](index * per_round + step)
                samples[name].append((time.perf_counter_ns() - started) / per_round / 1000)
    finally:
        gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


def measure(args: argparse.Namespace) -> dict[str, float]:
    from stytch_discovery.testing import FakeStytch

    with FakeStytch() as fake:
        configure(fake)  # before anything imports DRF's settings
        return measure_with(fake, args)


def measure_with(fake: Any, args: argparse.Namespace) -> dict[str, float]:
    import jwt
    from rest_framework.permissions import AllowAny
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView
    from stytch.b2b.client import Client as B2BClient

    from stytch_discovery.authentication import StytchSessionAuthentication
    from stytch_discovery.permissions import IsStytchMember
    from stytch_discovery.sessions.jwks import scope_of, signing_keys
    from stytch_discovery.sessions.jwt_decoder import decoder
    from stytch_discovery.sessions.verification import REQUIRED_CLAIMS, verify_session_jwt

    members = [{"organization_slug": "acme", "email_address": EMAIL}]
    fake.seed({"organizations": [{"organization_slug": "acme"}], "members": members})
    calls = args.rounds * args.per_round
    fresh = minted_jwts(fake, 2 * calls + 1)
    known = fresh.pop()
    # Two sets of new JWTs: the first-seen series must not find those the verify-only one met.
    unseen = fresh[calls:]
    key = signing_keys.key(jwt.get_unverified_header(known)["kid"], scope=scope_of(None))
    if key is None:
        raise RuntimeError("the fake's JWKS does not hold the key its JWTs name")
    issuers = (f"stytch.com/{fake.project_id}", fake.base_url)
    sdk = B2BClient(project_id=fake.project_id, secret=fake.secret, environment=fake.base_url + "/")
    sdk.sessions.authenticate_jwt_local(known)  # fetches the JWKS once
    package_decoder = decoder(require=REQUIRED_CLAIMS)
    factory = APIRequestFactory()
    authentication = StytchSessionAuthentication()

    def requests_of(tokens: list[str]) -> list[Any]:
        # Built before timing: a request is verified once, so each call needs its own.
        return [Request(factory.get("/", HTTP_AUTHORIZATION=f"Bearer {token}")) for token in tokens]

    class Protected(APIView):
        authentication_classes = [StytchSessionAuthentication]
        permission_classes = [IsStytchMember]

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    class Open(APIView):
        authentication_classes: list[Any] = []
        permission_classes = [AllowAny]

        def get(self, request: Any) -> Response:
            return Response({"ok": True})

    protected, unprotected = Protected.as_view(), Open.as_view()
    first_seen, already_verified = requests_of(fresh), requests_of([known] * len(fresh))
    authentication.authenticate(requests_of([known])[0])  # verified once: the table holds it
    return timed(
        {
            "bare decode": lambda n: jwt.decode(
                fresh[n], key, algorithms=["RS256"], audience=fake.project_id, issuer=issuers, leeway=5
            ),
            "package decoder": lambda n: package_decoder.decode(
                fresh[n], key, algorithms=["RS256"], audience=fake.project_id, issuer=issuers, leeway=5
            ),
            "SDK local": lambda n: sdk.sessions.authenticate_jwt_local(fresh[n]),
            "verify only": lambda n: verify_session_jwt(unseen[n]),
            "first seen": lambda n: authentication.authenticate(first_seen[n]),
            "already verified": lambda n: authentication.authenticate(already_verified[n]),
            # Both build their request inside the timing, so the difference is the authentication.
            "view": lambda n: protected(factory.get("/", HTTP_AUTHORIZATION=f"Bearer {known}")),
            "view without auth": lambda n: unprotected(
                factory.get("/", HTTP_AUTHORIZATION=f"Bearer {known}")
            ),
        },
        rounds=args.rounds,
        per_round=args.per_round,
    )


def render(figures: dict[str, float]) -> tuple[str, list[str]]:
    bare = figures["bare decode"]
    lines = ["| series | median per call (µs) | x bare decode |", "|---|---:|---:|"]
    lines += [f"| {name} | {value:.1f} | {value / bare:.2f} |" for name, value in figures.items()]
    overhead_ms = (figures["view"] - figures["view without auth"]) / 1000
    own = figures["first seen"] - figures["package decoder"]
    lines.append(f"\nfirst seen - package decoder: {own:.1f} µs (what is not the decode)")
    lines.append(f"view - view without auth: {overhead_ms:.3f} ms")
    misses = []
    if figures["first seen"] > TARGET_FIRST_SEEN_RATIO * bare:
        misses.append(f"first seen {figures['first seen'] / bare:.2f} x bare > {TARGET_FIRST_SEEN_RATIO}")
    if figures["already verified"] > TARGET_VERIFIED_US:
        misses.append(f"already verified {figures['already verified']:.1f} µs > {TARGET_VERIFIED_US}")
    if overhead_ms > TARGET_VIEW_OVERHEAD_MS:
        misses.append(f"view overhead {overhead_ms:.3f} ms > {TARGET_VIEW_OVERHEAD_MS}")
    return "\n".join(lines), misses


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_auth", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds per series")
    parser.add_argument("--per-round", type=int, default=50, help="calls per round")
    args = parser.parse_args(argv)
    figures = measure(args)
    table, misses = render(figures)
    print(f"load average {os.getloadavg()[0]:.2f}, {args.rounds} rounds x {args.per_round} calls\n")
    print(table)
    for miss in misses:
        print(f"MISSED: {miss}")
    print("all targets met" if not misses else "")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
