"""A cache other than Redis that fails in the middle of a throttled request: whichever of the
request's cache calls fails (the count, or the read of the window's end for ``Retry-After``), the
answer is the documented 503 ``throttle_unavailable``, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.helpers.api import post
from tests.helpers.down_cache import FailingCache

SCOPE = "stytch_discovery.send"
PATH = "discovery/magic-links/send"


@pytest.fixture
def failing_cache(settings: Any) -> Iterator[type[FailingCache]]:
    settings.CACHES = {"default": {"BACKEND": "tests.helpers.down_cache.FailingCache", "LOCATION": "flaky"}}
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "THROTTLE_RATES": {SCOPE: "1/min"}}
    FailingCache.reset()
    yield FailingCache
    FailingCache.reset()


def over_the_limit(client: APIClient, cache: type[FailingCache], fail_on: int) -> Any:
    """A request over the limit whose cache call number ``fail_on`` fails."""
    cache.reset(fail_on)
    return post(client, PATH, {})  # an invalid body: counted by the throttle, never sent to Stytch


def test_a_cache_failing_on_any_call_of_a_throttled_request_answers_503(
    db: None, failing_cache: type[FailingCache]
) -> None:
    client = APIClient()
    client.raise_request_exception = False
    assert post(client, PATH, {}).status_code == 400  # the one request the window allows
    calls = 0
    for fail_on in range(1, 10):
        response = over_the_limit(client, failing_cache, fail_on)
        if failing_cache.calls < fail_on:  # the request made fewer calls: none failed
            assert response.status_code == 429
            break
        calls = fail_on
        assert response.status_code == 503, (fail_on, response.status_code)
        assert response.json()["code"] == "throttle_unavailable"
        assert "Retry-After" not in response
    assert calls >= 2  # the count and the read of the window's end, at least
