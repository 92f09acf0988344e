"""The overview: the program's figures over a chosen period, the same as ``loyaltyMetrics``
(``services.metrics.calculate_program_metrics``), with SVG charts per month (or per day for a
period inside one month) and the tier distribution. Needs MANAGE_ORDERS, as ``loyaltyMetrics``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import LoyaltyError
from ...services import accounts_read, liability
from ...services.channels import get_channel_terms
from ...services.metrics import Period, calculate_program_metrics, parse_period, period_between
from ..charts import Series, bar_chart, line_chart
from ..page import Page

MAX_BUCKETS = 24


def default_period_label(today: date) -> str:
    """The last six calendar months, this one included: ``2025-10-01..2026-03-31``."""
    first = date(today.year, today.month, 1)
    start_month = first.month - 5
    start = date(first.year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
    end = (date(first.year + first.month // 12, first.month % 12 + 1, 1)) - timedelta(days=1)
    return f"{start.isoformat()}..{end.isoformat()}"


def overview(page: Page) -> HttpResponse:
    get = page.request.GET
    label = get.get("period", "").strip() or default_period_label(timezone.now().date())
    channel = get.get("channel", "").strip() or None
    currency = get.get("currency", "").strip().upper() or None
    context: dict[str, Any] = {"period": label, "channel": channel or "", "currency": currency or "", "error": ""}
    try:
        # A channel's report values points at the channel's own point value (docs/channels.md).
        point_value = get_channel_terms(page.config, channel).point_value if channel else page.config.point_value
        period = parse_period(label)
        report = calculate_program_metrics(period, point_value=point_value, channel=channel, currency=currency)
    except LoyaltyError as exc:
        # The landing page of a shop without orders yet says why there are no figures; only a
        # period the staff typed is a bad request.
        context["error"] = exc.message
        return page.render("overview.html", context, status=400 if "period" in get else 200)
    row = report.overall
    buckets = _buckets(period)
    per_bucket = [
        calculate_program_metrics(bucket, point_value=point_value, channel=channel, currency=report.currency).overall
        for bucket in buckets
    ]
    names = [bucket.label for bucket in buckets]
    tiers = accounts_read.count_members_by_tier()
    context.update(
        report=report, row=row, members=accounts_read.count_members(),
        charts=[
            bar_chart(_("Points issued and redeemed"), names, [
                Series(_("issued"), [item.points_issued for item in per_bucket]),
                Series(_("redeemed"), [item.points_redeemed for item in per_bucket]),
            ], chart_id="chart-points"),
            line_chart(_("Repeat-customer rate (%)"), names, [
                Series(_("repeat-customer rate"), [item.repeat_customer_rate for item in per_bucket]),
            ], chart_id="chart-repeat"),
            bar_chart(_("Members per tier (now)"), [tier.name if tier else _("no tier") for tier, _n in tiers], [
                Series(_("members"), [count for _tier, count in tiers]),
            ], chart_id="chart-tiers"),
            *_liability_chart(buckets, currency=report.currency),
        ],
    )
    return page.render("overview.html", context)


def _liability_chart(buckets: list[Period], *, currency: str | None) -> list[Any]:
    """Points outstanding and expected breakage at the end of each bucket, from the daily
    liability snapshots (docs/ledger.md, "Liability"); nothing before the first snapshot."""
    if not buckets:
        return []
    first, last = buckets[0].start.date(), (buckets[-1].end - timedelta(microseconds=1)).date()
    rows = liability.get_liability_snapshots(first, last, currency=currency)
    if not rows:
        return []
    outstanding, breakage = [], []
    for bucket in buckets:
        inside = [row for row in rows if bucket.start.date() <= row.day < bucket.end.date()]
        latest = inside[-1] if inside else None
        outstanding.append(None if latest is None else latest.outstanding)
        breakage.append(None if latest is None else latest.expected_breakage)
    title = _("Points outstanding (liability, %(currency)s %(value)s at the last snapshot)") % {
        "currency": rows[-1].currency, "value": rows[-1].value_in_currency}
    return [line_chart(title, [bucket.label for bucket in buckets], [
        Series(_("outstanding"), outstanding), Series(_("expected breakage"), breakage),
    ], chart_id="chart-liability")]


def _buckets(period: Period) -> list[Period]:
    """Calendar months of the period (days when it lies in one month), at most ``MAX_BUCKETS``."""
    start, end = period.start, period.end
    last = end - timedelta(microseconds=1)
    if (start.year, start.month) == (last.year, last.month):
        days = [start + timedelta(days=n) for n in range(min(period.days, 31))]
        return [_labelled(period_between(day, min(day + timedelta(days=1), end)), day.strftime("%m-%d")) for day in days]
    months: list[Period] = []
    cursor = datetime(start.year, start.month, 1, tzinfo=UTC)
    while cursor < end and len(months) < MAX_BUCKETS:
        following = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1, tzinfo=UTC)
        months.append(_labelled(period_between(max(cursor, start), min(following, end)), cursor.strftime("%Y-%m")))
        cursor = following
    return months


def _labelled(period: Period, label: str) -> Period:
    return Period(period.start, period.end, label)
