"""Routes of the OAuth discovery feature (included by ``stytch_discovery.urls``).

One start route per provider this app can start (``oauth-google-start``, ...); a provider not in
``OAUTH_PROVIDERS`` answers with ``entry_point_disabled``.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from stytch_discovery.defaults import OAUTH_DISCOVERY_PROVIDERS

from . import views

urlpatterns: list[URLPattern] = [
    *(
        path(
            f"discovery/oauth/{provider}/start",
            views.OAuthStartView.as_view(provider=provider),
            name=f"oauth-{provider}-start",
        )
        for provider in OAUTH_DISCOVERY_PROVIDERS
    ),
    path(
        "discovery/oauth/authenticate",
        views.OAuthAuthenticateView.as_view(),
        name="oauth-discovery-authenticate",
    ),
]
