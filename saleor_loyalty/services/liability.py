"""The points liability for the accountants: a daily, append-only snapshot that reconciles.

``take_liability_snapshot(day)`` writes, once per day that is over, one row per channel and
currency: what the owners (customers and companies) hold at the end of ``day`` - available,
pending, held - and the day's movements: earned (order earnings and bonuses), redeemed (holds
captured by orders and direct redemptions), expired (with the expired part of a released hold),
reversed and adjusted, all signed as they move the total. So, to the point, for consecutive days
of one channel and currency::

    previous.available + previous.pending + previous.held
      + earned + redeemed + expired + reversed + adjusted
    = available + pending + held

(maturing, holds and releases move points between an owner's buckets and net to zero). Both
sides come from the ledger's entries, not from the cached balances, so a snapshot can be taken
for any past day. ``loyalty_reconcile`` checks every row against its predecessor and the latest
day's total against the ledger (``ledger.checks``).

**Which channel.** Every transaction belongs to the channel and currency of the order it is tied
to (``ledger.liability_sql``: its own order, a hold's order or checkout, the reversed credit's,
the credited lot's); one tied to no order - a bonus, a staff adjustment, the hold of a checkout
that never became an order - is unassigned: channel "" in the program's base currency. A channel
row is the net of what happened in that channel, so points earned in one channel and redeemed in
another leave the first up and the second down (possibly below zero); the rows of a day sum to
exactly what the accounts hold. Each row is valued at its channel's point value (the channel's
terms, else the program's): ``value = outstanding x point_value`` at the currency's precision.

Expected breakage: of the points that left owners' accounts in the ``BREAKAGE_WINDOW_DAYS``
before the end of the day by expiring or being redeemed (program-wide: a point earned in one
channel may be spent in another), the share that expired, applied to each row's outstanding and
rounded down. Worked example: 1,200 points expired and 4,800 were redeemed in the window, so the
rate is 1,200 / 6,000 = 0.2; a row with 10,000 points outstanding expects 2,000 to expire unused.
Reversals and adjustments are corrections, not customer behaviour, and are left out of the rate.
(Attribution and SQL after the liability helper's design, on the ``liability`` branch.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.money import quantize
from ..exceptions import InvalidInput
from ..ledger.liability_sql import fetch_channel_balances
from ..models import LiabilitySnapshot
from .channels import get_channel_terms

BREAKAGE_WINDOW_DAYS = 365
CSV_COLUMNS = (
    "day", "channel", "currency", "available", "pending", "held", "outstanding", "earned", "redeemed", "expired",
    "reversed", "adjusted", "point_value", "value", "breakage_rate", "expected_breakage",
)

@dataclass(frozen=True)
class ChannelPosition:
    """One channel and currency's figures for a day (signed movements)."""

    channel: str
    currency: str
    available: int
    pending: int
    held: int
    earned: int
    redeemed: int
    expired: int
    reversed: int
    adjusted: int
    window_expired: int
    window_redeemed: int

    @property
    def outstanding(self) -> int:
        return self.available + self.pending + self.held


def get_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of ``day`` in the shop's time zone, as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def get_channel_positions(start: datetime, end: datetime, *,
                          window_days: int = BREAKAGE_WINDOW_DAYS) -> list[ChannelPosition]:
    """Per channel and currency: the owner balances before ``end``, the movements in
    ``[start, end)`` (signed: what they did to the total) and, for the breakage rate, the points
    expired and redeemed in the ``window_days`` before ``end``."""
    rows = fetch_channel_balances(start=start, end=end, window_start=end - timedelta(days=window_days))
    return [
        ChannelPosition(channel, currency, available, pending, held, earned, -redeemed, -expired, -reversed,
                        adjusted, window_expired, window_redeemed)
        for (channel, currency, available, pending, held, earned, redeemed, expired, reversed, adjusted,
             window_expired, window_redeemed) in rows
    ]


def calculate_breakage_rate(positions: Sequence[ChannelPosition]) -> Decimal:
    """Of the points expired or redeemed in the window (all channels), the share that expired
    (0 when none left either way).

    >>> _share(1200, 4800)
    Decimal('0.200000')
    """
    return _share(sum(p.window_expired for p in positions), sum(p.window_redeemed for p in positions))


def _share(expired: int, redeemed: int) -> Decimal:
    expired, redeemed = max(expired, 0), max(redeemed, 0)
    if expired + redeemed == 0:
        return Decimal("0.000000")
    return (Decimal(expired) / Decimal(expired + redeemed)).quantize(Decimal("0.000001"))


def take_liability_snapshot(day: date, *, config: ProgramConfig, now: datetime | None = None) -> list[LiabilitySnapshot]:
    """Write the snapshot of ``day`` (a day that is over), once: if the day's rows exist they are
    returned unchanged and nothing is written. ``InvalidInput`` for a day not yet over."""
    now = now or timezone.now()
    start, end = get_day_bounds(day)
    if end > now:
        raise InvalidInput(f"{day} is not over yet: a snapshot is taken once a day has ended", field="day")
    with transaction.atomic():
        # One writer per day: a second run waits here, then finds the rows.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('loyalty_liability'), %s)", [day.toordinal()])
        existing = list(LiabilitySnapshot.objects.filter(day=day))
        if existing:
            return existing
        positions = get_channel_positions(start, end)
        rate = calculate_breakage_rate(positions)
        rows = []
        for position in positions:
            # Unassigned points (no order) are valued in the program's base currency.
            currency = position.currency or config.base_currency or getattr(settings, "DEFAULT_CURRENCY", "USD")
            point_value = get_channel_terms(config, position.channel).point_value if position.channel \
                else config.point_value
            breakage = int((Decimal(max(position.outstanding, 0)) * rate).to_integral_value(rounding=ROUND_FLOOR))
            rows.append(LiabilitySnapshot(
                day=day, as_of=end, channel=position.channel, currency=currency,
                available=position.available, pending=position.pending, held=position.held,
                earned=position.earned, redeemed=position.redeemed, expired=position.expired,
                reversed=position.reversed, adjusted=position.adjusted, point_value=point_value,
                value=quantize(Decimal(position.outstanding) * point_value, currency),
                breakage_rate=rate, breakage_window_days=BREAKAGE_WINDOW_DAYS, expected_breakage=breakage,
                created_at=now,
            ))
        return LiabilitySnapshot.objects.bulk_create(rows)


def take_missing_snapshots(*, config: ProgramConfig, now: datetime | None = None, max_days: int = 31) -> int:
    """Snapshot every ended day since the last snapshot (at most ``max_days``, oldest first), so a
    day the job missed is filled in; returns the days written. Without any snapshot: yesterday."""
    now = now or timezone.now()
    yesterday = timezone.localdate(now) - timedelta(days=1)
    last = LiabilitySnapshot.objects.order_by("-day").values_list("day", flat=True).first()
    day = yesterday if last is None else last + timedelta(days=1)
    written = 0
    while day <= yesterday and written < max_days:
        take_liability_snapshot(day, config=config, now=now)
        day += timedelta(days=1)
        written += 1
    return written


def get_liability_snapshots(start: date, end: date, *, currency: str | None = None,
                            channel: str | None = None) -> list[LiabilitySnapshot]:
    """The snapshots of ``start`` to ``end`` (inclusive), oldest first; at most 3,660 days."""
    if end < start:
        raise InvalidInput("the end day is before the start day", field="to")
    if (end - start).days > 3660:
        raise InvalidInput("at most ten years of snapshots at once", field="to")
    queryset = LiabilitySnapshot.objects.filter(day__gte=start, day__lte=end)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
    if channel is not None:
        queryset = queryset.filter(channel=channel)
    return list(queryset.order_by("day", "channel", "currency"))


def write_csv(rows: Iterable[LiabilitySnapshot], out: io.TextIOBase | None = None) -> str:
    """The rows as CSV (``CSV_COLUMNS``, a header first); returned as text, and written to ``out``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([
            row.day.isoformat(), row.channel, row.currency, row.available, row.pending, row.held, row.outstanding,
            row.earned, row.redeemed, row.expired, row.reversed, row.adjusted, row.point_value.normalize(),
            row.value_in_currency,
            row.breakage_rate, row.expected_breakage,
        ])
    text = buffer.getvalue()
    if out is not None:
        out.write(text)
    return text
