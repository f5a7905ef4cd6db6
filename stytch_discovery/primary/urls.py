"""Routes of the primary-authentication feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

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
]
