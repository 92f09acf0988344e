"""``manage.py loyalty_birthdays [--date YYYY-MM-DD]``: run the daily birthday job for a day.

The same job as the periodic ``grant_birthday_bonuses_task`` (``services.birthdays``): every
customer whose birthday falls on the day gets the birthday bonus the earn rules give, once a
year. Safe to run again: a bonus already booked is found, not booked twice. Inside Saleor it uses
the plugin's stored configuration.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ...services.birthdays import grant_birthday_bonuses
from ...tasks import get_program_config


class Command(BaseCommand):
    help = "Credit the birthday bonus to every customer whose birthday is the given day (default today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day, YYYY-MM-DD (default: today in the shop's time zone)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from None
        if day > timezone.localdate():
            raise CommandError("--date cannot be in the future: a bonus would be booked before the day")
        run = grant_birthday_bonuses(day, config=get_program_config(None))
        self.stdout.write(self.style.SUCCESS(
            f"birthdays on {day}: {run.due} due, {run.credited} credited, "
            f"{run.already_credited} credited before, {run.skipped} skipped"))
