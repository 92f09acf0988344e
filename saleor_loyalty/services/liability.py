"""The points liability for the accountants: a daily, append-only snapshot that reconciles.

``take_liability_snapshot(day)`` writes, once per day and currency, what the owners (customers
and companies) hold at the end of ``day`` - available, pending, held - and the day's movements:
earned (order earnings and bonuses), redeemed (holds captured by orders and direct
redemptions), expired, reversed and adjusted, all signed as they move the total. So, to the
point, for consecutive days::

    previous.available + previous.pending + previous.held
      + earned + redeemed + expired + reversed + adjusted
    = available + pending + held

(maturing, holds and releases move points between an owner's buckets and net to zero). Both
sides come from the ledger's entries, not from the cached balances, so a snapshot can be taken
for any past day. ``loyalty_reconcile`` checks every snapshot against the ledger and against
its predecessor (``ledger.checks``).

Points belong to the whole program, so ``channel`` is "" (all channels) and there is one row per
currency the program sells in, valued at that currency's point value (``value = outstanding x
point_value``, rounded to the currency's precision).

Expected breakage: of the points that left owners' accounts in the ``BREAKAGE_WINDOW_DAYS``
before the end of the day by expiring or being redeemed, the share that expired, applied to what
is outstanding and rounded down. Worked example: 1,200 points expired and 4,800 were redeemed in
the window, so the rate is 1,200 / 6,000 = 0.2; with 10,000 points outstanding the expected
breakage is 2,000 points. Reversals and adjustments are corrections, not customer behaviour,
and are left out of the rate.
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
from ..models import LiabilitySnapshot, OrderRecord

BREAKAGE_WINDOW_DAYS = 365
# Transaction kinds -> the movement they are reported under (the others net to zero).
MOVEMENTS = {
    "earn": "earned", "bonus": "earned", "capture": "redeemed", "redeem": "redeemed",
    "expire": "expired", "reverse": "reversed", "adjust": "adjusted",
}
CSV_COLUMNS = (
    "day", "channel", "currency", "available", "pending", "held", "outstanding", "earned", "redeemed", "expired",
    "reversed", "adjusted", "point_value", "value", "breakage_rate", "expected_breakage",
)

_BALANCES_SQL = """
SELECT e.bucket, coalesce(sum(e.points), 0)
FROM loyalty_ledger_entry e
JOIN loyalty_account a ON a.id = e.account_id
JOIN loyalty_ledger_transaction t ON t.id = e.transaction_id
WHERE a.owner_kind <> 'system' AND t.created_at < %s
GROUP BY e.bucket
"""
_MOVEMENTS_SQL = """
SELECT t.kind, coalesce(sum(e.points), 0)
FROM loyalty_ledger_entry e
JOIN loyalty_account a ON a.id = e.account_id
JOIN loyalty_ledger_transaction t ON t.id = e.transaction_id
WHERE a.owner_kind <> 'system' AND t.created_at >= %s AND t.created_at < %s
GROUP BY t.kind
"""


@dataclass(frozen=True)
class LedgerPosition:
    """What the owners held at a moment, and what moved in a period before it (signed)."""

    available: int
    pending: int
    held: int
    movements: dict[str, int]

    @property
    def outstanding(self) -> int:
        return self.available + self.pending + self.held


def get_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of ``day`` in the shop's time zone, as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def get_ledger_position(start: datetime, end: datetime) -> LedgerPosition:
    """Owner balances from the entries before ``end``, and the movements in ``[start, end)``."""
    with connection.cursor() as cursor:
        cursor.execute(_BALANCES_SQL, [end])
        balances = dict(cursor.fetchall())
        cursor.execute(_MOVEMENTS_SQL, [start, end])
        by_kind = dict(cursor.fetchall())
    movements = dict.fromkeys(("earned", "redeemed", "expired", "reversed", "adjusted"), 0)
    for kind, points in by_kind.items():
        name = MOVEMENTS.get(kind)
        if name is not None:
            movements[name] += int(points)
        else:
            # Maturing, holds and releases move points between an owner's own buckets.
            movements.setdefault("internal", 0)
            movements["internal"] += int(points)
    return LedgerPosition(int(balances.get("available", 0)), int(balances.get("pending", 0)),
                          int(balances.get("held", 0)), movements)


def calculate_breakage_rate(end: datetime, *, window_days: int = BREAKAGE_WINDOW_DAYS) -> Decimal:
    """Of the points expired or redeemed in the ``window_days`` before ``end``, the share that
    expired (0 when none left either way).

    >>> from decimal import Decimal
    >>> _share(1200, 4800)
    Decimal('0.200000')
    """
    position = get_ledger_position(end - timedelta(days=window_days), end)
    return _share(-position.movements["expired"], -position.movements["redeemed"])


def _share(expired: int, redeemed: int) -> Decimal:
    expired, redeemed = max(expired, 0), max(redeemed, 0)
    if expired + redeemed == 0:
        return Decimal("0.000000")
    return (Decimal(expired) / Decimal(expired + redeemed)).quantize(Decimal("0.000001"))


def get_program_currencies() -> list[str]:
    """The currencies the program values points in: every currency of a recorded order, and the
    shop's default currency (Saleor's ``DEFAULT_CURRENCY``) so a shop without orders has one."""
    currencies = set(OrderRecord.objects.values_list("currency", flat=True).distinct())
    currencies.add(getattr(settings, "DEFAULT_CURRENCY", "USD"))
    return sorted(currencies)


def take_liability_snapshot(
    day: date, *, config: ProgramConfig, now: datetime | None = None, currencies: Sequence[str] | None = None
) -> list[LiabilitySnapshot]:
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
        position = get_ledger_position(start, end)
        rate = calculate_breakage_rate(end)
        breakage = int((Decimal(max(position.outstanding, 0)) * rate).to_integral_value(rounding=ROUND_FLOOR))
        rows = [
            LiabilitySnapshot(
                day=day, as_of=end, channel="", currency=currency,
                available=position.available, pending=position.pending, held=position.held,
                earned=position.movements["earned"], redeemed=position.movements["redeemed"],
                expired=position.movements["expired"], reversed=position.movements["reversed"],
                adjusted=position.movements["adjusted"], point_value=config.point_value,
                value=quantize(Decimal(position.outstanding) * config.point_value, currency),
                breakage_rate=rate, breakage_window_days=BREAKAGE_WINDOW_DAYS, expected_breakage=breakage,
                created_at=now,
            )
            for currency in (currencies or get_program_currencies())
        ]
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


def get_liability_snapshots(start: date, end: date, *, currency: str | None = None) -> list[LiabilitySnapshot]:
    """The snapshots of ``start`` to ``end`` (inclusive), oldest first; at most 3,660 days."""
    if end < start:
        raise InvalidInput("the end day is before the start day", field="to")
    if (end - start).days > 3660:
        raise InvalidInput("at most ten years of snapshots at once", field="to")
    queryset = LiabilitySnapshot.objects.filter(day__gte=start, day__lte=end)
    if currency:
        queryset = queryset.filter(currency=currency.upper())
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
