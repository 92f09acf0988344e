"""``manage.py loyalty_deliver``: deliver, now, every order's loyalty work that is still due.

The same sweep as the periodic ``deliver_order_work_task`` (``services.order_delivery``): credits
of paid orders, reversals of cancelled and refunded ones, points held for checkouts that became
orders, tier refreshes. Safe to run at any time and more than once: nothing is ever doubled.
Inside Saleor it uses the plugin's stored configuration and mirrors balances into user metadata.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...services.order_delivery import deliver_due_order_work
from ...tasks import get_mirror, get_program_config


class Command(BaseCommand):
    help = "Deliver every order's due loyalty work (credits, reversals, captures, tier refreshes) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grace-minutes", type=int, default=0,
                            help="leave work younger than this to the queued tasks (default 0: all of it)")
        parser.add_argument("--batch-size", type=int, default=1000, help="orders of each kind per run (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["grace_minutes"] < 0 or options["batch_size"] < 1:
            raise CommandError("--grace-minutes must be >= 0 and --batch-size >= 1")
        result = deliver_due_order_work(
            config=get_program_config(None), grace=timedelta(minutes=options["grace_minutes"]),
            batch_size=options["batch_size"], mirror=get_mirror(),
        )
        summary = ", ".join(f"{count} {name}" for name, count in result.as_dict().items())
        if result.failed:
            raise CommandError(f"delivered with failures: {summary} (see the log)")
        self.stdout.write(self.style.SUCCESS(f"delivered: {summary}"))
