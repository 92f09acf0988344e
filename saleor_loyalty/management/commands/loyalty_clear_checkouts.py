"""``manage.py loyalty_clear_checkouts``: take the plugin's prices and gift lines off every open
checkout, before the plugin is removed from a Saleor project (switching it off in Dashboard
does this by itself). Inside Saleor only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...apps import is_inside_saleor


class Command(BaseCommand):
    help = "Remove loyalty prices and gift lines from every checkout (before removing the plugin)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_inside_saleor():
            raise CommandError("loyalty_clear_checkouts runs inside a Saleor project (there are no checkouts here)")
        from saleor.core.db.connection import allow_writer

        from ...saleor.checkout import clear_loyalty_lines

        with allow_writer():
            changed = clear_loyalty_lines()
        self.stdout.write(f"{changed} checkouts cleared of loyalty prices and gift lines")
