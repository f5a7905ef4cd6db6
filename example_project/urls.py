"""The SPA at ``/``, the app's API under ``/api/stytch/``, the admin, and the demo's extras."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from .demo import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("admin/", admin.site.urls),
    path("api/stytch/", include("stytch_discovery.urls")),
    path("dev/outbox", views.dev_outbox, name="dev-outbox"),
    path("dev/totp-code", views.dev_totp_code, name="dev-totp-code"),
]
