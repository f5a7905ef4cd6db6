from __future__ import annotations

from django.urls import URLPattern

app_name = "stytch_discovery"

urlpatterns: list[URLPattern] = []
