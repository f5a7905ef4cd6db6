"""The demo app: the SPA page, its helper views, demo data and the ``demo`` command."""

from __future__ import annotations
