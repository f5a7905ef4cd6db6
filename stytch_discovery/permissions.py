"""Public: the DRF permission classes over the Stytch member session."""

from __future__ import annotations

from .rbac.permissions import HasStytchPermission, HasStytchRole, IsStytchMember

__all__ = ["HasStytchPermission", "HasStytchRole", "IsStytchMember"]
