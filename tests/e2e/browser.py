"""Playwright's ``expect`` for the browser test modules: importing it skips the importing module,
saying why, when Playwright is not installed (``helpers`` and ``conftest`` import it lazily)."""

from __future__ import annotations

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
expect = sync_api.expect

__all__ = ["expect"]
