"""``manage.py loyalty_backtest --period 2025-Q1 --candidate rules.json``: what if the rules were...

Replays the period's historical orders through the current rules and a candidate rule set (a
JSON file in the engine's terms, docs/metrics.md "Backtest"), in memory, and reports points
issued, liability, tier-price and gift cost, and the tier distribution side by side. Writes
nothing: no ledger row, no order record, no tier.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...config import ProgramConfig, parse_program_config
from ...engine.rules import RuleSet
from ...exceptions import InvalidInput
from ...services.backtest import (
    BacktestReport,
    CsvOrderSource,
    OrderRecordSource,
    OrderSource,
    RuleSetFigures,
    load_rule_set_file,
    run_backtest,
)
from ...services.metrics import parse_period

_FIGURES = ("orders", "members", "base_revenue", "goods_paid", "points_issued", "liability", "tier_price_discount",
            "gift_units", "gift_cost", "unpriced_gift_units", "discount_cost", "upgrades", "downgrades")


def _load_config(path: str | None) -> ProgramConfig:
    if not path:
        return ProgramConfig()
    try:
        return parse_program_config(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as error:
        raise CommandError(f"cannot read the program configuration {path}: {error}") from None


def _current_rules(options: dict[str, Any]) -> tuple[RuleSet, dict[int, Decimal]]:
    if options["current"]:
        return load_rule_set_file(options["current"])
    from ...services.rules.loader import load_rule_set

    return load_rule_set("current", _load_config(options["config"])), {}


def format_report(report: BacktestReport) -> str:
    """The report as a table: each figure for the current and candidate rules, and the change."""
    lines = [
        f"Backtest {report.period.label} ({report.period.start:%Y-%m-%d} to {report.period.end:%Y-%m-%d}, exclusive), "
        f"{report.orders} orders in {report.currency or '-'} (+{report.warmup_orders} warm-up orders over "
        f"{report.warmup_days} days), {report.seconds:.1f} s",
        f"{'figure':<22}{'current':>18}{'candidate':>18}{'change':>18}",
    ]
    for name in _FIGURES:
        old, new = getattr(report.current, name), getattr(report.candidate, name)
        lines.append(f"{name:<22}{old!s:>18}{new!s:>18}{new - old:>+18}")
    lines.append("tier distribution at the end of the period (members):")
    tiers = dict(report.current.tier_distribution), dict(report.candidate.tier_distribution)
    for name in dict.fromkeys([*tiers[1], *tiers[0]]):
        label = name or "(no tier)"
        lines.append(f"  {label:<20}{tiers[0].get(name, 0):>18}{tiers[1].get(name, 0):>18}"
                     f"{tiers[1].get(name, 0) - tiers[0].get(name, 0):>+18}")
    if report.fallback_lines:
        lines.append(f"note: {report.fallback_lines} order line(s) had no list price; their paid price stood in")
    return "\n".join(lines) + "\n"


def report_as_json(report: BacktestReport) -> str:
    def side(figures: RuleSetFigures) -> dict[str, Any]:
        data = {field.name: getattr(figures, field.name) for field in fields(RuleSetFigures)}
        data["discount_cost"] = figures.discount_cost
        data["tier_distribution"] = dict(figures.tier_distribution)
        return data

    return json.dumps({
        "period": report.period.label, "start": report.period.start.isoformat(), "end": report.period.end.isoformat(),
        "currency": report.currency, "orders": report.orders, "warmup_orders": report.warmup_orders,
        "warmup_days": report.warmup_days, "fallback_lines": report.fallback_lines, "seconds": report.seconds,
        "current": side(report.current), "candidate": side(report.candidate),
    }, default=str, indent=2) + "\n"


class Command(BaseCommand):
    help = "Replay a period of orders through a candidate rule set and compare it with the current rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY, YYYY-Qn, YYYY-MM, YYYY-Www, a day or DAY..DAY (UTC)")
        parser.add_argument("--candidate", required=True, help="the candidate rule set (JSON)")
        parser.add_argument("--current", help="the current rule set as JSON (default: the rules in the database)")
        parser.add_argument("--config", help="the program configuration as JSON, for the current rules from the "
                                             "database (default: the defaults)")
        parser.add_argument("--orders-csv", help="read orders from this CSV instead of the order records")
        parser.add_argument("--channel", help="only this channel's orders")
        parser.add_argument("--warmup-days", type=int,
                            help="replay this many days before the period to build tiers (default: longest window)")
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                            help="processes to replay in (default: one per CPU)")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
            candidate, prices = load_rule_set_file(options["candidate"])
            current, current_prices = _current_rules(options)
            source: OrderSource
            if options["orders_csv"]:
                source = CsvOrderSource(options["orders_csv"], channel=options["channel"])
            else:
                source = OrderRecordSource(channel=options["channel"])
            report = run_backtest(
                source, period, current=current, candidate=candidate, variant_prices={**current_prices, **prices},
                warmup_days=options["warmup_days"], workers=options["workers"],
            )
        except InvalidInput as error:
            raise CommandError(error.message) from error
        self.stdout.write(format_report(report) if options["format"] == "table" else report_as_json(report), ending="")
