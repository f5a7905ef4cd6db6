"""Signals the host project can connect to; both are sent after the transaction commits.

``organizations_discovered``: a list (or a discovery magic link) told which organizations an
identity can enter. Keyword arguments: ``email_address`` (A-Z lower-cased), ``user`` (the linked
Django user or None), ``organizations`` (a tuple of ``types.DiscoveredOrganization``) and
``changed``: False when the cache already held exactly that answer for that user, so the
refresh wrote nothing but the time it ran; True otherwise (also when ``CACHE_ENABLED`` is off,
as nothing was compared). It is sent for every list, changed or not.

``organization_created``: an organization was created through this app. Keyword arguments:
``email_address``, ``user``, ``organization`` (``types.Organization``) and ``member``
(``types.Member``).

The sender is ``models.CachedOrganization``. No argument carries a token.
"""

from __future__ import annotations

from django.dispatch import Signal

organizations_discovered = Signal()
organization_created = Signal()
