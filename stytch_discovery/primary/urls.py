"""Routes of the primary-authentication feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import services, views

urlpatterns: list[URLPattern] = [
    path("primary/magic-links/send", views.SendMagicLinkView.as_view(), name="primary-magic-link-send"),
    path(
        "primary/magic-links/authenticate",
        views.MagicLinkAuthenticateView.as_view(),
        name="primary-magic-link-authenticate",
    ),
    path("primary/email-codes/send", views.SendEmailCodeView.as_view(), name="primary-email-code-send"),
    path(
        "primary/email-codes/authenticate",
        views.AuthenticateEmailCodeView.as_view(),
        name="primary-email-code-authenticate",
    ),
    path("primary/sso/start", views.SsoStartView.as_view(), name="primary-sso-start"),
    path("primary/sso/authenticate", views.SsoAuthenticateView.as_view(), name="primary-sso-authenticate"),
    *(
        path(
            f"primary/oauth/{provider}/start",
            views.OAuthStartView.as_view(provider=provider, method=f"{provider}_oauth"),
            name=f"primary-oauth-{provider}-start",
        )
        for provider in services.OAUTH_PROVIDERS
    ),
    path(
        "primary/oauth/authenticate", views.OAuthAuthenticateView.as_view(), name="primary-oauth-authenticate"
    ),
]
