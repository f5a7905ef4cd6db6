"""URLs of the SPA-facing API; mount with ``path("api/stytch/", include("stytch_discovery.urls"))``."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import openapi, views

app_name = "stytch_discovery"

urlpatterns: list[URLPattern] = [
    path("csrf", views.CsrfTokenView.as_view(), name="csrf"),
    path("discovery/magic-links/send", views.SendMagicLinkView.as_view(), name="magic-link-send"),
    path(
        "discovery/magic-links/authenticate",
        views.MagicLinkAuthenticateView.as_view(),
        name="magic-link-authenticate",
    ),
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
    path("logout", views.LogoutView.as_view(), name="logout"),
    *openapi.schema_urlpatterns(),
]
