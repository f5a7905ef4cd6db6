"""Routes of the sessions feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from stytch_discovery.sessions import views

urlpatterns: list[URLPattern] = [
    path("csrf", views.CsrfTokenView.as_view(), name="csrf"),
    path("session", views.SessionView.as_view(), name="session"),
    path("sessions/exchange", views.SessionExchangeView.as_view(), name="session-exchange"),
    path("logout", views.LogoutView.as_view(), name="logout"),
]
