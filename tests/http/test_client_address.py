"""Throttles key anonymous callers on the socket's peer; X-Forwarded-For only through trusted proxies."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from stytch_discovery.checks import check_settings
from stytch_discovery.defaults import parse_networks
from stytch_discovery.internal.proxies import client_address
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import post

SEND = "discovery/magic-links/send"


@pytest.fixture
def two_sends(settings: Any) -> None:
    settings.STYTCH_DISCOVERY = {
        **settings.STYTCH_DISCOVERY,
        "THROTTLE_RATES": {"stytch_discovery.send": "2/min"},
    }


def send(client: APIClient, email: str = "ada@acme.example", **extra: Any) -> int:
    status: int = post(client, SEND, {"email_address": email}, **extra).status_code
    return status


def test_rotating_x_forwarded_for_does_not_escape_the_limit(
    fake_stytch: FakeStytch, two_sends: None, db: None
) -> None:
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = [send(client, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(4)]

    assert statuses == [200, 200, 429, 429]
    assert len(fake_stytch.outbox()) == 2


def test_a_victims_address_in_the_header_does_not_lock_the_victim_out(
    fake_stytch: FakeStytch, two_sends: None, db: None
) -> None:
    attacker, victim = APIClient(REMOTE_ADDR="198.51.100.7"), APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        send(attacker, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert send(victim) == 200


def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client(
    fake_stytch: FakeStytch, two_sends: None, settings: Any, db: None
) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "TRUSTED_PROXIES": ["10.0.0.0/8"]}
    proxy = APIClient(REMOTE_ADDR="10.1.2.3")
    # The client forged a leftmost hop; the proxies appended the real one (203.0.113.5).
    for forged in ("1.1.1.1", "2.2.2.2"):
        assert send(proxy, HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.5, 10.9.9.9") == 200

    assert send(proxy, HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.5, 10.9.9.9") == 429
    assert send(proxy, HTTP_X_FORWARDED_FOR="203.0.113.6") == 200  # another client, another count


@pytest.mark.parametrize(
    ("remote", "header", "trusted", "expected"),
    [
        ("198.51.100.7", "203.0.113.1", [], "198.51.100.7"),
        ("10.0.0.1", "203.0.113.1", [], "10.0.0.1"),
        ("10.0.0.1", "203.0.113.1", ["10.0.0.0/8"], "203.0.113.1"),
        ("198.51.100.7", "203.0.113.1", ["10.0.0.0/8"], "198.51.100.7"),  # the peer is no proxy
        ("10.0.0.1", "203.0.113.1, 10.0.0.2", ["10.0.0.0/8"], "203.0.113.1"),
        ("10.0.0.1", "10.0.0.3, 10.0.0.2", ["10.0.0.0/8"], "10.0.0.3"),  # all trusted: the leftmost
        ("10.0.0.1", "", ["10.0.0.0/8"], "10.0.0.1"),
        ("10.0.0.1", "not-an-ip, 10.0.0.2", ["10.0.0.0/8"], "10.0.0.2"),  # garbage stops the walk
        ("", "203.0.113.1, 10.0.0.2", ["10.0.0.0/8"], "203.0.113.1"),  # a Unix socket: the proxy's
        ("", "203.0.113.1", [], ""),
        ("", "", ["10.0.0.0/8"], ""),
        ("", "garbage", ["10.0.0.0/8"], ""),
        ("::1", "2001:db8::5", ["::1"], "2001:db8::5"),
        ("10.0.0.1", "2001:db8::5", ["::1"], "10.0.0.1"),
        # A dual-stack socket shows an IPv4 peer IPv4-mapped; it is the IPv4 address.
        ("::ffff:10.0.0.1", "203.0.113.1", ["10.0.0.0/8"], "203.0.113.1"),
        ("::ffff:198.51.100.7", "", [], "198.51.100.7"),
        # Some proxies (Azure's) write a hop with its port.
        ("10.0.0.1", "203.0.113.1:4711", ["10.0.0.0/8"], "203.0.113.1"),
        ("10.0.0.1", "[2001:db8::5]:443, 10.0.0.2:80", ["10.0.0.0/8"], "2001:db8::5"),
    ],
)
def test_client_address(remote: str, header: str, trusted: list[str], expected: str) -> None:
    assert client_address(remote, header, parse_networks(trusted)) == expected


def test_rotating_ipv6_addresses_within_one_64_does_not_escape_the_limit(
    fake_stytch: FakeStytch, two_sends: None, db: None
) -> None:
    # One IPv6 subscriber gets a whole /64: each of its 2**64 addresses must not be a fresh count.
    statuses = [send(APIClient(REMOTE_ADDR=f"2001:db8:1:2::{n:x}")) for n in range(1, 5)]

    assert statuses == [200, 200, 429, 429]
    assert send(APIClient(REMOTE_ADDR="2001:db8:1:3::1")) == 200  # another /64, another count
    assert len(fake_stytch.outbox()) == 3


def ids(settings: Any, **django: Any) -> set[str]:
    for name, value in django.items():
        setattr(settings, name, value)
    return {str(message.id) for message in check_settings()}


@pytest.mark.parametrize(
    "value", ["10.0.0.0/8", ["10.0.0.0/33"], ["proxy.internal"], [10], ["10.0.0.1/8"], {"10.0.0.1": True}]
)
def test_a_malformed_trusted_proxies_is_e024(settings: Any, value: Any) -> None:
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "TRUSTED_PROXIES": value}

    assert "stytch_discovery.E024" in ids(settings)


@pytest.mark.parametrize(
    "django",
    [
        {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")},
        {"USE_X_FORWARDED_HOST": True},
        {"USE_X_FORWARDED_PORT": True},
        {"REST_FRAMEWORK": {"NUM_PROXIES": 1}},
    ],
)
def test_a_proxy_without_trusted_proxies_is_w010(settings: Any, django: dict[str, Any]) -> None:
    assert "stytch_discovery.W010" in ids(settings, **django)
    settings.STYTCH_DISCOVERY = {**settings.STYTCH_DISCOVERY, "TRUSTED_PROXIES": ["10.0.0.0/8"]}
    assert "stytch_discovery.W010" not in ids(settings)


@pytest.mark.parametrize(
    ("django", "start"),
    [
        ({"USE_X_FORWARDED_HOST": True}, "USE_X_FORWARDED_HOST says "),
        (
            {"USE_X_FORWARDED_HOST": True, "REST_FRAMEWORK": {"NUM_PROXIES": 1}},
            "USE_X_FORWARDED_HOST, REST_FRAMEWORK['NUM_PROXIES'] say ",
        ),
    ],
)
def test_w010_names_the_settings_that_say_so(settings: Any, django: dict[str, Any], start: str) -> None:
    for name, value in django.items():
        setattr(settings, name, value)
    (message,) = (message for message in check_settings() if message.id == "stytch_discovery.W010")
    assert message.msg.startswith(start)
