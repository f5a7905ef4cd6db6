"""Routes of the magic-link feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("discovery/magic-links/send", views.SendMagicLinkView.as_view(), name="magic-link-send"),
    path(
        "discovery/magic-links/authenticate",
        views.MagicLinkAuthenticateView.as_view(),
        name="magic-link-authenticate",
    ),
]
