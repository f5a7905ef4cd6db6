"""The README is the user's manual: what it documents exists, and what exists is documented.

Every name of its "What is public" table imports, every setting, error code (with its status)
and URL name is in it (every system-check id in docs/settings.md, which it links to), and it
documents no setting, check or code that does not exist.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.urls import reverse

import stytch_discovery.urls
from stytch_discovery import checks
from stytch_discovery.defaults import DEFAULT_THROTTLE_RATES, DEFAULTS
from stytch_discovery.internal.http.errors import CODES

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
#: The settings reference the README links to: throttle scopes and system checks.
SETTINGS_REFERENCE = (ROOT / "docs" / "settings.md").read_text()
IDENTIFIER = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


def section(title: str) -> str:
    """The README's text under ``## title`` (up to the next section of that level)."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the tables in ``text`` (header rows left out)."""
    lines = text.splitlines()
    rows = []
    for index, line in enumerate(lines):
        is_header = index + 1 < len(lines) and lines[index + 1].startswith("|---")
        if line.startswith("| ") and not is_header:
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def documented_functions() -> list[str]:
    return [re.match(r"`(\w+)\(", row[0]).group(1) for row in table_rows(section("The Python API"))]  # type: ignore[union-attr]


def documented_exceptions() -> list[str]:
    return sorted(set(re.findall(r"`(StytchDiscovery\w+)`", section("The Python API"))))


def public_names() -> list[tuple[str, str]]:
    names = []
    for module_cell, names_cell in (row[:2] for row in table_rows(section("What is public"))):
        module = module_cell.strip("`")
        found = [name for name in IDENTIFIER.findall(names_cell) if not name.startswith("fake_")]
        if module == "stytch_discovery.urls":
            found = ["app_name", "urlpatterns"]  # the URL names are checked by reversing them
        if "the functions above" in names_cell:
            found += documented_functions()
        if "the exceptions above" in names_cell:
            found += documented_exceptions()
        names += [(module, name) for name in found]
    return names


def test_the_public_table_is_not_empty() -> None:
    modules = {module for module, _ in public_names()}
    assert {"stytch_discovery.services", "stytch_discovery.types", "stytch_discovery.testing"} <= modules
    assert len(public_names()) > 40


@pytest.mark.parametrize(("module", "name"), public_names(), ids=lambda value: str(value))
def test_every_documented_public_name_imports(module: str, name: str) -> None:
    assert hasattr(importlib.import_module(module), name), f"{module}.{name}"


def test_the_fake_stytch_fixture_is_the_documented_one() -> None:
    plugin = importlib.import_module("stytch_discovery.testing.pytest_plugin")
    assert callable(plugin.fake_stytch)


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    documented = set()
    for row in table_rows(section("Settings")):
        documented.update(IDENTIFIER.findall(row[0]))
    assert documented == set(DEFAULTS)


def test_every_system_check_id_is_documented() -> None:
    source = "".join(module.read_text() for module in Path(checks.__file__).parent.glob("*.py"))
    ids = set(re.findall(r"stytch_discovery\.([EW]\d{3})", source))
    documented = set(re.findall(r"\b([EW]\d{3})\b", SETTINGS_REFERENCE))
    assert ids == documented


def test_the_error_table_is_the_code_table() -> None:
    rows = table_rows(section("Errors"))
    documented = {row[1].strip("`"): int(row[0]) for row in rows}
    assert documented == {code: status for code, (status, _) in CODES.items()}


@pytest.mark.parametrize("name", [row[1].strip("`") for row in table_rows(section("Endpoints"))])
def test_every_documented_url_name_resolves(name: str) -> None:
    assert reverse(f"stytch_discovery:{name}").startswith("/api/stytch/")


def test_every_url_name_served_is_documented() -> None:
    # The other direction: a row lost from the table (a bad merge once moved four out) fails here.
    served = {pattern.name for pattern in stytch_discovery.urls.urlpatterns if pattern.name}
    documented = {row[1].strip("`") for row in table_rows(section("Endpoints"))}
    assert served == documented


def test_the_throttle_table_is_the_default_rates() -> None:
    documented = dict(re.findall(r"^\| `(stytch_discovery\.\w+)` \| `([^`]+)` \|", SETTINGS_REFERENCE, re.M))
    assert documented == DEFAULT_THROTTLE_RATES
