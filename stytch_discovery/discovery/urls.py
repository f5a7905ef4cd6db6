"""Routes of the discovery feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("discovery/organizations", views.ListOrganizationsView.as_view(), name="organization-list"),
    path(
        "discovery/organizations/create",
        views.CreateOrganizationView.as_view(),
        name="organization-create",
    ),
    path(
        "discovery/organizations/cached",
        views.CachedOrganizationsView.as_view(),
        name="organization-cached",
    ),
    path(
        "discovery/intermediate-sessions/exchange",
        views.ExchangeIntermediateSessionView.as_view(),
        name="intermediate-session-exchange",
    ),
]
