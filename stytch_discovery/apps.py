from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import Tags, register


class StytchDiscoveryConfig(AppConfig):
    name = "stytch_discovery"
    verbose_name = "Stytch discovery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .checks import check_settings

        register(Tags.security)(check_settings)
