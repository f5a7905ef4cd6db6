"""The discovered-organization cache: what Stytch last said an identity can enter.

Rows are written only by ``stytch_discovery.org_cache``; the admin shows them read-only.
``CachedOrganization`` holds one row per organization an identity can see, ``CachedIdentity``
one row per identity: when a list last refreshed it, and a digest of what that list wrote, so
that a list that changes nothing writes only that one row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MembershipType(models.TextChoices):
    """Stytch's ``membership.type`` values: the one list of them (serializers and schema read it)."""

    ACTIVE_MEMBER = "active_member", _("Active member")
    PENDING_MEMBER = "pending_member", _("Pending member")
    INVITED_MEMBER = "invited_member", _("Invited member")
    ELIGIBLE_BY_EMAIL_DOMAIN = "eligible_to_join_by_email_domain", _("Eligible by email domain")
    ELIGIBLE_BY_OAUTH_TENANT = "eligible_to_join_by_oauth_tenant", _("Eligible by OAuth tenant")


class CachedOrganization(models.Model):
    """One organization one identity (its email address, users.normalize_email) can see at Stytch.

    What discovery last said, kept so the SPA and staff can see it without asking Stytch
    (``types.DiscoveredOrganization`` is Stytch's answer itself). Never holds a token:
    ``organization`` is Stytch's organization object, which has none. Nor a member's full phone
    number: the one in ``mfa_required.member_options`` is masked (``internal.phones``).
    """

    email_address = models.CharField(_("email address"), max_length=254, help_text=_("Lower-cased."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stytch_discovered_organizations",
    )
    organization_id = models.CharField(_("organization id"), max_length=255)
    # Stytch documents no length limits for names and logo URLs; a cache must not reject them.
    organization_name = models.TextField(_("organization name"), blank=True)
    organization_slug = models.CharField(_("organization slug"), max_length=255, blank=True)
    organization_logo_url = models.TextField(_("organization logo URL"), blank=True)
    # No ``choices`` enforcement at the database: a type Stytch adds later is still cached.
    membership_type = models.CharField(_("membership type"), max_length=64, choices=MembershipType.choices)
    member_authenticated = models.BooleanField(_("member authenticated"), default=False)
    primary_required = models.JSONField(_("primary authentication required"), null=True, blank=True)
    mfa_required = models.JSONField(_("MFA required"), null=True, blank=True)
    organization = models.JSONField(_("organization (raw)"), default=dict, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), default=timezone.now)
    #: When a write last stored this row: a list that changed something for the identity, a
    #: create or an exchange. A list that changed nothing moves ``CachedIdentity.refreshed_at``
    #: instead; the reads (``cache``, the cached endpoint, the prune command) use the later one.
    refreshed_at = models.DateTimeField(_("refreshed"), default=timezone.now)

    class Meta:
        verbose_name = _("discovered organization")
        verbose_name_plural = _("discovered organizations")
        ordering = ("organization_name", "organization_id")
        constraints = [
            # Also the index for "this identity's rows" (its leading column is email_address).
            models.UniqueConstraint(
                fields=["email_address", "organization_id"],
                name="stytch_discovery_identity_organization_unique",
            ),
        ]
        indexes = [
            # Who can see organization X; the user FK already has its own index.
            models.Index(fields=["organization_id"], name="stytch_disc_org_id_idx"),
        ]
        # No index on refreshed_at, although the prune command filters on it: every refresh
        # rewrites refreshed_at, and an index on it made each of those updates rewrite every
        # index entry of the row too (no heap-only update on PostgreSQL). Pruning is a
        # periodic batch that can afford a scan; refreshing is on the request path. On
        # PostgreSQL the table also keeps its pages half empty (migration 0002).

    def __str__(self) -> str:
        return f"{self.email_address} → {self.organization_name or self.organization_id}"


class CachedIdentity(models.Model):
    """One identity (its email address, users.normalize_email) whose discovered organizations are cached.

    ``digest`` summarizes every column the last list wrote to the identity's rows (see
    ``org_cache.store``), ``organization_count`` how many rows it left, and ``user`` the user it
    linked them all to (None: not known to be one user). A list whose answer has the same
    digest, for the same user, while the identity still has that many rows, only moves
    ``refreshed_at``. Any other write of the identity's rows clears ``digest``.
    """

    email_address = models.CharField(
        _("email address"), max_length=254, unique=True, help_text=_("Lower-cased.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    digest = models.CharField(_("digest of the cached rows"), max_length=64, blank=True)
    organization_count = models.PositiveIntegerField(_("organizations"), default=0)
    #: When a list last refreshed the identity, whether or not anything changed.
    refreshed_at = models.DateTimeField(_("refreshed"), default=timezone.now)

    class Meta:
        verbose_name = _("cached identity")
        verbose_name_plural = _("cached identities")
        # No index on refreshed_at: every list rewrites it (see CachedOrganization.Meta).

    def __str__(self) -> str:
        return self.email_address


#: The model's name before 0.1.0 was released; kept so code written against it keeps working.
DiscoveredOrganization = CachedOrganization


class StytchMember(models.Model):
    """A Stytch member (one person in one organization), and the Django user they are.

    One person may be a member of several organizations: each membership is a row, each
    linking to the same user. A request's member session maps to its user through
    ``member_id`` (unique, so indexed) in one query. The names are kept for the session
    endpoint, which answers without asking Stytch. Never holds a token.
    """

    member_id = models.CharField(_("member id"), max_length=255, unique=True)
    organization_id = models.CharField(_("organization id"), max_length=255, db_index=True)
    organization_slug = models.CharField(_("organization slug"), max_length=255, blank=True)
    organization_name = models.TextField(_("organization name"), blank=True)
    email_address = models.CharField(_("email address"), max_length=254, help_text=_("As Stytch has it."))
    name = models.TextField(_("name"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stytch_members",
        help_text=_("Empty when no user matched and CREATE_USERS is off."),
    )
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("Stytch member")
        verbose_name_plural = _("Stytch members")
        ordering = ("email_address", "organization_name")

    def __str__(self) -> str:
        return f"{self.email_address} in {self.organization_name or self.organization_id}"
