"""The session the client pools: a project's own factory, and instrumentation that wraps ``send``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from stytch_discovery import client, services
from stytch_discovery.testing import FakeStytch

pytestmark = pytest.mark.django_db

EMAIL = "ada@acme.example"
responses_seen: list[int] = []


def session_of_the_team() -> requests.Session:
    """What a project's SESSION_FACTORY might build: its own header, a hook, an eager adapter."""
    session = requests.Session()
    session.headers["X-Team"] = "payments"
    session.hooks["response"].append(lambda response, **kwargs: responses_seen.append(response.status_code))
    # An adapter for every http URL that resends any method on a 503: the client must not let
    # it resend a Stytch call that consumes a token.
    retry = Retry(total=5, status_forcelist=[503], allowed_methods=None, backoff_factor=0)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


@pytest.fixture(autouse=True)
def fresh_pools() -> Iterator[None]:
    client.close_sessions()
    responses_seen.clear()
    yield
    client.close_sessions()


def test_the_session_factory_builds_the_session_and_the_client_keeps_its_own_rules(
    fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "SESSION_FACTORY": "tests.core.test_client_sessions.session_of_the_team",
        "CACHE_ENABLED": False,
    }
    ist = fake_stytch.mint_intermediate_session(EMAIL)

    services.list_discovered_organizations(intermediate_session_token=ist)

    (seen,) = fake_stytch.requests()
    assert seen["headers"]["X-Team"] == "payments"
    assert seen["headers"]["User-Agent"] == client.USER_AGENT
    assert seen["headers"]["Authorization"] == "Basic ***"  # the fake redacts what it records
    assert responses_seen == [200]
    adapter = client.StytchClient.from_settings().session().get_adapter(fake_stytch.base_url + "/v1/")
    assert isinstance(adapter, HTTPAdapter)
    assert adapter.max_retries.total == 0


def test_a_failing_call_is_sent_once_whatever_the_factorys_adapter(
    fake_stytch: FakeStytch, settings: Any
) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "SESSION_FACTORY": "tests.core.test_client_sessions.session_of_the_team",
        "MAX_RETRIES": 0,
    }
    fake_stytch.add_fault("/v1/b2b/discovery/organizations/create", status=503)
    ist = fake_stytch.mint_intermediate_session(EMAIL)

    with pytest.raises(Exception, match="503"):
        services.create_organization(intermediate_session_token=ist, organization_slug="once")

    assert fake_stytch.stats()["requests"]["/v1/b2b/discovery/organizations/create"] == 1


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = RequestsInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        yield exporter
    finally:
        instrumentor.uninstrument()


def test_opentelemetrys_requests_instrumentation_traces_every_stytch_call(
    fake_stytch: FakeStytch, spans: InMemorySpanExporter
) -> None:
    ist = fake_stytch.mint_intermediate_session(EMAIL)

    services.list_discovered_organizations(intermediate_session_token=ist)

    (span,) = spans.get_finished_spans()
    attributes = dict(span.attributes or {})
    assert span.name == "POST"
    assert any(str(value).endswith("/v1/b2b/discovery/organizations") for value in attributes.values())
    assert 200 in attributes.values()
    # The trace context travelled to Stytch, and nothing secret went into the span.
    (seen,) = fake_stytch.requests()
    assert "traceparent" in {name.lower() for name in seen["headers"]}
    recorded = repr(attributes)
    assert ist not in recorded
    assert fake_stytch.secret not in recorded
