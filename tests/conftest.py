from __future__ import annotations

# fake_stytch comes from the package's pytest11 entry point; listing it here would register it twice.
pytest_plugins = ["tests.mock_stytch"]
