"""What-if: replay the last N days of orders through the current rules and a candidate, side by side.

``services.backtest.run_backtest`` over ``OrderRecordSource`` (nothing is written). The candidate
is the rule-set JSON of ``loyalty_backtest --candidate`` (docs/metrics.md), prefilled with the
current rules (``dump_rule_set``) so staff edit one figure and run. Needs MANAGE_ORDERS (the
report is revenue and discount cost, as ``loyaltyMetrics``).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import InvalidInput, LoyaltyError
from ...services.backtest import OrderRecordSource, parse_rule_set, run_backtest
from ...services.backtest.rules_json import dump_rule_set
from ...services.metrics import period_between
from ...services.rules.loader import load_rule_set
from ..charts import Series, bar_chart
from ..page import Page

MAX_DAYS = 3650
MAX_JSON_CHARS = 1_000_000


def what_if(page: Page) -> HttpResponse:
    config = page.config
    current = load_rule_set("current", config)
    context: dict[str, Any] = {"days": "90", "channel": "", "error": "", "report": None,
                               "candidate": json.dumps(dump_rule_set(current), indent=2)}
    if page.request.method != "POST":
        return page.render("what_if.html", context)
    post = page.request.POST
    context.update(days=post.get("days", "").strip(), channel=post.get("channel", "").strip(),
                   candidate=post.get("candidate", ""))
    try:
        days = _days(context["days"])
        if len(context["candidate"]) > MAX_JSON_CHARS:
            raise InvalidInput(f"the rule set is over {MAX_JSON_CHARS:,} characters", field="candidate")
        try:
            document = json.loads(context["candidate"])
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"the rule set is not JSON: {exc}", field="candidate") from None
        candidate, prices = parse_rule_set(document, version="candidate")
        now = timezone.now()
        report = run_backtest(OrderRecordSource(channel=context["channel"] or None), period_between(now - timedelta(days=days), now),
                              current=current, candidate=candidate, variant_prices=prices)
    except LoyaltyError as exc:
        context["error"] = exc.message
        context["problems"] = [message for _field, message in getattr(exc, "problems", [])][:50]
        return page.render("what_if.html", context, status=400)
    context.update(report=report, rows=_rows(report), charts=_charts(report))
    return page.render("what_if.html", context)


def _days(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise InvalidInput(f"days: a whole number from 1 to {MAX_DAYS}", field="days")
    return int(raw)


def _rows(report: Any) -> list[dict[str, Any]]:
    current, candidate = report.current, report.candidate
    names = [
        (_("Orders"), "orders"), (_("Members with an order"), "members"), (_("Points issued"), "points_issued"),
        (_("Liability (points issued x point value)"), "liability"), (_("Tier-price discount"), "tier_price_discount"),
        (_("Gift cost"), "gift_cost"), (_("Discount cost (tier prices + gifts)"), "discount_cost"),
        (_("Goods paid"), "goods_paid"), (_("Tier upgrades"), "upgrades"), (_("Tier downgrades"), "downgrades"),
    ]
    rows = []
    for label, name in names:
        now_value, then_value = getattr(current, name), getattr(candidate, name)
        rows.append({"label": label, "name": name, "current": now_value, "candidate": then_value,
                     "change": then_value - now_value})
    return rows


def _charts(report: Any) -> list[Any]:
    current, candidate = report.current, report.candidate
    both = [_("current"), _("candidate")]
    money = [_("liability"), _("discount cost")]
    tiers = list(dict.fromkeys([name for name, _n in current.tier_distribution] + [name for name, _n in candidate.tier_distribution]))
    now_tiers, then_tiers = dict(current.tier_distribution), dict(candidate.tier_distribution)
    return [
        bar_chart(_("Points issued"), [_("points issued")], [
            Series(both[0], [current.points_issued]), Series(both[1], [candidate.points_issued])], chart_id="chart-points"),
        bar_chart(_("Money (%(currency)s)") % {"currency": report.currency or "-"}, money, [
            Series(both[0], [current.liability, current.discount_cost]),
            Series(both[1], [candidate.liability, candidate.discount_cost])], chart_id="chart-money"),
        bar_chart(_("Tier moves"), [_("upgrades"), _("downgrades")], [
            Series(both[0], [current.upgrades, current.downgrades]),
            Series(both[1], [candidate.upgrades, candidate.downgrades])], chart_id="chart-moves"),
        bar_chart(_("Members per tier at the end"), [name or _("no tier") for name in tiers], [
            Series(both[0], [now_tiers.get(name, 0) for name in tiers]),
            Series(both[1], [then_tiers.get(name, 0) for name in tiers])], chart_id="chart-tiers"),
    ]


