"""``manage.py loyalty_metrics --period 2025-03``: the program's metrics as CSV.

The same report as the ``loyaltyMetrics`` GraphQL query (``services.metrics``): one line for the
whole program, then one per group with ``--group-by``. Writes to stdout, or to ``--output FILE``.
Read-only; a constant number of queries whatever the size of the period.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...config import ProgramConfig
from ...exceptions import InvalidInput
from ...services.metrics import (
    DEFAULT_LOOKBACK_DAYS,
    GroupBy,
    calculate_program_metrics,
    parse_period,
    write_metrics_csv,
)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CommandError(f"not a number: {text!r}") from None


def _lookback(text: str) -> int | None:
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise CommandError(f"--lookback-days takes a number of days or 'all', not {text!r}") from None


class Command(BaseCommand):
    help = "Export the loyalty program's metrics for a period as CSV (docs/metrics.md defines each column)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True,
                            help="YYYY, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (UTC)")
        parser.add_argument("--channel", help="a channel slug (default: every channel)")
        parser.add_argument("--currency", help="only orders in this currency (needed when channels differ)")
        parser.add_argument("--group-by", choices=[item.value for item in GroupBy], default=GroupBy.NONE.value)
        parser.add_argument("--gross-margin", default="1",
                            help="the share of revenue that is contribution, 0-1, for the CLV (default 1)")
        parser.add_argument("--point-value", default=str(ProgramConfig().point_value),
                            help="what one point is worth: the program's point_value (default %(default)s)")
        parser.add_argument("--lookback-days", default=str(DEFAULT_LOOKBACK_DAYS),
                            help="how far back an order makes a customer 'at start', or 'all' (default %(default)s)")
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = calculate_program_metrics(
                parse_period(options["period"]),
                point_value=_decimal(options["point_value"]),
                channel=options["channel"] or None,
                currency=options["currency"] or None,
                group_by=GroupBy(options["group_by"]),
                gross_margin=_decimal(options["gross_margin"]),
                lookback_days=_lookback(options["lookback_days"]),
            )
        except InvalidInput as error:
            raise CommandError(error.message) from error
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as stream:
                lines = write_metrics_csv(report, stream)
            self.stderr.write(f"wrote {lines} row(s) to {options['output']}")
        else:
            buffer = io.StringIO()
            write_metrics_csv(report, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
