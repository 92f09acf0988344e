"""``manage.py loyalty_reconcile``: check every ledger invariant over all accounts, and that no
order's credit, cancellation or refund stayed undelivered past the grace period.

Prints a readable report and exits non-zero (``CommandError``) on any mismatch. The checks are
the ledger's own (``saleor_loyalty.ledger.checks``); this command only runs and prints them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...ledger.checks import CHECKS, find_ledger_problems


class Command(BaseCommand):
    help = "Check every invariant of the points ledger; exit non-zero with a report on any mismatch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="how long past due a hold, lot or order's credit/reversal may be before it is reported (default 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = find_ledger_problems(grace=timedelta(minutes=options["grace_minutes"]))
        if not problems:
            self.stdout.write(self.style.SUCCESS(f"ledger consistent: {len(CHECKS)} checks passed"))
            return
        self.stdout.write(f"{len(problems)} problem(s) found:")
        for problem in problems:
            self.stdout.write(f"  [{problem.check}] {problem.message}")
        raise CommandError(f"the points ledger is inconsistent: {len(problems)} problem(s), see the report above")
