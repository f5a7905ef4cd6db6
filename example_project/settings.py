"""Settings of the example project.

Offline by default: without ``STYTCH_PROJECT_ID`` and ``STYTCH_SECRET`` in the environment the
``demo`` command starts the fake Stytch in-process and points ``STYTCH_DISCOVERY`` at it. With
both set, the app talks to Stytch (the app reads them from the environment itself).
``DATABASE_URL`` picks the database: ``postgres://user:password@host:port/name`` or
``sqlite:///absolute/path.sqlite3``; unset means ``example_project/db.sqlite3``.

This is a local demo: ``DEBUG`` is on (``DEMO_DEBUG=0`` turns it off), so runserver-style
static serving works and the app's cookies are not ``Secure`` (plain http on localhost).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from stytch_discovery.testing import DEFAULT_PROJECT_ID, DEFAULT_PUBLIC_TOKEN, DEFAULT_SECRET

BASE_DIR = Path(__file__).resolve().parent

DEBUG = os.environ.get("DEMO_DEBUG", "1") != "0"
# A fixed key is fine for a local demo; set DJANGO_SECRET_KEY anywhere else.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-project-local-demo-only")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", *os.environ.get("DEMO_ALLOWED_HOSTS", "").split()]
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "stytch_discovery",
    "example_project.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.stytch and request.user from the Stytch member session, in every view.
    "stytch_discovery.middleware.StytchSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"


def database_from_url(url: str) -> dict[str, Any]:
    """A DATABASES entry from ``postgres://...`` or ``sqlite:///path`` (no extra dependency)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path)}
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be a postgres:// or sqlite:/// URL, not {parts.scheme}://")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}

# The SPA reads the CSRF token from GET /api/stytch/csrf, so no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True

#: True when the demo runs against the in-process fake Stytch (no credentials in the environment).
DEMO_USES_FAKE_STYTCH = not (os.environ.get("STYTCH_PROJECT_ID") and os.environ.get("STYTCH_SECRET"))

STYTCH_DISCOVERY: dict[str, Any] = {
    # Where Stytch's magic link lands. Unset, the app uses its own authenticate view on the
    # host the page was loaded from; with real Stytch it must be a redirect URL registered in
    # the Stytch dashboard (e.g. http://localhost:8000/api/stytch/discovery/magic-links/authenticate).
    "DISCOVERY_REDIRECT_URL": os.environ.get("STYTCH_DISCOVERY_REDIRECT_URL") or None,
    "LOGIN_REDIRECT_URL": "/",
    # "Continue with Google / Microsoft": with real Stytch, name them in DEMO_OAUTH_PROVIDERS
    # (the public token comes from STYTCH_PUBLIC_TOKEN) and register this callback as a Discovery
    # redirect URL: http://localhost:8000/api/stytch/discovery/oauth/authenticate.
    "OAUTH_PROVIDERS": os.environ.get("DEMO_OAUTH_PROVIDERS", "").split(),
    "OAUTH_DISCOVERY_REDIRECT_URL": os.environ.get("STYTCH_OAUTH_DISCOVERY_REDIRECT_URL") or None,
    "OAUTH_PROVIDER_PARAMS": {"google": {"prompt": "select_account"}},
}
if DEMO_USES_FAKE_STYTCH:
    # The fake's published test credentials; the demo command sets BASE_URL to the fake's port.
    # Until then, nothing listens there, so a stray call fails fast instead of leaving the machine.
    STYTCH_DISCOVERY |= {
        "PROJECT_ID": DEFAULT_PROJECT_ID,
        "SECRET": DEFAULT_SECRET,
        "BASE_URL": "http://127.0.0.1:9",
        # The fake's public token, and both providers: the fake has a provider page of its own.
        "PUBLIC_TOKEN": DEFAULT_PUBLIC_TOKEN,
        "OAUTH_PROVIDERS": ["google", "microsoft"],
        # The fake sends no email: a demo (and its browser tests) may send links more often.
        "THROTTLE_RATES": {
            "stytch_discovery.send": "60/min",
            "stytch_discovery.authenticate": "120/min",
            "stytch_discovery.redirect_start": "120/min",
            "stytch_discovery.code_send": "60/min",
            "stytch_discovery.code_attempt": "60/min",
            "stytch_discovery.email_send": "60/min",
            "stytch_discovery.email_attempt": "60/min",
        },
    }
