"""Stytch B2B discovery for Django: list, create and enter organizations from a SPA."""

from __future__ import annotations

__version__ = "0.1.0"
