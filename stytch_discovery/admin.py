"""Read-only admin for the organization cache and the member links: look, search, filter, purge.

Rows mirror what Stytch said (the member's phone number masked: the cache stores no full one);
an edit would be overwritten by the next refresh, so the admin offers none. Deleting is allowed
(a purge), the next list call recreates what is still true.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import CachedIdentity, CachedOrganization, StytchMember

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[CachedOrganization]
else:  # ModelAdmin is generic only in django-stubs, not at runtime.
    ModelAdmin = admin.ModelAdmin


@admin.register(CachedOrganization)
class CachedOrganizationAdmin(ModelAdmin):
    list_display = (
        "organization_name",
        "organization_slug",
        "email_address",
        "user",
        "membership_type",
        "member_authenticated",
        "refreshed_at",
    )
    list_filter = ("membership_type", "member_authenticated")
    list_select_related = ("user",)
    date_hierarchy = "refreshed_at"
    ordering = ("-refreshed_at", "organization_name")
    # For subclasses that allow changes: a <select> of every user would not scale.
    raw_id_fields = ("user",)
    fields = (
        "email_address",
        "user",
        "organization_id",
        "organization_name",
        "organization_slug",
        "organization_logo_url",
        "membership_type",
        "member_authenticated",
        "primary_required",
        "mfa_required",
        "organization_json",
        "first_seen_at",
        "refreshed_at",
    )
    readonly_fields = fields

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        # The user model is swappable: its USERNAME_FIELD is only known once apps are loaded.
        username = get_user_model().USERNAME_FIELD
        return (
            "organization_name",
            "organization_slug",
            "organization_id",
            "email_address",
            f"user__{username}",
        )

    @admin.display(description=_("organization (raw JSON)"))
    def organization_json(self, row: CachedOrganization) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(row.organization, indent=2, sort_keys=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


if TYPE_CHECKING:
    MemberAdminBase = admin.ModelAdmin[StytchMember]
else:
    MemberAdminBase = admin.ModelAdmin


@admin.register(StytchMember)
class StytchMemberAdmin(MemberAdminBase):
    """Which Django user each Stytch member signs in as; read-only, like the cache.

    Deleting a row unlinks the member: their next sign-in links them again (``MEMBER_RESOLVER``).
    """

    list_display = ("email_address", "organization_name", "user", "member_id", "updated_at")
    list_filter = ("organization_name",)
    list_select_related = ("user",)
    ordering = ("email_address", "organization_name")
    raw_id_fields = ("user",)
    fields = (
        "member_id",
        "user",
        "email_address",
        "name",
        "organization_id",
        "organization_name",
        "organization_slug",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        username = get_user_model().USERNAME_FIELD
        return ("email_address", "member_id", "organization_name", "organization_slug", f"user__{username}")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


if TYPE_CHECKING:
    IdentityAdminBase = admin.ModelAdmin[CachedIdentity]
else:
    IdentityAdminBase = admin.ModelAdmin


@admin.register(CachedIdentity)
class CachedIdentityAdmin(IdentityAdminBase):
    """When a list last refreshed each identity, and how many organizations it left; read-only.

    Deleting a row only makes the identity's next list rewrite its organizations in full.
    """

    list_display = ("email_address", "user", "organization_count", "refreshed_at")
    list_select_related = ("user",)
    date_hierarchy = "refreshed_at"
    ordering = ("-refreshed_at",)
    raw_id_fields = ("user",)
    fields = ("email_address", "user", "organization_count", "digest", "refreshed_at")
    readonly_fields = fields

    def get_search_fields(self, request: HttpRequest) -> tuple[str, ...]:
        return ("email_address", f"user__{get_user_model().USERNAME_FIELD}")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
