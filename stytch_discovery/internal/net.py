"""Small URL and host helpers shared by the checks and the views."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import SplitResult, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_url(value: Any) -> SplitResult | None:
    """``value`` split, when it is a URL or a path; None for anything else (not a string, or text
    Python's parser raises on, such as ``http://[``, which every redirect to it would raise on)."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return parts if "[" not in parts.netloc or _is_ipv6_in_brackets(parts.netloc) else None


def _is_ipv6_in_brackets(netloc: str) -> bool:
    # Python 3.11.4+ refuses a bracketed host that is no IPv6 address (``https://[x]/``); older
    # Pythons split it, so the same value would be a URL on one and an error on the other.
    host = netloc.rpartition("@")[2].partition("[")[2].partition("]")[0]
    try:
        return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        return False


def http_url(value: Any) -> SplitResult | None:
    """``value`` split, when it is an http(s) URL; None for anything else (``split_url``'s None,
    or another scheme)."""
    parts = split_url(value)
    return parts if parts is not None and parts.scheme in ("http", "https") else None


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` appended to its query string (its own parameters kept)."""
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


def namespaced(request: HttpRequest, name: str) -> str:
    """``name`` in the URL namespace the request was routed through (the app's by default)."""
    match = request.resolver_match
    return f"{match.namespace if match and match.namespace else 'stytch_discovery'}:{name}"
