from __future__ import annotations

pytest_plugins = ["stytch_discovery.testing.pytest_plugin"]
