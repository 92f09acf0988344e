"""Program metrics: repeat rate, retention, churn, AOV, CLV, points flows, liability, cost, NPS.

Definitions in docs/metrics.md. ``calculate_program_metrics`` is the use case; ``parse_period``
turns a label such as ``2025-03`` into a ``Period``; ``write_metrics_csv`` exports a report.
"""

from .export import CSV_COLUMNS, write_metrics_csv
from .periods import Period, parse_period, period_between
from .program import DEFAULT_LOOKBACK_DAYS, calculate_program_metrics
from .results import GroupBy, MetricsRow, ProgramMetrics

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_LOOKBACK_DAYS",
    "GroupBy",
    "MetricsRow",
    "Period",
    "ProgramMetrics",
    "calculate_program_metrics",
    "parse_period",
    "period_between",
    "write_metrics_csv",
]
