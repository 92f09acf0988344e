from __future__ import annotations

import importlib.util

from django.apps import AppConfig, apps


class LoyaltyConfig(AppConfig):
    name = "saleor_loyalty"
    label = "saleor_loyalty"
    verbose_name = "Loyalty"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Inside Saleor, every process (web, Celery worker, management command) gets the Saleor
        # shop adapter when Django starts, not only once a plugin hook imported the plugin.
        # Without Saleor (the demo, the tests) the package stays importable and registers nothing.
        if is_inside_saleor():
            from .saleor import saves
            from .saleor.shop import register

            register()
            saves.connect()


def is_inside_saleor() -> bool:
    """Saleor is installed and this Django project is Saleor (its core app is installed)."""
    return importlib.util.find_spec("saleor") is not None and apps.is_installed("saleor.core")
