"""A fake Stytch B2B server for tests, demos and load tests (no Django needed).

Start it in Python (``with FakeStytch() as fake``), from the shell
(``python -m stytch_discovery.testing --port 8765``) or through the ``fake_stytch`` pytest
fixture.
"""

from __future__ import annotations

from .errors import ApiError
from .fake import DEFAULT_PROJECT_ID, DEFAULT_PUBLIC_TOKEN, DEFAULT_SECRET, FakeStytch

__all__ = ["DEFAULT_PROJECT_ID", "DEFAULT_PUBLIC_TOKEN", "DEFAULT_SECRET", "ApiError", "FakeStytch"]
