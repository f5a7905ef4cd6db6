"""The wrong-code budget over real HTTP to the fake Stytch, counted in Django's cache (Redis and the
local-memory cache): every endpoint that checks a one-time code (a discovery email code, a primary
email code, an SMS or authenticator code, a recovery code) refuses, without asking Stytch, once
``WRONG_CODE_BUDGET`` wrong codes were entered for the code's identity (the email address, or
the pending step's member), until the window ends. The right code too: else a guesser would
learn it. Only wrong codes spend it, and identities never share it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.email_codes import services as email_code_services
from stytch_discovery.internal.http.throttling import StytchDiscoveryThrottle
from stytch_discovery.mfa import services as mfa_services
from stytch_discovery.primary import services as primary_services
from stytch_discovery.testing import FakeStytch, totp
from tests.helpers.api import EMAIL, post
from tests.helpers.down_cache import CacheOutage, cache_outage, without_throttles
from tests.helpers.mfa import PHONE, RECOVERY_CODES, SECRET, enter, outbox
from tests.helpers.redis import redis_cache, redis_client

__all__ = ["cache_outage", "redis_cache"]  # the fixtures, imported for pytest

pytestmark = pytest.mark.django_db

OTHER = "bo@acme.example"
#: A phone of Bo's own: two members of one organization cannot share a number.
PHONES = {EMAIL: PHONE, OTHER: "+15005550009"}
BUDGET = "3/hour"
WINDOW = 3600

Json = dict[str, Any]


@dataclass(frozen=True)
class Person:
    """Who is signing in: their address, their member ids by organization slug."""

    email: str
    members: dict[str, str]


@dataclass(frozen=True)
class CodeEndpoint:
    """One endpoint that checks a one-time code, and how a test gets a code there."""

    path: str
    #: The Stytch call that checks the code.
    stytch_path: str
    #: What a wrong code is answered with.
    wrong_answer: str
    #: Have the client hold a code (a step) for the person; Stytch sends what needs sending.
    begin: Callable[[APIClient, FakeStytch, Person], None]
    #: The right code for the person, now.
    right: Callable[[FakeStytch, Person], str]
    #: The request body for the person and a code.
    body: Callable[[Person, str], Json]
    #: A code that is not right, given the right one.
    wrong: Callable[[str], str] = lambda code: f"{(int(code) + 1) % 1_000_000:06d}"


def newest_code(fake: FakeStytch, kind: str, **recipient: str) -> str:
    (*_, last) = [
        message
        for message in outbox(fake, kind)
        if all(message[name] == value for name, value in recipient.items())
    ]
    return str(last["code"])


def begin_discovery(client: APIClient, fake: FakeStytch, person: Person) -> None:
    assert post(client, "discovery/otps/send", {"email_address": person.email}).status_code == 200


def begin_primary(client: APIClient, fake: FakeStytch, person: Person) -> None:
    enter(client, fake, "codes", email=person.email)
    assert post(client, "primary/email-codes/send", {}).status_code == 200


def begin_sms(client: APIClient, fake: FakeStytch, person: Person) -> None:
    enter(client, fake, "sms", email=person.email, locale="en")  # the exchange texts a code


def begin_totp(client: APIClient, fake: FakeStytch, person: Person) -> None:
    enter(client, fake, "totp", email=person.email)


def wrong_totp(code: str) -> str:
    """A code the authenticator shows at no step near now (the fake accepts the steps next to it)."""
    step = totp.step_of(datetime.now(timezone.utc))
    near = {totp.hotp(SECRET, counter) for counter in range(step - 3, step + 4)}
    return next(f"{number:06d}" for number in range(1_000_000) if f"{number:06d}" not in near)


DISCOVERY = CodeEndpoint(
    path="discovery/otps/authenticate",
    stytch_path=email_code_services.AUTHENTICATE_DISCOVERY_EMAIL_OTP,
    wrong_answer="code_invalid",
    begin=begin_discovery,
    right=lambda fake, person: newest_code(fake, "discovery_email_otp", email_address=person.email),
    body=lambda person, code: {"email_address": person.email, "code": code},
)
ENDPOINTS = [
    pytest.param(DISCOVERY, id="discovery-email-code"),
    pytest.param(
        CodeEndpoint(
            path="primary/email-codes/authenticate",
            stytch_path=primary_services.AUTHENTICATE_EMAIL_OTP,
            wrong_answer="code_invalid",
            begin=begin_primary,
            right=lambda fake, person: newest_code(fake, "email_otp", email_address=person.email),
            body=lambda person, code: {"code": code},
        ),
        id="primary-email-code",
    ),
    pytest.param(
        CodeEndpoint(
            path="mfa/sms/authenticate",
            stytch_path=mfa_services.AUTHENTICATE_SMS_OTP,
            wrong_answer="code_invalid",
            begin=begin_sms,
            right=lambda fake, person: newest_code(fake, "sms_otp", member_id=person.members["sms"]),
            body=lambda person, code: {"code": code},
        ),
        id="sms-code",
    ),
    pytest.param(
        CodeEndpoint(
            path="mfa/totp/authenticate",
            stytch_path=mfa_services.AUTHENTICATE_TOTP,
            wrong_answer="code_invalid",
            begin=begin_totp,
            right=lambda fake, person: fake.totp_code(person.members["totp"]),
            body=lambda person, code: {"code": code},
            wrong=wrong_totp,
        ),
        id="totp-code",
    ),
    pytest.param(
        CodeEndpoint(
            path="mfa/recovery-codes/recover",
            stytch_path=mfa_services.RECOVER,
            wrong_answer="recovery_code_invalid",
            begin=begin_totp,
            right=lambda fake, person: fake.recovery_codes(person.members["totp"])[0],
            body=lambda person, code: {"recovery_code": code},
            wrong=lambda code: "zzzz-zzzz-zzzz",
        ),
        id="recovery-code",
    ),
]


@dataclass
class BudgetCache:
    """Django's cache the budget counts in, and a way to let its window pass."""

    kind: str
    monkeypatch: pytest.MonkeyPatch
    fake: FakeStytch
    #: Redis: the ``KEY_PREFIX`` of this test's keys.
    prefix: str = ""

    def window_passes(self) -> None:
        if self.kind == "redis":
            # Redis keeps its own time: the counter's end comes now, as an hour later.
            client = redis_client()
            budgets = list(client.scan_iter(match=f"{self.prefix}:*wrong_codes*"))
            assert budgets
            for name in budgets:
                assert 0 < client.pttl(name) <= WINDOW * 1000
                client.pexpire(name, 1)
            time.sleep(0.01)
            return
        # The local-memory cache reads time.time(); the fake's clock (its codes, its ISTs) moves too.
        real = time.time
        self.monkeypatch.setattr(time, "time", lambda: real() + WINDOW + 1)
        self.fake.advance_clock(WINDOW + 1)


@pytest.fixture(params=["redis", "locmem"])
def budget_cache(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, fake_stytch: FakeStytch, settings: Any
) -> BudgetCache:
    prefix = request.getfixturevalue("redis_cache") if request.param == "redis" else ""
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "WRONG_CODE_BUDGET": BUDGET}
    return BudgetCache(request.param, monkeypatch, fake_stytch, prefix)


def seed_people(fake: FakeStytch) -> tuple[Person, Person]:
    """Ada and Bo, each a member of the organizations that ask for a code: an email code first
    (``codes``), an SMS code (``sms``), an authenticator app with recovery codes (``totp``)."""
    organizations = [
        {"organization_slug": "codes", "auth_methods": "RESTRICTED", "allowed_auth_methods": ["email_otp"]},
        {"organization_slug": "sms", "mfa_policy": "REQUIRED_FOR_ALL"},
        {"organization_slug": "totp", "mfa_policy": "REQUIRED_FOR_ALL"},
    ]
    factors: dict[str, Callable[[str], Json]] = {
        "codes": lambda email: {},
        "sms": lambda email: {"mfa_phone_number": PHONES[email]},
        "totp": lambda email: {"totp_secret": SECRET, "recovery_codes": list(RECOVERY_CODES)},
    }
    members = [
        {"organization_slug": slug, "email_address": email, **factors_of(email)}
        for email in (EMAIL, OTHER)
        for slug, factors_of in factors.items()
    ]
    seeded = fake.seed({"organizations": organizations, "members": members})
    slugs = {org["organization_id"]: org["organization_slug"] for org in seeded["organizations"]}
    ids: dict[str, dict[str, str]] = {EMAIL: {}, OTHER: {}}
    for member in seeded["members"]:
        ids[member["email_address"]][slugs[member["organization_id"]]] = member["member_id"]
    return Person(EMAIL, ids[EMAIL]), Person(OTHER, ids[OTHER])


@pytest.fixture
def people(fake_stytch: FakeStytch) -> tuple[Person, Person]:
    return seed_people(fake_stytch)


def checks(fake: FakeStytch, endpoint: CodeEndpoint) -> int:
    """How many codes Stytch was asked to check at ``endpoint``."""
    return int(fake.stats()["requests"].get(endpoint.stytch_path, 0))


def attempt(client: APIClient, endpoint: CodeEndpoint, person: Person, code: str) -> Any:
    return post(client, endpoint.path, endpoint.body(person, code))


def spend(client: APIClient, fake: FakeStytch, endpoint: CodeEndpoint, person: Person, wrongs: int) -> str:
    """``wrongs`` wrong codes for ``person``, each answered as wrong; returns the right code."""
    right = endpoint.right(fake, person)
    for _ in range(wrongs):
        refused = attempt(client, endpoint, person, endpoint.wrong(right))
        assert (refused.status_code, refused.json()["code"]) == (400, endpoint.wrong_answer), refused.content
    return right


def assert_exhausted(response: Any) -> None:
    body = response.json()
    assert (response.status_code, body["code"]) == (429, "code_attempts_exhausted"), response.content
    assert set(body) == {"code", "message", "fields", "stytch_error_type", "stytch_request_id"}
    assert (body["fields"], body["stytch_error_type"], body["stytch_request_id"]) == ({}, None, None)
    wait = int(response["Retry-After"])
    assert 0 < wait <= WINDOW
    assert body["message"] == f"Too many wrong codes; try again in {-(-wait // 60)} min."


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_wrong_codes_spend_it_then_even_the_right_code_is_refused_without_asking_stytch(
    endpoint: CodeEndpoint,
    budget_cache: BudgetCache,
    fake_stytch: FakeStytch,
    people: tuple[Person, Person],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="stytch_discovery")
    ada, _ = people
    client = APIClient()
    endpoint.begin(client, fake_stytch, ada)
    right = spend(client, fake_stytch, endpoint, ada, 3)
    asked = checks(fake_stytch, endpoint)

    refused = [attempt(client, endpoint, ada, code) for code in (right, endpoint.wrong(right), right)]

    for response in refused:
        assert_exhausted(response)
    assert checks(fake_stytch, endpoint) == asked == 3
    # Refused attempts do not push the window's end further.
    assert int(refused[-1]["Retry-After"]) <= int(refused[0]["Retry-After"])
    # A spent budget is what a guesser leaves: logged at WARNING (the code never is).
    spent = [r for r in caplog.records if "429 code_attempts_exhausted" in r.getMessage()]
    assert [r.levelno for r in spent] == [logging.WARNING] * 3
    assert right not in caplog.text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_right_code_spends_nothing_and_forgives_nothing(
    endpoint: CodeEndpoint, budget_cache: BudgetCache, fake_stytch: FakeStytch, people: tuple[Person, Person]
) -> None:
    ada, _ = people
    client = APIClient()
    endpoint.begin(client, fake_stytch, ada)
    right = spend(client, fake_stytch, endpoint, ada, 2)

    assert attempt(client, endpoint, ada, right).status_code == 200

    # Signed in, the person starts again: one wrong code is left of the three, not three.
    again = APIClient()
    endpoint.begin(again, fake_stytch, ada)
    spend(again, fake_stytch, endpoint, ada, 1)
    assert_exhausted(attempt(again, endpoint, ada, endpoint.right(fake_stytch, ada)))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_identity_is_unaffected(
    endpoint: CodeEndpoint, budget_cache: BudgetCache, fake_stytch: FakeStytch, people: tuple[Person, Person]
) -> None:
    ada, bo = people
    guesser, bo_client = APIClient(), APIClient()
    endpoint.begin(guesser, fake_stytch, ada)
    right = spend(guesser, fake_stytch, endpoint, ada, 3)
    assert_exhausted(attempt(guesser, endpoint, ada, right))

    endpoint.begin(bo_client, fake_stytch, bo)
    done = attempt(bo_client, endpoint, bo, endpoint.right(fake_stytch, bo))

    assert done.status_code == 200, done.content


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_when_the_window_passes_the_right_code_works_again(
    endpoint: CodeEndpoint, budget_cache: BudgetCache, fake_stytch: FakeStytch, people: tuple[Person, Person]
) -> None:
    ada, _ = people
    client = APIClient()
    endpoint.begin(client, fake_stytch, ada)
    right = spend(client, fake_stytch, endpoint, ada, 3)
    assert_exhausted(attempt(client, endpoint, ada, right))

    budget_cache.window_passes()
    later = APIClient()  # a fresh step: the first one's IST and code may have expired by now
    endpoint.begin(later, fake_stytch, ada)
    done = attempt(later, endpoint, ada, endpoint.right(fake_stytch, ada))

    assert done.status_code == 200, done.content


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_code_stytch_could_not_check_spends_nothing(
    endpoint: CodeEndpoint, budget_cache: BudgetCache, fake_stytch: FakeStytch, people: tuple[Person, Person]
) -> None:
    ada, _ = people
    client = APIClient()
    endpoint.begin(client, fake_stytch, ada)
    right = endpoint.right(fake_stytch, ada)
    fake_stytch.add_fault(endpoint.stytch_path, status=503, count=5)

    failed = [attempt(client, endpoint, ada, endpoint.wrong(right)).status_code for _ in range(5)]

    assert failed == [502] * 5
    assert attempt(client, endpoint, ada, right).status_code == 200


def test_one_address_in_another_case_spends_the_same_budget(
    budget_cache: BudgetCache, fake_stytch: FakeStytch, people: tuple[Person, Person]
) -> None:
    ada, _ = people
    shouting = Person(EMAIL.upper(), ada.members)
    client = APIClient()
    begin_discovery(client, fake_stytch, ada)
    right = DISCOVERY.right(fake_stytch, ada)
    for _ in range(3):
        assert attempt(client, DISCOVERY, shouting, DISCOVERY.wrong(right)).json()["code"] == "code_invalid"

    assert_exhausted(attempt(client, DISCOVERY, ada, right))


def test_an_expired_or_used_code_is_not_a_wrong_one(
    budget_cache: BudgetCache, fake_stytch: FakeStytch, people: tuple[Person, Person]
) -> None:
    ada, _ = people
    client = APIClient()
    begin_discovery(client, fake_stytch, ada)
    right = DISCOVERY.right(fake_stytch, ada)
    assert attempt(client, DISCOVERY, ada, right).status_code == 200

    used = [attempt(client, DISCOVERY, ada, right).json()["code"] for _ in range(5)]

    assert used == ["code_expired"] * 5


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_with_the_cache_down_a_code_is_refused_with_503_and_not_checked(
    endpoint: CodeEndpoint,
    cache_outage: CacheOutage,
    fake_stytch: FakeStytch,
    people: tuple[Person, Person],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    without_throttles(settings)  # else the request throttles answer it first, the same way
    ada, _ = people
    client = APIClient()
    endpoint.begin(client, fake_stytch, ada)
    right = endpoint.right(fake_stytch, ada)
    cache_outage.begin()

    refused = attempt(client, endpoint, ada, right)

    assert (refused.status_code, refused.json()["code"]) == (503, "throttle_unavailable")
    assert checks(fake_stytch, endpoint) == 0
    cache_outage.assert_logged_safely(caplog, right)


#: An address whose letters have Unicode twins that Stytch (the fake: Python's ``lower()``) folds
#: into them: the Kelvin sign is ``k``, and a Unicode domain is one domain whatever its case.
KIOSK = "kit@kiosk.example"
UNICODE_DOMAIN = "ada@bücher.example"


@pytest.mark.parametrize(
    ("address", "variant", "answer"),
    [
        pytest.param(KIOSK, "\u212ait@kiosk.example", "validation_error", id="kelvin-sign-local-part"),
        pytest.param(KIOSK, "kit@\u212aiosk.example", "code_attempts_exhausted", id="kelvin-sign-domain"),
        pytest.param(
            UNICODE_DOMAIN, "ada@BÜCHER.example", "code_attempts_exhausted", id="unicode-domain-case"
        ),
    ],
)
def test_an_address_stytch_folds_into_another_spends_the_same_budget(
    address: str, variant: str, answer: str, budget_cache: BudgetCache, fake_stytch: FakeStytch
) -> None:
    """A second spelling of the address Stytch's code is for gets no budget of its own: it is
    refused, or counted as the address, and the right code is not checked (not a second chance)."""
    person = Person(address, {})
    client = APIClient()
    begin_discovery(client, fake_stytch, person)
    right = spend(client, fake_stytch, DISCOVERY, person, 3)
    asked = checks(fake_stytch, DISCOVERY)

    refused = attempt(client, DISCOVERY, Person(variant, {}), right)

    assert refused.json()["code"] == answer, refused.content
    assert checks(fake_stytch, DISCOVERY) == asked


def test_after_its_retry_after_the_right_code_works_though_a_window_began_with_a_right_code(
    monkeypatch: pytest.MonkeyPatch, fake_stytch: FakeStytch, settings: Any
) -> None:
    """The local-memory cache (any but Redis): an attempt taken back leaves the window's count at
    0, and the count after it is 1 again; that must not start the window over, or the spent budget
    outlives the ``Retry-After`` it was answered with (the window's true end)."""
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "WRONG_CODE_BUDGET": BUDGET}
    real, offset = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])  # the cache's clock
    monkeypatch.setattr(StytchDiscoveryThrottle, "timer", staticmethod(time.time))  # the counter's
    ada = Person(EMAIL, {})
    client = APIClient()
    begin_discovery(client, fake_stytch, ada)
    assert attempt(client, DISCOVERY, ada, DISCOVERY.right(fake_stytch, ada)).status_code == 200

    offset[0] = WINDOW / 2
    begin_discovery(client, fake_stytch, ada)
    right = spend(client, fake_stytch, DISCOVERY, ada, 3)
    refused = attempt(client, DISCOVERY, ada, right)
    assert_exhausted(refused)

    offset[0] += int(refused["Retry-After"]) + 1
    done = attempt(client, DISCOVERY, ada, right)

    assert done.status_code == 200, done.content
