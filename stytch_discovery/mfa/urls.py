"""Routes of the MFA feature (included by ``stytch_discovery.urls``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("mfa/sms/send", views.SendSmsView.as_view(), name="mfa-sms-send"),
    path("mfa/sms/authenticate", views.AuthenticateSmsView.as_view(), name="mfa-sms-authenticate"),
    path("mfa/totp/create", views.CreateTotpView.as_view(), name="mfa-totp-create"),
    path("mfa/totp/authenticate", views.AuthenticateTotpView.as_view(), name="mfa-totp-authenticate"),
    path("mfa/recovery-codes/recover", views.RecoverView.as_view(), name="mfa-recovery-code-recover"),
]
