"""``manage.py loyalty_liability``: take the daily liability snapshots, or export them as CSV.

    manage.py loyalty_liability                      # snapshot every ended day since the last one
    manage.py loyalty_liability --date 2026-11-30    # snapshot that day (once; again prints it)
    manage.py loyalty_liability --from 2026-11-01 --to 2026-11-30 [--currency USD] [--output f.csv]

Snapshots are append-only: taking a day again writes nothing. The CSV has one row per day and
currency (docs/ledger.md, "Liability").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...exceptions import InvalidInput
from ...services import liability
from ...tasks import get_program_config


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--{name} must be YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = "Take the daily points-liability snapshots, or export a range of them as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="take the snapshot of this day (YYYY-MM-DD)")
        parser.add_argument("--from", dest="start", help="export from this day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="export to this day, inclusive (default: --from)")
        parser.add_argument("--currency", help="export only this currency")
        parser.add_argument("--output", help="write the CSV to this file instead of the standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"], "from"), _day(options["end"], "to")
        try:
            if start is not None or end is not None:
                if start is None:
                    raise CommandError("--to needs --from")
                rows = liability.get_liability_snapshots(start, end or start, currency=options["currency"])
                if options["output"]:
                    with open(options["output"], "w", encoding="utf-8", newline="") as out:
                        liability.write_csv(rows, out)
                    self.stderr.write(f"{len(rows)} rows written to {options['output']}")
                else:
                    liability.write_csv(rows, self.stdout)
                return
            config = get_program_config(None)
            day = _day(options["date"], "date")
            if day is not None:
                rows = liability.take_liability_snapshot(day, config=config)
                self.stdout.write(liability.write_csv(rows), ending="")
                return
            written = liability.take_missing_snapshots(config=config)
            self.stdout.write(self.style.SUCCESS(f"{written} day(s) snapshotted"))
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
