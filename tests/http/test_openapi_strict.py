"""The schema is as strict as the server, and the schema endpoint's own errors have the error shape."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.internal.rules import OAUTH_TENANT_PROVIDERS
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import ist_cookie, post, stytch_calls, url

pytest.importorskip("drf_spectacular", reason="the OpenAPI extra is not installed")

ERROR_KEYS = {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}


def components(api: APIClient) -> dict[str, Any]:
    response = api.get(url("schema"), {"format": "json"})
    assert response.status_code == 200
    found: dict[str, Any] = response.json()["components"]["schemas"]
    return found


def request_bodies(api: APIClient) -> dict[str, Any]:
    schema = api.get(url("schema"), {"format": "json"}).json()
    refs = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for item in schema["paths"].values()
        for operation in item.values()
        if "requestBody" in operation
    }
    return {name: schema["components"]["schemas"][name] for name in refs}


def test_every_request_body_refuses_unknown_fields(api: APIClient) -> None:
    bodies = request_bodies(api)

    assert len(bodies) >= 10
    assert {name: body.get("additionalProperties") for name, body in bodies.items()} == dict.fromkeys(
        bodies, False
    )


def test_nested_request_objects_refuse_unknown_fields_too(api: APIClient) -> None:
    assert components(api)["RoleAssignmentRequest"]["additionalProperties"] is False


def test_listing_takes_at_most_one_token(api: APIClient) -> None:
    body = components(api)["ListOrganizationsRequestRequest"]

    assert body["oneOf"] == [
        {"maxProperties": 0},
        {"required": ["intermediate_session_token"]},
        {"required": ["session_token"]},
        {"required": ["session_jwt"]},
    ]


def test_create_says_a_restricted_setting_needs_its_list(api: APIClient) -> None:
    rules = components(api)["CreateOrganizationRequestRequest"]["allOf"]

    assert rules == [
        {
            "anyOf": [
                {"not": {"required": [setting], "properties": {setting: {"enum": ["RESTRICTED"]}}}},
                {"required": [listing], "properties": {listing: {"minItems": 1}}},
            ]
        }
        for setting, listing in (
            ("auth_methods", "allowed_auth_methods"),
            ("mfa_methods", "allowed_mfa_methods"),
        )
    ]


def test_oauth_tenant_keys_are_the_providers_only(api: APIClient) -> None:
    tenants = components(api)["CreateOrganizationRequestRequest"]["properties"]["allowed_oauth_tenants"]

    assert tenants["additionalProperties"] is False
    assert sorted(tenants["properties"]) == sorted(OAUTH_TENANT_PROVIDERS)
    assert all(value["type"] == "array" for value in tenants["properties"].values())


def test_the_server_refuses_an_unknown_tenant_key(api: APIClient, fake_stytch: FakeStytch) -> None:
    ist_cookie(api, fake_stytch)
    response = post(
        api,
        "discovery/organizations/create",
        {"organization_slug": "acme", "allowed_oauth_tenants": {"gitlab": ["x"]}},
    )

    assert response.status_code == 400
    assert "allowed_oauth_tenants" in response.json()["fields"]
    assert stytch_calls(fake_stytch) == 0


@pytest.mark.parametrize(
    "name",
    [" " + "a" * 128, "a" * 128 + " ", "\t" + "a" * 127 + "\t", " " * 129],
    ids=["lead", "trail", "both", "blank"],
)
def test_length_is_checked_before_trimming(api: APIClient, fake_stytch: FakeStytch, name: str) -> None:
    ist_cookie(api, fake_stytch)
    response = post(
        api, "discovery/organizations/create", {"organization_slug": "acme", "organization_name": name}
    )

    assert response.status_code == 400
    assert "organization_name" in response.json()["fields"]
    assert stytch_calls(fake_stytch) == 0


def test_a_name_at_the_limit_with_trimming_still_passes(api: APIClient, fake_stytch: FakeStytch) -> None:
    ist_cookie(api, fake_stytch)
    response = post(
        api,
        "discovery/organizations/create",
        {"organization_slug": "acme", "organization_name": " " + "a" * 126 + " "},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["organization"]["organization_name"] == "a" * 126


@pytest.mark.parametrize(
    ("query", "headers", "status", "code"),
    [
        ({"format": "xml"}, {}, 404, "unknown_format"),
        ({"format": "html"}, {}, 404, "unknown_format"),
        ({}, {"HTTP_ACCEPT": "text/csv"}, 406, "not_acceptable"),
    ],
    ids=["format-xml", "format-html", "accept-csv"],
)
def test_schema_errors_have_the_error_shape(
    api: APIClient, query: dict[str, str], headers: dict[str, Any], status: int, code: str
) -> None:
    response = api.get(url("schema"), query, **headers)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == code


def test_the_schema_is_throttled_in_the_error_shape(api: APIClient, settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.schema": "1/min"},
    }
    assert api.get(url("schema"), {"format": "json"}).status_code == 200

    response = api.get(url("schema"), {"format": "json"})

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_the_host_projects_drf_throttles_do_not_apply(api: APIClient, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "1/day"},
    }

    assert [api.get(url("schema"), {"format": "json"}).status_code for _ in range(3)] == [200, 200, 200]
