"""The schema says which credentials each view takes, and spectacular has nothing to warn about.

``StytchSessionAuthentication`` reads the member session from its two HttpOnly cookies or an
``Authorization: Bearer`` JWT; without a description of it spectacular warns on every schema
generation (this app's ``GET schema`` and a host project's own, where its views use the class) and
documents the cached endpoint as taking the Django session cookie only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import path
from rest_framework.test import APIClient

from stytch_discovery.testing import FakeStytch
from tests.helpers.api import PREFIX
from tests.http.test_openapi import load_schema
from tests.testapp import views as host_views

pytest.importorskip("drf_spectacular", reason="the OpenAPI extra is not installed")

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema


class HostMemberView(host_views.MemberView):
    """A host project's view, as its project documents it (spectacular's ``DEFAULT_SCHEMA_CLASS``)."""

    schema = AutoSchema()


#: In the order a request's credential is chosen.
SESSION_SCHEMES = {
    "stytchSessionBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "stytchSessionJwtCookie": {"type": "apiKey", "in": "cookie", "name": "member_jwt"},
    "stytchSessionCookie": {"type": "apiKey", "in": "cookie", "name": "member_token"},
}


@pytest.fixture
def cookie_names(settings: Any, fake_stytch: FakeStytch) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "SESSION_COOKIE_NAME": "member_token",
        "SESSION_JWT_COOKIE_NAME": "member_jwt",
    }


@pytest.fixture
def warnings() -> Any:
    GENERATOR_STATS.reset()
    yield GENERATOR_STATS
    GENERATOR_STATS.reset()


def test_the_cached_endpoint_documents_the_member_session_credentials(
    api: APIClient, cookie_names: None, warnings: Any
) -> None:
    schema = load_schema(api)

    schemes = schema["components"]["securitySchemes"]
    assert {name: schemes[name] for name in SESSION_SCHEMES} == SESSION_SCHEMES
    security = schema["paths"][f"{PREFIX}discovery/organizations/cached"]["get"]["security"]
    # Any one of them (OpenAPI's list is "or"), or the Django session cookie.
    assert security == [*({name: []} for name in SESSION_SCHEMES), {"cookieAuth": []}]
    assert dict(warnings._warn_cache) == {}


def test_a_host_projects_view_with_the_class_is_documented_without_a_warning(
    cookie_names: None, warnings: Any
) -> None:
    patterns = [path("me", HostMemberView.as_view())]
    generator = SchemaGenerator(patterns=patterns)  # type: ignore[no-untyped-call]
    schema = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]

    assert schema["paths"]["/me"]["get"]["security"] == [{name: []} for name in SESSION_SCHEMES]
    assert not any("authenticator" in message for message in warnings._warn_cache)
