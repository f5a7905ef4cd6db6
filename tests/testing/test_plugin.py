"""The ``fake_stytch`` fixture: one server per session, reset per test, Django settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stytch_discovery.testing import FakeStytch

ROOT = Path(__file__).resolve().parents[2]
PORTS: list[int] = []


@pytest.mark.parametrize("run", [1, 2])
def test_one_server_per_session_reset_before_each_test(fake_stytch: FakeStytch, run: int) -> None:
    PORTS.append(fake_stytch.port)
    assert len(set(PORTS)) == 1
    assert fake_stytch.app.state.organizations == {}  # the previous run's org is gone
    assert fake_stytch.stats()["requests"] == {}
    fake_stytch.seed({"organizations": [{"organization_slug": "acme"}]})


def test_settings_point_at_the_fake(fake_stytch: FakeStytch, settings: Any) -> None:
    config = settings.STYTCH_DISCOVERY
    assert config["PROJECT_ID"] == fake_stytch.project_id
    assert config["SECRET"] == fake_stytch.secret
    assert config["BASE_URL"] == fake_stytch.base_url


def test_a_named_public_token_points_at_the_fakes(settings: Any, request: pytest.FixtureRequest) -> None:
    settings.STYTCH_DISCOVERY = {"PUBLIC_TOKEN": "public-token-live-real"}
    fake: FakeStytch = request.getfixturevalue("fake_stytch")
    assert settings.STYTCH_DISCOVERY["PUBLIC_TOKEN"] == fake.public_token


def test_no_public_token_is_added_to_settings_without_one(
    settings: Any, request: pytest.FixtureRequest
) -> None:
    settings.STYTCH_DISCOVERY = {"TIMEOUT": 3}
    request.getfixturevalue("fake_stytch")
    assert "PUBLIC_TOKEN" not in settings.STYTCH_DISCOVERY


def test_other_settings_keys_are_kept(settings: Any, request: pytest.FixtureRequest) -> None:
    settings.STYTCH_DISCOVERY = {"TIMEOUT": 3, "SECRET": "replaced"}
    fake: FakeStytch = request.getfixturevalue("fake_stytch")
    assert settings.STYTCH_DISCOVERY["TIMEOUT"] == 3
    assert settings.STYTCH_DISCOVERY["SECRET"] == fake.secret


def test_plugin_works_without_django(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["stytch_discovery.testing.pytest_plugin"]\n')
    (tmp_path / "test_plain.py").write_text(
        "import sys\n"
        "def test_plain(fake_stytch):\n"
        "    assert fake_stytch.base_url.startswith('http://127.0.0.1:')\n"
        "    assert 'django' not in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:django",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:stytch_discovery",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
