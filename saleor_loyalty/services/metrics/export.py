"""A metrics report as CSV: one line per row (overall first), one column per figure."""

from __future__ import annotations

import csv
from dataclasses import fields
from typing import TextIO

from .results import MetricsRow, ProgramMetrics

_ROW_FIELDS = tuple(field.name for field in fields(MetricsRow) if field.name not in ("key", "label"))
CSV_COLUMNS: tuple[str, ...] = (
    "period", "period_start", "period_end", "channel", "currency", "group_by", "group_key", "group_label",
    *_ROW_FIELDS,
)


def _cell(value: object) -> str:
    # None is "not defined" (a zero denominator, or not available per channel): an empty cell.
    return "" if value is None else str(value)


def write_metrics_csv(report: ProgramMetrics, stream: TextIO) -> int:
    """Write ``report`` as CSV with a header line to ``stream``; return the number of data lines."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    head = (
        report.period.label, report.period.start.isoformat(), report.period.end.isoformat(),
        report.channel or "", report.currency, report.group_by.value,
    )
    for row in report.rows:
        writer.writerow((*head, row.key, row.label, *(_cell(getattr(row, name)) for name in _ROW_FIELDS)))
    return len(report.rows)
