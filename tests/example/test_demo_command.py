"""``manage.py demo``: the in-process fake on a chosen port, and a restart forgets the last run."""

from __future__ import annotations

import json
import socket
import sqlite3
import urllib.request
from contextlib import AbstractContextManager
from pathlib import Path

from tests.e2e.helpers import DemoServer, running_demo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def demo(database: Path, *arguments: str) -> AbstractContextManager[DemoServer]:
    return running_demo(database=database, log=database.with_suffix(".log"), arguments=arguments)


def test_the_fake_listens_where_asked(tmp_path: Path) -> None:
    port = free_port()

    with demo(tmp_path / "demo.sqlite3", "--fake-port", str(port)) as server:
        assert server.fake_url == f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{server.fake_url}/_fake/stats", timeout=5) as answer:
            assert "requests" in json.load(answer)


def test_a_restart_forgets_what_the_last_runs_fake_knew(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    with demo(database):
        pass  # migrated
    with sqlite3.connect(database) as connection:
        row = (
            "INSERT INTO stytch_discovery_cachedorganization (email_address, organization_id, "
            "organization_name, organization_slug, organization_logo_url, membership_type, "
            "member_authenticated, organization, first_seen_at, refreshed_at) VALUES "
            "(?, ?, ?, ?, '', 'active_member', 1, '{}', '2026-01-01', '2026-01-01')"
        )
        connection.execute(row, ("ada@acme.example", "organization-test-demo-acme", "Acme", "acme"))
        connection.execute(row, ("ada@acme.example", "organization-test-gone", "Ada's Lab", "adas-lab"))
        connection.execute(
            "INSERT INTO stytch_discovery_stytchmember (member_id, organization_id, organization_slug, "
            "organization_name, email_address, name, created_at, updated_at) VALUES "
            "('member-test-gone', 'organization-test-demo-acme', 'acme', 'Acme', 'ada@acme.example', '', "
            "'2026-01-01', '2026-01-01')"
        )

    with demo(database), sqlite3.connect(database) as connection:
        cached = connection.execute(
            "SELECT organization_id FROM stytch_discovery_cachedorganization"
        ).fetchall()
        linked = connection.execute("SELECT COUNT(*) FROM stytch_discovery_stytchmember").fetchone()

    assert cached == [("organization-test-demo-acme",)]  # the seeded organization is the same one
    assert linked == (0,)
