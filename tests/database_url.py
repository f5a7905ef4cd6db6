"""``DATABASE_URL`` to a ``DATABASES`` entry, shared by the test and benchmark settings.

Only the two schemes this project runs on, so no extra dependency is needed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit


def database_from_url(url: str) -> dict[str, Any]:
    """``postgres://user:password@host:port/name`` or ``sqlite:////absolute/path.db``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path)}
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    raise ValueError(f"DATABASE_URL must be postgres:// or sqlite:///, not {parts.scheme}://")
