"""Django settings for gunicorn runs of the benchmarks and the load test.

Everything that differs between runs comes from the environment, so the orchestrating
script and every gunicorn worker see the same configuration:

* ``DATABASE_URL``: ``postgres://user@host:port/name`` or ``sqlite:////absolute/path.db``
  (a file: gunicorn's workers are separate processes);
* ``REDIS_URL``: Django's cache (throttle counters) in Redis, shared by every process;
  without it a per-process local-memory cache;
* ``STYTCH_BASE_URL``, ``STYTCH_PROJECT_ID``, ``STYTCH_SECRET``: where the fake Stytch is;
* ``STYTCH_DISCOVERY_OPTIONS``: a JSON object merged into ``STYTCH_DISCOVERY`` (timeouts,
  retry deadline, ``THROTTLE_RATES``);
* ``CACHE_KEY_PREFIX``: isolates one run's throttle counters from another's;
* ``STAGE_TIMING``: set, ``benchmarks.stage_timing`` times each stage of every request.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tests.database_url import database_from_url as base_database_from_url

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "benchmarks-only-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "benchmarks.urls"
WSGI_APPLICATION = "benchmarks.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "stytch_discovery",
]

# What a production API project runs: sessions and CSRF for the SPA, auth for the cached view.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
if os.environ.get("STAGE_TIMING"):  # python -m benchmarks.stage_timing: CPU per stage, outermost
    MIDDLEWARE.insert(0, "benchmarks.stage_timing.StageTiming")


def database_from_url(url: str) -> dict[str, Any]:
    """The shared parser's entry, tuned for gunicorn's long-lived worker threads."""
    database = base_database_from_url(url)
    if database["ENGINE"].endswith("sqlite3"):
        database.update(
            # Persistent, like PostgreSQL below: reopening per request costs a WAL checkpoint
            # (the last connection to close checkpoints) and the connection set-up, ~1-2 ms.
            CONN_MAX_AGE=600,
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
            # BEGIN, so two workers never deadlock upgrading a read lock; NORMAL sync is the
            # usual WAL pairing (durable at checkpoints, no fsync per commit).
            OPTIONS={
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        )
    else:
        # Persistent connections: a gunicorn thread keeps its connection between requests.
        database.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    return database


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:////tmp/stytch-bench.db"))}

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "stytch-bench"),
            # As docs/deploying.md advises (check W037): a Redis that stops answering fails fast.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

STYTCH_DISCOVERY: dict[str, Any] = {
    "PROJECT_ID": os.environ.get("STYTCH_PROJECT_ID"),
    "SECRET": os.environ.get("STYTCH_SECRET"),
    "BASE_URL": os.environ.get("STYTCH_BASE_URL"),
    **json.loads(os.environ.get("STYTCH_DISCOVERY_OPTIONS") or "{}"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Warnings (retries, failed Stytch calls) reach gunicorn's error log; per-call INFO does not.
    "root": {"handlers": ["console"], "level": "WARNING"},
}
