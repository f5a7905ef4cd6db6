"""The OpenAPI schema (drf-spectacular extra) and a bounded schemathesis run over it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from rest_framework.test import APIClient

from stytch_discovery.testing import DEFAULT_PUBLIC_TOKEN, FakeStytch
from tests.helpers.api import PREFIX, url

pytest.importorskip("drf_spectacular", reason="the OpenAPI extra is not installed")

OPERATIONS = {
    ("get", "csrf"),
    ("post", "discovery/magic-links/send"),
    ("get", "discovery/magic-links/authenticate"),
    ("post", "discovery/otps/send"),
    ("post", "discovery/otps/authenticate"),
    ("get", "discovery/oauth/google/start"),
    ("get", "discovery/oauth/microsoft/start"),
    ("get", "discovery/oauth/authenticate"),
    ("post", "discovery/organizations"),
    ("post", "discovery/organizations/create"),
    ("get", "discovery/organizations/cached"),
    ("post", "discovery/intermediate-sessions/exchange"),
    ("get", "session"),
    ("post", "sessions/exchange"),
    ("post", "logout"),
    ("post", "mfa/sms/send"),
    ("post", "mfa/sms/authenticate"),
    ("post", "mfa/totp/create"),
    ("post", "mfa/totp/authenticate"),
    ("post", "mfa/recovery-codes/recover"),
    ("post", "primary/magic-links/send"),
    ("get", "primary/magic-links/authenticate"),
    ("post", "primary/email-codes/send"),
    ("post", "primary/email-codes/authenticate"),
    ("get", "primary/sso/start"),
    ("get", "primary/sso/authenticate"),
    ("get", "primary/oauth/google/start"),
    ("get", "primary/oauth/microsoft/start"),
    ("get", "primary/oauth/authenticate"),
}
#: A CSRF secret the test sends both as the cookie and in the header, as a browser would.
CSRF_SECRET = "s" * 32


def load_schema(api: APIClient) -> dict[str, Any]:
    response = api.get(url("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def test_schema_documents_every_view_and_only_them(api: APIClient) -> None:
    paths = load_schema(api)["paths"]
    documented = {(method, path.removeprefix(PREFIX)) for path, item in paths.items() for method in item}
    assert documented == OPERATIONS


def test_every_operation_documents_its_errors_with_the_error_shape(api: APIClient) -> None:
    schema = load_schema(api)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            assert statuses & {"200", "201", "302"}, (method, path)
            errors = statuses - {"200", "201", "302"}
            assert errors, (method, path)
            for status in errors:
                ref = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                if (method, path.removeprefix(PREFIX), status) == ("get", "session", "401"):
                    # The error shape plus the flows: a superset of Error.
                    flows = schema["components"]["schemas"]["NotSignedIn"]["properties"]
                    assert set(flows) == {*error["properties"], "flows"}
                    continue
                assert ref == "#/components/schemas/Error"
            if method == "post":
                assert {"400", "403", "405", "413", "415"} <= statuses


def test_request_and_response_shapes_are_components(api: APIClient) -> None:
    components = load_schema(api)["components"]["schemas"]
    create = components["CreateOrganizationRequestRequest"]["properties"]
    assert create["organization_slug"]["minLength"] == 2
    assert create["session_duration_minutes"]["maximum"] == 527040
    assert "trusted_metadata" not in create
    member_auth = components["MemberAuthentication"]["properties"]
    assert {"member_authenticated", "next_step", "organization", "member", "member_session"} <= set(
        member_auth
    )
    assert components["DiscoveredOrganizations"]["properties"]["can_create_organization"]["type"] == "boolean"


def test_the_flow_component_names_every_key_a_flow_carries(api: APIClient, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "PUBLIC_TOKEN": DEFAULT_PUBLIC_TOKEN,
        "OAUTH_PROVIDERS": ["google", "microsoft"],
    }
    flows = api.get(url("session")).json()["flows"]
    documented = load_schema(api)["components"]["schemas"]["Flow"]["properties"]

    assert {
        "id": "discovery_oauth",
        "provider": "google",
        "url": f"{PREFIX}discovery/oauth/google/start",
    } in flows
    assert {key for flow in flows for key in flow} <= set(documented)


@pytest.fixture
def quiet_throttles(settings: Any) -> None:
    # Fuzzing sends many requests from one address; the rates are tested elsewhere.
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": dict.fromkeys(
            [
                "stytch_discovery.send",
                "stytch_discovery.authenticate",
                "stytch_discovery.list",
                "stytch_discovery.create",
                "stytch_discovery.exchange",
                "stytch_discovery.cached",
                "stytch_discovery.code_send",
                "stytch_discovery.code_attempt",
            ]
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    fake_stytch: FakeStytch, quiet_throttles: None
) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis import GenerationMode, checks

    schema = schemathesis.openapi.from_wsgi(url("schema") + "?format=json", get_wsgi_application())
    conformance = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
    ]
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tested += 1

        # Valid and invalid inputs alike: either way, a documented status and shape.
        @given(
            case=operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,  # the same cases every run: a failure here is reproducible
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(
                headers={"X-CSRFToken": CSRF_SECRET},
                cookies={"csrftoken": CSRF_SECRET},
                checks=conformance,
            )

        run()
    assert tested == len(OPERATIONS)
