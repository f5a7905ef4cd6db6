"""Typed results of the discovery magic link."""

from __future__ import annotations

from dataclasses import dataclass

from stytch_discovery.discovery.types import DiscoveryAuthentication, DiscoveryEmailSent


@dataclass(frozen=True)
class MagicLinkAuthentication(DiscoveryAuthentication):
    """Answer of ``authenticate_discovery_magic_link``: an IST and what it can enter."""


@dataclass(frozen=True)
class MagicLinkSent(DiscoveryEmailSent):
    """Answer of ``send_discovery_magic_link``."""
