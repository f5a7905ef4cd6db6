from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from tests.testapp import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/stytch/", include("stytch_discovery.urls")),
    # A host project's own views (tests/testapp/views.py).
    path("host/drf/me", views.MemberView.as_view()),
    path("host/drf/admin", views.AdminView.as_view()),
    path("host/drf/organizations/<str:organization_id>/documents", views.DocumentsView.as_view()),
    path("host/drf/remote-documents", views.RemoteDocumentsView.as_view()),
    path("host/drf/open", views.OpenView.as_view()),
    path("host/drf/lazy", views.LazyView.as_view()),
    path("host/plain/whoami", views.plain_whoami),
    path("host/plain/session", views.plain_session),
    path("host/plain/me", views.plain_member),
    path("host/plain/page", views.plain_page),
    path("host/plain/member-page", views.plain_member_page),
    path("host/plain/admin", views.plain_admin),
    path("host/plain/organizations/<str:organization_id>/documents", views.plain_documents),
]
