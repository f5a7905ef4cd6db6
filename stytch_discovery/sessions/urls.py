"""Routes of the sessions feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("csrf", views.CsrfTokenView.as_view(), name="csrf"),
    path("logout", views.LogoutView.as_view(), name="logout"),
]
