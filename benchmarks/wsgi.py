"""WSGI entry point for ``gunicorn benchmarks.wsgi:application``.

``GC_THRESHOLD`` (e.g. ``50000``, or ``50000,20,100``), when set, is passed to
``gc.set_threshold`` in every worker: the deployment tuning docs/deploying.md describes,
measured by ``stage_timing`` and ``bench_http`` against Python's defaults.
"""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

application = get_wsgi_application()

if os.environ.get("GC_THRESHOLD"):
    gc.set_threshold(*(int(part) for part in os.environ["GC_THRESHOLD"].split(",")))
