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
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str, trusted: Sequence[IPNetwork]) -> str:
    """The client's address: ``remote_addr``, or the nearest untrusted hop of ``forwarded_for``.

    Only a hop vouched for by a trusted proxy is believed; an entry that is not an address stops
    the walk (a real proxy never writes one), and the last address known good is used. An empty
    ``remote_addr`` is a Unix socket (gunicorn behind nginx): only a local process can connect
    to one, so with trusted proxies configured it counts as one of them.
    """
    if not trusted:
        return remote_addr
    current = _address(remote_addr)
    if current is None and remote_addr:
        return remote_addr
    for hop in reversed(forwarded_for.split(",")):
        if current is not None and not _trusted(current, trusted):
            break
        previous = _address(hop)
        if previous is None:
            break
        current = previous
    return remote_addr if current is None else str(current)
