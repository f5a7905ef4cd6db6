"""URLs of the SPA-facing API; mount with ``path("api/stytch/", include("stytch_discovery.urls"))``.

Each feature keeps its own routes; they share the one ``stytch_discovery`` namespace.
"""

from __future__ import annotations

from django.urls import URLPattern

from . import schema
from .discovery import urls as discovery
from .email_codes import urls as email_codes
from .magic_links import urls as magic_links
from .mfa import urls as mfa
from .oauth import urls as oauth
from .primary import urls as primary
from .sessions import urls as sessions

app_name = "stytch_discovery"

urlpatterns: list[URLPattern] = [
    *sessions.urlpatterns,
    *magic_links.urlpatterns,
    *email_codes.urlpatterns,
    *oauth.urlpatterns,
    *discovery.urlpatterns,
    *mfa.urlpatterns,
    *primary.urlpatterns,
    *schema.urlpatterns(),
]
