"""What-if backtest: replay historical orders through a candidate rule set, in memory.

``run_backtest`` compares a candidate ``RuleSet`` (``load_rule_set_file``: JSON in the engine's
terms) with the current one over the same orders from an ``OrderSource`` (``OrderRecordSource``,
``CsvOrderSource``). Nothing is written. See docs/metrics.md, "Backtest".
"""

from .replay import RuleSetFigures, RuleSetReplay
from .rules_json import load_rule_set_file, parse_rule_set
from .run import BacktestReport, get_default_warmup_days, run_backtest
from .sources import CSV_COLUMNS, CsvOrderSource, HistoricalOrder, OrderRecordSource, OrderSource

__all__ = [
    "CSV_COLUMNS",
    "BacktestReport",
    "CsvOrderSource",
    "HistoricalOrder",
    "OrderRecordSource",
    "OrderSource",
    "RuleSetFigures",
    "RuleSetReplay",
    "get_default_warmup_days",
    "load_rule_set_file",
    "parse_rule_set",
    "run_backtest",
]
