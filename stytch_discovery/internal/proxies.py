"""Which address a request came from, for throttling: the socket's peer unless a trusted proxy says.

``X-Forwarded-For`` is written by whoever sends the request, so it is only believed for the hops
``STYTCH_DISCOVERY["TRUSTED_PROXIES"]`` names: the list is walked from the right (the hop nearest
this server), skipping trusted proxies, and the first address that is not one is the client. With
no trusted proxies (the default) the header is ignored and the client is ``REMOTE_ADDR``, so a
caller cannot rotate it to escape a limit, nor send a victim's address to lock the victim out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from stytch_discovery.defaults import IPNetwork

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(value: str) -> IPAddress | None:
    """The address in ``REMOTE_ADDR`` or a hop: a port (``1.2.3.4:80``, ``[::1]:80``) dropped,
    an IPv4-mapped IPv6 address (a dual-stack socket's IPv4 peer) as the IPv4 address it is."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, trusted: Sequence[IPNetwork]) -> str:
    """The client's address: ``remote_addr``, or the nearest untrusted hop of ``forwarded_for``.

    Only a hop vouched for by a trusted proxy is believed; an entry that is not an address stops
    the walk (a real proxy never writes one), and the last address known good is used. An empty
    ``remote_addr`` is a Unix socket (gunicorn behind nginx): only a local process can connect
    to one, so with trusted proxies configured it counts as one of them.
    """
    current = _address(remote_addr)
    if trusted and (current is not None or not remote_addr):
        for hop in reversed(forwarded_for.split(",")):
            if current is not None and not _trusted(current, trusted):
                break
            previous = _address(hop)
            if previous is None:
                break
            current = previous
    return remote_addr if current is None else str(current)


def throttle_bucket(address: str) -> str:
    """What an address is counted as: itself, or for IPv6 its /64, which one subscriber holds
    whole (so rotating through it would otherwise be a fresh count per request)."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address
