"""Without the ``openapi`` extra the API works the same, minus the ``schema`` URL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import os, sys

    sys.modules["drf_spectacular"] = None  # "import drf_spectacular" now fails, as when absent
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import NoReverseMatch, reverse
    from stytch_discovery.internal.http import openapi

    setup_test_environment()
    assert openapi.AVAILABLE is False
    assert sys.modules["drf_spectacular"] is None
    try:
        reverse("stytch_discovery:schema")
    except NoReverseMatch:
        pass
    else:
        raise AssertionError("schema URL present without the extra")
    client = Client()
    assert client.get("/api/stytch/csrf").status_code == 200
    bad = client.post("/api/stytch/discovery/organizations/create", {"organization_slug": "a"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error", bad.content
    link = client.get("/api/stytch/discovery/magic-links/authenticate")
    assert link.status_code == 302, link.status_code
    print("ok")
    """
)


def test_the_api_runs_without_drf_spectacular() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
