"""``python -m stytch_discovery.testing``: prints its URL, serves, exits 0 on SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from stytch_discovery.testing import DEFAULT_PUBLIC_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def start(*arguments: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the fake must not need Django
    return subprocess.Popen(
        [sys.executable, "-m", "stytch_discovery.testing", "--port", "0", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_cli_serves_until_sigint(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"organizations": [{"organization_slug": "acme"}]}))
    process = start(
        "--project-id",
        "project-test-cli",
        "--secret",
        "s3cret",
        "--seed",
        str(seed),
        "--default-redirect-url",
        "http://localhost:1/cb",
        "--public-token",
        "public-token-test-cli",
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        response = requests.post(
            url + "/v1/b2b/magic_links/email/discovery/send",
            json={"email_address": "ada@acme.example"},
            auth=("project-test-cli", "s3cret"),
            timeout=5,
        )
        assert response.status_code == 200
        (message,) = requests.get(url + "/_fake/outbox", timeout=5).json()["messages"]
        assert message["url"].startswith("http://localhost:1/cb?")
        taken = requests.post(
            url + "/_fake/seed", json={"organizations": [{"organization_slug": "acme"}]}, timeout=5
        )
        assert taken.json()["error_type"] == "organization_slug_already_used"
        start_path = url + "/v1/b2b/public/oauth/google/discovery/start?public_token="
        started = requests.get(start_path + "public-token-test-cli", allow_redirects=False, timeout=5)
        assert started.status_code == 307
        other = requests.get(start_path + DEFAULT_PUBLIC_TOKEN, allow_redirects=False, timeout=5)
        assert other.json()["error_type"] == "invalid_public_token"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_cli_reports_a_bad_seed_file(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text("{not json")
    process = start("--seed", str(seed))
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 2
    assert "cannot seed" in stderr
