"""``manage.py demo``: migrate, start the fake Stytch (offline), seed it, create the admin, serve.

With ``STYTCH_PROJECT_ID`` and ``STYTCH_SECRET`` in the environment it talks to Stytch and
starts no fake. The URL line is printed only once the server listens, so scripts can wait for it.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from example_project.demo import fake, seed, server
from stytch_discovery.testing import FakeStytch


def url_for(host: str, port: int) -> str:
    """The address to open: wildcard hosts become the loopback address, IPv6 gets brackets."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcards, not binding to them
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def banner(*, url: str, running_fake: FakeStytch | None, username: str, password: str) -> str:
    if running_fake is not None:
        stytch = f"the fake Stytch, in-process at {running_fake.base_url} (no network needed)"
        sign_in = f"{seed.DEMO_EMAIL} (its magic link shows up in the page's dev inbox)"
    else:
        stytch = f"Stytch project {os.environ['STYTCH_PROJECT_ID']}"
        sign_in = "an email address of your Stytch project (the magic link arrives by email)"
    return (
        f"Talking to {stytch}.\n"
        f"Sign in with: {sign_in}\n"
        f"Admin: {url}admin/  username {username}  password {password}\n"
        f"Demo ready: {url}\n"
        "Press Ctrl-C to stop."
    )


class Command(BaseCommand):
    help = "Run the example project: migrate, start and seed the fake Stytch when offline, serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on; 0 picks a free one.")
        parser.add_argument(
            "--fake-port",
            type=int,
            default=0,
            help="Port of the in-process fake Stytch (default 0: a free one), e.g. to call its /_fake/ API.",
        )

    def handle(self, *args: Any, host: str, port: int, fake_port: int, **options: Any) -> None:
        # Bind first: a busy port must fail before anything changes (the admin password, say).
        try:
            httpd = server.bind(host, port)
        except OSError as error:
            raise CommandError(f"Cannot listen on {host}:{port} ({error.strerror}); try --port 0.") from error
        try:
            call_command("migrate", interactive=False, verbosity=0)
            # A fresh password each start, printed below; DEMO_ADMIN_PASSWORD fixes one.
            password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(9)
            username = seed.ensure_admin(password)
            running_fake = (
                fake.start(port=fake_port) if getattr(settings, "DEMO_USES_FAKE_STYTCH", False) else None
            )
            if running_fake is not None:
                seed.seed_fake(running_fake)
                seed.forget_previous_run()
            url = url_for(host, httpd.server_address[1])
            text = banner(url=url, running_fake=running_fake, username=username, password=password)
            self.stdout.write(text)
            self.stdout.flush()
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()
            fake.stop()
