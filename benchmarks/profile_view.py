"""Where the list view's time goes: pyinstrument over in-process WSGI calls.

``python -m benchmarks.profile_view [--orgs 10] [--database sqlite|postgresql] [--calls 1000]``
starts the fake Stytch in its own process, migrates a fresh database, then calls the list
view through Django's WSGI handler (no HTTP server, so only the app's own work is sampled)
and prints pyinstrument's call tree. Requires the ``bench`` dependency group.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ._harness import (
    API_PREFIX,
    DEFAULT_REDIS_URL,
    FakeProcess,
    database,
    django_env,
    manage,
    redis_unavailable,
    seed_memberships,
    view_arguments,
)

EMAIL = "profile@bench.example"
CSRF_TOKEN = "p" * 32  # a well-formed token, sent as cookie and header like a SPA does


def list_view_call(ist: str) -> Callable[[], None]:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    body = json.dumps({"intermediate_session_token": ist}).encode()

    def call() -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": API_PREFIX + "discovery/organizations",
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_COOKIE": f"csrftoken={CSRF_TOKEN}",
            "HTTP_X_CSRFTOKEN": CSRF_TOKEN,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses: list[str] = []
        b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"the list view answered {statuses[0]}")

    return call


def main(argv: Sequence[str]) -> int:
    args = view_arguments(argv, module="benchmarks.profile_view", doc=__doc__ or "", orgs=10, calls=1000)
    from pyinstrument import Profiler

    redis_url = DEFAULT_REDIS_URL if redis_unavailable(DEFAULT_REDIS_URL) is None else None
    with (
        tempfile.TemporaryDirectory(prefix="stytch-profile-") as tmp,
        FakeProcess(log_dir=Path(tmp)) as fake,
        database(args.database, Path(tmp)) as url,
    ):
        seed_memberships(fake, email_address=EMAIL, slugs=[f"profile-{i}" for i in range(args.orgs)])
        options = {"THROTTLE_RATES": {"stytch_discovery.list": "1000000/min"}}
        env = django_env(database_url=url, fake=fake, redis_url=redis_url, options=options)
        manage(env, "migrate", "--noinput")
        os.environ.update(env)
        import django

        django.setup()
        call = list_view_call(fake.mint(EMAIL))
        for _ in range(max(20, args.calls // 10)):
            call()
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.calls):
                call()
        print(profiler.output_text(unicode=True, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
