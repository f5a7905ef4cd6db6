"""The suite tests the copy of the package it means to, and loads the pytest plugin exactly once.

`nox -s package` installs the built wheel, runs the suite from a copy of tests/ and sets
STYTCH_DISCOVERY_TEST_INSTALLED=1: the package must then come from site-packages, not the source tree.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

import pytest

import stytch_discovery
import tests


def expected_package_parent() -> Path:
    if os.environ.get("STYTCH_DISCOVERY_TEST_INSTALLED") == "1":
        return Path(sysconfig.get_path("purelib")).resolve()
    # Everywhere else the tests run against the source tree (an editable install or the checkout).
    return Path(tests.__file__).resolve().parent.parent


def test_the_package_under_test_is_the_intended_copy() -> None:
    assert Path(stytch_discovery.__file__).resolve().parent.parent == expected_package_parent()


def test_the_pytest_plugin_comes_from_the_entry_point(pytestconfig: pytest.Config) -> None:
    # Registered under the pytest11 entry point's name, so an installed package gives users the
    # fixtures without any conftest line (which would register it a second time).
    plugin = pytestconfig.pluginmanager.get_plugin("stytch_discovery")
    assert plugin is sys.modules["stytch_discovery.testing.pytest_plugin"]
