"""Typed results of discovery by emailed code."""

from __future__ import annotations

from dataclasses import dataclass

from stytch_discovery.discovery.types import DiscoveryAuthentication, DiscoveryEmailSent


@dataclass(frozen=True)
class EmailCodeAuthentication(DiscoveryAuthentication):
    """Answer of ``authenticate_discovery_email_otp``: an IST and what it can enter."""


@dataclass(frozen=True)
class EmailCodeSent(DiscoveryEmailSent):
    """Answer of ``send_discovery_email_otp``."""
