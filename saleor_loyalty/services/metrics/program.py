"""The program-metrics use case: one report per period, channel and grouping.

A constant number of queries whatever the size of the period: the currencies (skipped when the
caller names one), orders, points, NPS, and at most one for group names.
"""

from __future__ import annotations

from decimal import Decimal

from ...exceptions import InvalidInput
from . import queries
from .periods import Period
from .results import GroupBy, MetricsRow, NpsFigures, OrderFigures, PointFigures, ProgramMetrics, build_row

DEFAULT_LOOKBACK_DAYS = 365
MAX_LOOKBACK_DAYS = 36_500  # a century: more is a typo, and would leave the calendar's range


def _resolve_currency(period: Period, *, channel: str | None, currency: str | None) -> str:
    if currency is not None:
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise InvalidInput(f"currency must be a three-letter ISO 4217 code, got {currency!r}", field="currency")
        return currency
    found, newest = queries.fetch_currencies(period, channel=channel)
    if len(found) > 1:
        raise InvalidInput(
            f"orders in this period are in several currencies ({', '.join(found)}): pass a channel or a currency",
            field="currency",
        )
    if found:
        return found[0]
    # A period without orders still reports points and NPS, in the currency the shop last sold in.
    if newest is None:
        raise InvalidInput("there are no orders to take the currency from: pass a currency", field="currency")
    return newest


def _check_parameters(
    *, gross_margin: Decimal, point_value: Decimal, lookback_days: int | None, channel: str | None
) -> None:
    problems: list[tuple[str | None, str]] = []
    if channel is not None and (len(channel) > 255 or "\x00" in channel):
        problems.append(("channel", "channel must be a channel slug (at most 255 characters)"))
    if not gross_margin.is_finite() or not Decimal(0) <= gross_margin <= Decimal(1):
        problems.append(("gross_margin", f"gross_margin must be between 0 and 1, got {gross_margin}"))
    if not point_value.is_finite() or point_value <= 0:
        problems.append(("point_value", f"point_value must be greater than 0, got {point_value}"))
    if lookback_days is not None and not 1 <= lookback_days <= MAX_LOOKBACK_DAYS:
        problems.append(("lookback_days", f"lookback_days must be 1 to {MAX_LOOKBACK_DAYS} (or None: all time), "
                                          f"got {lookback_days}"))
    if problems:
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems)


def calculate_program_metrics(
    period: Period,
    *,
    point_value: Decimal,
    channel: str | None = None,
    currency: str | None = None,
    group_by: GroupBy = GroupBy.NONE,
    gross_margin: Decimal = Decimal("1"),
    lookback_days: int | None = DEFAULT_LOOKBACK_DAYS,
    base_currency: str | None = None,
) -> ProgramMetrics:
    """The program's figures over ``period`` (overall, and per group with ``group_by``).

    ``point_value`` is what one point is worth in the report's currency (the program's
    ``point_value``); ``gross_margin`` (0-1) turns revenue into contribution for the CLV;
    ``lookback_days`` is how far back an order makes someone a customer "at the start" of the
    period (None: all time). Without ``channel`` every channel counts, so the orders of the
    period must share one currency (or pass ``currency`` to report only orders in it). With
    ``base_currency`` (the program's) every currency counts, converted at the rate each order
    recorded when paid; orders without a rate are left out and counted in ``unconverted_orders``
    (example: 100.00 PLN recorded at 0.25 and 30.00 USD -> revenue 55.00 USD).
    Raises ``InvalidInput`` for bad parameters, listing every problem.

    Worked example: 3 customers with orders before March (within the lookback); in March two of
    them order again (one twice) and one new customer orders once: 4 orders by 3 customers, RCR
    1/3 = 33.33 %, CRR (3 - 1) / 3 = 66.67 % where "3 at end" counts the new customer, churn
    33.33 %.
    """
    _check_parameters(gross_margin=gross_margin, point_value=point_value, lookback_days=lookback_days,
                      channel=channel)
    group_by = GroupBy(group_by)
    convert = base_currency is not None
    unconverted: int | None = None
    if base_currency is not None:
        currency = _resolve_currency(period, channel=channel, currency=base_currency)
        unconverted = queries.fetch_unconverted_orders(period, channel=channel)
    else:
        currency = _resolve_currency(period, channel=channel, currency=currency)
    orders = queries.fetch_order_figures(
        period, channel=channel, currency=currency, group_by=group_by, lookback_days=lookback_days, convert=convert
    )
    points = queries.fetch_point_figures(period, channel=channel, group_by=group_by)
    nps = queries.fetch_nps_figures(period, channel=channel, group_by=group_by)

    def row(key: str | None, label: str) -> MetricsRow:
        empty_points = PointFigures(expired=None, outstanding=None) if channel else PointFigures()
        return build_row(
            key or "", label, orders.get(key, OrderFigures()), points.get(key, empty_points),
            nps.get(key, NpsFigures()), currency=currency, point_value=point_value, gross_margin=gross_margin,
        )

    groups: tuple[MetricsRow, ...] = ()
    if group_by is not GroupBy.NONE:
        keys = {key for source in (orders, points, nps) for key in source if key is not None}
        labels = queries.fetch_group_labels(group_by, keys)
        groups = tuple(sorted((row(key, labels[key]) for key in keys), key=lambda item: (item.label, item.key)))
    return ProgramMetrics(
        period=period, channel=channel, currency=currency, group_by=group_by, gross_margin=gross_margin,
        point_value=point_value, lookback_days=lookback_days, overall=row(None, "All"), groups=groups,
        in_base_currency=convert, unconverted_orders=unconverted,
    )
