"""Routes of the emailed-code feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("discovery/otps/send", views.SendEmailCodeView.as_view(), name="email-code-send"),
    path(
        "discovery/otps/authenticate",
        views.AuthenticateEmailCodeView.as_view(),
        name="email-code-authenticate",
    ),
]
