"""The app mounted where the README suggests."""

from __future__ import annotations

from django.urls import URLResolver, include, path

urlpatterns: list[URLResolver] = [path("api/stytch/", include("stytch_discovery.urls"))]
