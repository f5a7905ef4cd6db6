"""Public: the decorators for plain Django views."""

from __future__ import annotations

from .rbac.decorators import stytch_member_required, stytch_permission_required, stytch_role_required

__all__ = ["stytch_member_required", "stytch_permission_required", "stytch_role_required"]
