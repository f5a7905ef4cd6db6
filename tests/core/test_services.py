"""Service functions over a ``responses``-mocked Stytch: payloads, results, retries, cache calls, leaks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses

from stytch_discovery import services
from stytch_discovery.discovery.services import (
    CREATE_ORGANIZATION,
    EXCHANGE_INTERMEDIATE_SESSION,
    LIST_ORGANIZATIONS,
)
from stytch_discovery.exceptions import (
    StytchDiscoveryAPIError,
    StytchDiscoveryConfigurationError,
    StytchDiscoveryResponseError,
)
from stytch_discovery.magic_links.services import AUTHENTICATE_DISCOVERY_MAGIC_LINK, SEND_DISCOVERY_MAGIC_LINK
from stytch_discovery.models import StytchMember
from stytch_discovery.org_cache import store
from stytch_discovery.types import (
    DiscoveredOrganizations,
    MagicLinkAuthentication,
    MagicLinkSent,
    MemberAuthentication,
)
from tests.helpers import stytch_json as wire
from tests.helpers.mock_stytch import dropped, make_client

Call = Callable[[], object]

# The cache module opens the database even with CACHE_ENABLED off (its signals wait for commit).
pytestmark = pytest.mark.django_db

BODY_MARKER = "BODY-MARKER-never-in-an-exception"


def url(path: str) -> str:
    return wire.BASE_URL + path


def sent_json(mocked: responses.RequestsMock, index: int = 0) -> Any:
    return json.loads(mocked.calls[index].request.body or b"")


@pytest.fixture(autouse=True)
def stytch_settings(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        "PROJECT_ID": wire.PROJECT_ID,
        "SECRET": wire.SECRET,
        "BASE_URL": wire.BASE_URL,
        "CACHE_ENABLED": False,
        "RETRY_BACKOFF": 0,
    }


def list_call() -> object:
    return services.list_discovered_organizations(intermediate_session_token=wire.IST)


def create_call() -> object:
    return services.create_organization(
        intermediate_session_token=wire.IST, organization_name="Acme Co", organization_slug="acme-co"
    )


def exchange_call() -> object:
    return services.exchange_intermediate_session(
        intermediate_session_token=wire.IST, organization_id=wire.ORGANIZATION_ID
    )


def send_call() -> object:
    return services.send_discovery_magic_link(email_address=wire.EMAIL)


def authenticate_call() -> object:
    return services.authenticate_discovery_magic_link(token=wire.MAGIC_LINK_TOKEN)


#: (service call, its Stytch path, a valid answer, whether a transient failure is retried)
SERVICES: list[Any] = [
    pytest.param(list_call, LIST_ORGANIZATIONS, wire.list_body(), True, id="list"),
    pytest.param(create_call, CREATE_ORGANIZATION, wire.authentication_body(), False, id="create"),
    pytest.param(
        exchange_call, EXCHANGE_INTERMEDIATE_SESSION, wire.authentication_body(), False, id="exchange"
    ),
    pytest.param(send_call, SEND_DISCOVERY_MAGIC_LINK, wire.ok(), False, id="send"),
    pytest.param(
        authenticate_call, AUTHENTICATE_DISCOVERY_MAGIC_LINK, wire.magic_link_body(), False, id="auth"
    ),
]


# -- payloads and results ----------------------------------------------------------------------


@pytest.mark.parametrize("credential", ["intermediate_session_token", "session_token", "session_jwt"])
def test_list_sends_exactly_the_one_credential(mocked: responses.RequestsMock, credential: str) -> None:
    mocked.post(url(LIST_ORGANIZATIONS), json=wire.list_body())
    credentials: dict[str, Any] = {credential: "credential-value"}

    result = services.list_discovered_organizations(**credentials)

    assert sent_json(mocked) == {credential: "credential-value"}
    assert isinstance(result, DiscoveredOrganizations)
    assert result.email_address == wire.EMAIL
    assert len(result.discovered_organizations) == 2


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"intermediate_session_token": "a", "session_token": "b"},
        {"session_token": "", "session_jwt": "j"},
    ],
)
def test_list_needs_exactly_one_credential(
    mocked: responses.RequestsMock, credentials: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        services.list_discovered_organizations(**credentials)

    assert len(mocked.calls) == 0


def test_create_sends_only_the_fields_given(mocked: responses.RequestsMock) -> None:
    mocked.post(url(CREATE_ORGANIZATION), json=wire.authentication_body())

    result = services.create_organization(
        intermediate_session_token=wire.IST,
        organization_name="Acme Co",
        organization_slug="acme-co",
        mfa_policy=None,
        email_allowed_domains=["acme.example"],
    )

    assert sent_json(mocked) == {
        "intermediate_session_token": wire.IST,
        "organization_name": "Acme Co",
        "organization_slug": "acme-co",
        "email_allowed_domains": ["acme.example"],
    }
    assert isinstance(result, MemberAuthentication)
    assert result.session_token == wire.SESSION_TOKEN


def test_create_accepts_every_stytch_field_and_extra(mocked: responses.RequestsMock) -> None:
    mocked.post(url(CREATE_ORGANIZATION), json=wire.authentication_body())
    names = ["intermediate_session_token", *services.CreateOrganizationFields.__annotations__]
    fields: dict[str, Any] = {name: f"value-of-{name}" for name in names}

    services.create_organization(**fields, extra={"field_from_next_year": {"nested": True}})

    assert sent_json(mocked) == {**fields, "field_from_next_year": {"nested": True}}
    # The seed's and the current SDK's create fields, connected apps and telemetry included.
    assert {
        "organization_external_id",
        "allowed_oauth_tenants",
        "first_party_connected_apps_allowed_type",
        "allowed_third_party_connected_apps",
        "telemetry_id",
        "rbac_email_implicit_role_assignments",
    } <= set(names)


def test_create_refuses_a_keyword_stytch_does_not_know(mocked: responses.RequestsMock) -> None:
    with pytest.raises(TypeError, match="organisation_name"):
        services.create_organization(intermediate_session_token=wire.IST, organisation_name="Acme")  # type: ignore[call-arg]


def test_exchange_payload(mocked: responses.RequestsMock) -> None:
    mocked.post(url(EXCHANGE_INTERMEDIATE_SESSION), json=wire.authentication_body(authenticated=False))

    result = services.exchange_intermediate_session(
        intermediate_session_token=wire.IST,
        organization_id=wire.ORGANIZATION_ID,
        session_duration_minutes=60,
        session_custom_claims={"plan": "pro"},
        extra={"locale": "fr"},
    )

    assert sent_json(mocked) == {
        "intermediate_session_token": wire.IST,
        "organization_id": wire.ORGANIZATION_ID,
        "session_duration_minutes": 60,
        "session_custom_claims": {"plan": "pro"},
        "locale": "fr",
    }
    assert result.member_authenticated is False
    assert result.intermediate_session_token == wire.IST


@pytest.mark.parametrize(
    ("setting", "argument", "expected"),
    [
        (None, None, None),
        ("https://app.example/auth", None, "https://app.example/auth"),
        ("https://app.example/auth", "https://other.example/cb", "https://other.example/cb"),
    ],
)
def test_send_defaults_the_redirect_to_the_setting(
    mocked: responses.RequestsMock,
    settings: Any,
    setting: str | None,
    argument: str | None,
    expected: str | None,
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "DISCOVERY_REDIRECT_URL": setting}
    mocked.post(url(SEND_DISCOVERY_MAGIC_LINK), json=wire.ok())

    result = services.send_discovery_magic_link(
        email_address=wire.EMAIL, discovery_redirect_url=argument, locale="en"
    )

    expected_body = {"email_address": wire.EMAIL, "locale": "en"}
    if expected:
        expected_body["discovery_redirect_url"] = expected
    assert sent_json(mocked) == expected_body
    assert result == MagicLinkSent(email_address=wire.EMAIL, request_id=wire.REQUEST_ID)


def test_authenticate_payload_and_result(mocked: responses.RequestsMock) -> None:
    mocked.post(url(AUTHENTICATE_DISCOVERY_MAGIC_LINK), json=wire.magic_link_body())

    result = services.authenticate_discovery_magic_link(
        token=wire.MAGIC_LINK_TOKEN, pkce_code_verifier="v" * 43
    )

    assert sent_json(mocked) == {
        "discovery_magic_links_token": wire.MAGIC_LINK_TOKEN,
        "pkce_code_verifier": "v" * 43,
    }
    assert isinstance(result, MagicLinkAuthentication)
    assert result.intermediate_session_token == wire.IST


def test_an_explicit_client_is_used_instead_of_settings(mocked: responses.RequestsMock) -> None:
    other = make_client(base_url="https://eu.stytch.invalid", project_id="project-test-other")
    mocked.post("https://eu.stytch.invalid" + LIST_ORGANIZATIONS, json=wire.list_body())

    services.list_discovered_organizations(session_jwt=wire.SESSION_JWT, stytch=other)

    assert mocked.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert mocked.calls[0].request.url == "https://eu.stytch.invalid" + LIST_ORGANIZATIONS


@pytest.mark.parametrize(("call", "path", "answer", "retried"), SERVICES)
def test_services_use_the_configured_timeouts(
    mocked: responses.RequestsMock, settings: Any, call: Call, path: str, answer: Any, retried: bool
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "CONNECT_TIMEOUT": 0.7, "READ_TIMEOUT": 2.5}
    mocked.post(url(path), json=answer)

    call()

    assert mocked.calls[0].request.req_kwargs["timeout"] == (0.7, 2.5)  # type: ignore[attr-defined]


# -- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "path", "answer", "retried"), SERVICES)
def test_only_the_list_is_retried_after_a_503(
    mocked: responses.RequestsMock, sleeps: list[float], call: Call, path: str, answer: Any, retried: bool
) -> None:
    mocked.post(url(path), status=503, json=wire.error_body(503, "server_unavailable"))
    if retried:
        mocked.post(url(path), json=answer)
        call()
    else:
        with pytest.raises(StytchDiscoveryAPIError):
            call()

    assert len(mocked.calls) == (2 if retried else 1)


# Send answers only status_code and request_id: it has no other required field.
@pytest.mark.parametrize(("call", "path", "answer", "retried"), [p for p in SERVICES if p.id != "send"])
def test_a_missing_required_field_is_a_response_error(
    mocked: responses.RequestsMock, call: Call, path: str, answer: Any, retried: bool
) -> None:
    mocked.post(url(path), json={"status_code": 200, "request_id": wire.REQUEST_ID})

    with pytest.raises(StytchDiscoveryResponseError, match="lacks or mistypes a required field") as caught:
        call()

    assert caught.value.status_code == 200
    assert caught.value.request_id == wire.REQUEST_ID
    assert isinstance(caught.value.__cause__, KeyError)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(wire.list_body(discovered_organizations=[17]), id="organization-not-an-object"),
        pytest.param(wire.list_body(discovered_organizations=None), id="list-is-null"),
        pytest.param({"request_id": wire.REQUEST_ID, "status_code": None}, id="status-code-null"),
        pytest.param({"request_id": wire.REQUEST_ID, "status_code": "OK"}, id="status-code-text"),
    ],
)
def test_a_mistyped_field_is_a_response_error(mocked: responses.RequestsMock, body: dict[str, Any]) -> None:
    mocked.post(url(LIST_ORGANIZATIONS), json=body)

    with pytest.raises(StytchDiscoveryResponseError) as caught:
        list_call()

    assert caught.value.status_code == 200


@pytest.mark.parametrize(("call", "path", "answer", "retried"), SERVICES)
def test_missing_credentials_are_a_configuration_error(
    settings: Any, monkeypatch: pytest.MonkeyPatch, call: Call, path: str, answer: Any, retried: bool
) -> None:
    monkeypatch.delenv("STYTCH_PROJECT_ID", raising=False)
    monkeypatch.delenv("STYTCH_SECRET", raising=False)
    settings.STYTCH_DISCOVERY = {"BASE_URL": wire.BASE_URL}

    with pytest.raises(StytchDiscoveryConfigurationError):
        call()


# -- successes are handed to the cache (which honours CACHE_ENABLED), failures are not -------


@pytest.fixture
def cache_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    for name in ("record_discovery", "record_membership"):
        monkeypatch.setattr(store, name, lambda _name=name, **kwargs: calls.append((_name, kwargs)))
    return calls


@pytest.mark.parametrize(
    ("call", "path", "answer", "expected"),
    [
        (list_call, LIST_ORGANIZATIONS, wire.list_body(), ("record_discovery", None)),
        (create_call, CREATE_ORGANIZATION, wire.authentication_body(), ("record_membership", True)),
        (
            exchange_call,
            EXCHANGE_INTERMEDIATE_SESSION,
            wire.authentication_body(),
            ("record_membership", False),
        ),
        (
            authenticate_call,
            AUTHENTICATE_DISCOVERY_MAGIC_LINK,
            wire.magic_link_body(),
            ("record_discovery", None),
        ),
    ],
    ids=["list", "create", "exchange", "authenticate"],
)
def test_success_is_handed_to_the_cache(
    mocked: responses.RequestsMock,
    cache_calls: list[tuple[str, dict[str, Any]]],
    call: Call,
    path: str,
    answer: Any,
    expected: tuple[str, bool | None],
) -> None:
    mocked.post(url(path), json=answer)

    result = call()

    ((name, kwargs),) = cache_calls
    assert name == expected[0]
    if name == "record_discovery":
        assert kwargs["user"] is None
        assert kwargs["email_address"] == wire.EMAIL
        assert kwargs["discovered"] == result.discovered_organizations  # type: ignore[attr-defined]
    else:
        # A session started: the rows link to the member's user (created on first sight).
        assert kwargs["user"].email == wire.EMAIL
        assert StytchMember.objects.get(member_id=wire.MEMBER_ID).user == kwargs["user"]
        assert kwargs["result"] is result
        assert kwargs["created"] is expected[1]


def test_sending_a_magic_link_leaves_the_cache_alone(
    mocked: responses.RequestsMock, cache_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    mocked.post(url(SEND_DISCOVERY_MAGIC_LINK), json=wire.ok())

    send_call()

    assert cache_calls == []


@pytest.mark.parametrize(("call", "path", "answer", "retried"), SERVICES)
def test_nothing_is_recorded_after_a_failure(
    mocked: responses.RequestsMock,
    cache_calls: list[tuple[str, dict[str, Any]]],
    call: Call,
    path: str,
    answer: Any,
    retried: bool,
) -> None:
    mocked.post(url(path), status=404, json=wire.error_body(404, "intermediate_session_not_found"))

    with pytest.raises(StytchDiscoveryAPIError):
        call()

    assert cache_calls == []


def test_the_user_is_passed_to_the_cache(
    mocked: responses.RequestsMock, cache_calls: list[tuple[str, dict[str, Any]]]
) -> None:
    mocked.post(url(LIST_ORGANIZATIONS), json=wire.list_body())
    user: Any = object()

    services.list_discovered_organizations(session_token=wire.SESSION_TOKEN, user=user)

    assert cache_calls[0][1]["user"] is user


# -- no exception carries a token, a body or the secret ----------------------------------------


def register_leaky_answers(mocked: responses.RequestsMock, scenario: str) -> None:
    """Stytch answers that echo tokens and carry BODY_MARKER, one per failure kind."""
    echo = {"echo": [*wire.TOKENS, BODY_MARKER]}
    answers: dict[str, tuple[str, dict[str, Any]]] = {
        "api-error": (
            CREATE_ORGANIZATION,
            {"status": 400, "json": {**wire.error_body(400, "invalid_argument"), **echo}},
        ),
        "no-envelope": (CREATE_ORGANIZATION, {"status": 400, "json": {"request_id": "r", **echo}}),
        "not-json": (
            CREATE_ORGANIZATION,
            {"status": 502, "body": f"<pre>{wire.IST} {BODY_MARKER}</pre>"},
        ),
        "2xx-not-json": (
            EXCHANGE_INTERMEDIATE_SESSION,
            {"status": 200, "body": f"{wire.SESSION_TOKEN} {BODY_MARKER}"},
        ),
        "2xx-no-request-id": (EXCHANGE_INTERMEDIATE_SESSION, {"json": {"status_code": 200, **echo}}),
        "missing-field": (
            EXCHANGE_INTERMEDIATE_SESSION,
            {"json": {**wire.authentication_body(member=None), **echo}},
        ),
        "list-missing-field": (
            LIST_ORGANIZATIONS,
            {"json": wire.ok(intermediate_session_token=wire.IST, **echo)},
        ),
        "magic-link-mistyped": (
            AUTHENTICATE_DISCOVERY_MAGIC_LINK,
            {"json": wire.magic_link_body(discovered_organizations=[wire.IST])},
        ),
        "rate-limited": (
            LIST_ORGANIZATIONS,
            {
                "status": 429,
                "headers": {"Retry-After": "60"},
                "json": {**wire.error_body(429, "too_many_requests"), **echo},
            },
        ),
        "dropped": (SEND_DISCOVERY_MAGIC_LINK, {"body": dropped()}),
        "timeout": (
            AUTHENTICATE_DISCOVERY_MAGIC_LINK,
            {"body": requests.ReadTimeout("read timed out")},
        ),
    }
    path, options = answers[scenario]
    mocked.post(url(path), **options)


SCENARIO_CALLS: dict[str, Call] = {
    "api-error": create_call,
    "no-envelope": create_call,
    "not-json": create_call,
    "2xx-not-json": exchange_call,
    "2xx-no-request-id": exchange_call,
    "missing-field": exchange_call,
    "list-missing-field": list_call,
    "magic-link-mistyped": authenticate_call,
    "rate-limited": list_call,
    "dropped": send_call,
    "timeout": authenticate_call,
}


def shown(error: BaseException) -> str:
    """Everything a log line, a debugger or an error report would print about ``error``."""
    cause = error.__cause__
    return " ".join([str(error), repr(error), repr(vars(error)), repr(error.args), str(cause), repr(cause)])


def assert_nothing_secret(text: str) -> None:
    for secret in (*wire.TOKENS, wire.SECRET, BODY_MARKER):
        assert secret not in text


@pytest.mark.parametrize("scenario", sorted(SCENARIO_CALLS))
def test_exceptions_never_carry_a_token_the_body_or_the_secret(
    mocked: responses.RequestsMock, sleeps: list[float], scenario: str
) -> None:
    register_leaky_answers(mocked, scenario)

    with pytest.raises(Exception) as caught:  # noqa: PT011 - the scenarios raise different types
        SCENARIO_CALLS[scenario]()

    assert caught.value.__class__.__module__ == "stytch_discovery.exceptions"
    assert_nothing_secret(shown(caught.value))


def test_configuration_error_never_carries_the_secret(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STYTCH_PROJECT_ID", raising=False)
    settings.STYTCH_DISCOVERY = {"SECRET": wire.SECRET, "BASE_URL": wire.BASE_URL}

    with pytest.raises(StytchDiscoveryConfigurationError) as caught:
        create_call()

    assert_nothing_secret(shown(caught.value))
