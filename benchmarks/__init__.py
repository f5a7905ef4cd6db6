"""Benchmarks and the multi-process load test (not part of the timed test suite)."""

from __future__ import annotations
