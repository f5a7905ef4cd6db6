"""Checks that a secret (a code, a token, a verifier) shows up in no log line, body or table."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps


def rows_of_every_model() -> str:
    """Every row of every installed model, as text (the test database is small)."""
    return "\n".join(str(list(model._default_manager.values())) for model in apps.get_models())


def assert_nowhere(secret: str, caplog: pytest.LogCaptureFixture, *responses: Any) -> None:
    """``secret`` is in no captured log record, no response body or Location, and no database row."""
    assert secret
    assert secret not in caplog.text
    for record in caplog.records:
        assert secret not in record.getMessage()
    for response in responses:
        assert secret not in response.content.decode()
        assert secret not in response.get("Location", "")
    assert secret not in rows_of_every_model()
