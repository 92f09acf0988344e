"""The backtest use case: replay a period of orders through the current and a candidate rule set.

Both rule sets see the same orders in one pass over the source; nothing is written anywhere (no
ledger, no order record, no tier). Orders of a warm-up span before the period only build each
customer's history, so that tiers at the start of the period are what they would have been.

With ``workers`` > 1 the customers are split between processes: every figure is a sum over
customers (a customer's tier depends only on their own orders), so each process replays the
whole stream but quotes only its share of the customers (guests by order), and the shares'
figures add up to exactly the single-process result.
"""

from __future__ import annotations

import functools
import multiprocessing
import time
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ...engine.compiled import compile_rules, required_stats
from ...engine.rules import RuleSet
from ...engine.values import Cart
from ...exceptions import InvalidInput
from ..metrics.periods import Period
from .replay import RuleSetFigures, RuleSetReplay
from .sources import HistoricalOrder, OrderSource


@dataclass(frozen=True, slots=True)
class BacktestReport:
    """The two rule sets' figures over the same orders (``candidate`` minus ``current`` is the change)."""

    period: Period
    currency: str
    warmup_days: int
    orders: int
    warmup_orders: int
    fallback_lines: int
    workers: int
    seconds: float
    current: RuleSetFigures
    candidate: RuleSetFigures


@dataclass(frozen=True, slots=True)
class _Share:
    """What one process found: both rule sets' figures over its customers."""

    figures: tuple[RuleSetFigures, RuleSetFigures]
    orders: int
    warmup_orders: int
    currency: str
    fallback_lines: int


def get_default_warmup_days(*rule_sets: RuleSet) -> int:
    """The longest tier window of the rule sets (0 without windowed tiers)."""
    windows = [key.window_days for rules in rule_sets for key in required_stats(rules.tiers) if key.window_days]
    return max(windows, default=0)


def _share_of(order: HistoricalOrder, shares: int) -> int:
    if shares == 1:
        return 0
    # A member's orders all go to one process (their tier is theirs); a guest's by order id.
    key = order.user_id if order.user_id is not None else zlib.crc32(order.order_id.encode())
    return key % shares


def _replay_share(source: OrderSource, period: Period, warmup_start: datetime, rule_sets: tuple[RuleSet, RuleSet],
                  explicit_prices: dict[int, Decimal], share: int, shares: int) -> _Share:
    prices = dict(explicit_prices)  # shared by both replays; filled with list prices as orders stream by
    replays = [RuleSetReplay(compile_rules(rules), variant_prices=prices) for rules in rule_sets]
    currency: str | None = None
    counted = warmup = 0
    for order in source.iter_orders(warmup_start, period.end):
        if currency is None:
            currency = order.currency
        elif order.currency != currency:
            raise InvalidInput(
                f"orders in {currency} and {order.currency}: replay one channel (or currency) at a time",
                field="channel",
            )
        for line in order.lines:  # every process sees every line, so gift prices agree across shares
            if line.variant_id not in explicit_prices:
                prices[line.variant_id] = line.base_unit_price
        in_period = order.placed_at >= period.start
        if in_period:
            counted += 1
        else:
            warmup += 1
        if _share_of(order, shares) != share:
            continue
        cart = Cart(order.channel, order.currency, order.lines, order.shipping, order.order_discount)
        for replay in replays:
            replay.replay(order, cart, counted=in_period)
    current, candidate = (replay.finish(period.end) for replay in replays)
    return _Share((current, candidate), counted, warmup, currency or "", source.fallback_lines)


def merge_figures(parts: list[RuleSetFigures], rules: RuleSet) -> RuleSetFigures:
    """One rule set's figures from its shares: counts and money add up, tiers are re-ranked."""
    first = parts[0]
    summed = {
        field.name: sum((getattr(part, field.name) for part in parts), type(getattr(first, field.name))())
        for field in fields(RuleSetFigures)
        if isinstance(getattr(first, field.name), (int, Decimal)) and field.name != "point_value"
    }
    distribution: Counter[str] = Counter()
    for part in parts:
        distribution.update(dict(part.tier_distribution))
    ranks = {tier.name: tier.rank for tier in rules.tiers}
    ordered = tuple(sorted(distribution.items(), key=lambda item: -ranks.get(item[0], -(2**40))))
    return RuleSetFigures(**{**summed, "version": first.version, "point_value": first.point_value,
                             "tier_distribution": ordered})


def run_backtest(
    source: OrderSource,
    period: Period,
    *,
    current: RuleSet,
    candidate: RuleSet,
    variant_prices: dict[int, Decimal] | None = None,
    warmup_days: int | None = None,
    workers: int = 1,
) -> BacktestReport:
    """Replay ``period``'s orders from ``source`` through ``current`` and ``candidate``.

    ``variant_prices`` values gift lines; variants it does not name take the last list price
    seen in the replayed orders (gifts of variants never seen stay unpriced and are counted).
    ``warmup_days`` None replays as far back as the longest tier window. The orders must share
    one currency (choose a channel in the source otherwise): money of several currencies is
    never added up. ``workers`` > 1 replays in that many processes (forked; each reads the
    source itself, so a database source must not run inside an open transaction). Raises
    ``InvalidInput``.
    """
    if warmup_days is None:
        warmup_days = get_default_warmup_days(current, candidate)
    if not 0 <= warmup_days <= 36_500 or workers < 1:
        raise InvalidInput("warmup_days must be 0 to 36500 and workers at least 1", field="warmup_days")
    started = time.perf_counter()
    arguments = (source, period, period.start - timedelta(days=warmup_days), (current, candidate),
                 dict(variant_prices or {}))
    if workers == 1:
        shares = [_replay_share(*arguments, 0, 1)]
    else:
        shares = _run_in_processes(arguments, workers)
    return BacktestReport(
        period=period, currency=shares[0].currency, warmup_days=warmup_days, orders=shares[0].orders,
        warmup_orders=shares[0].warmup_orders, fallback_lines=shares[0].fallback_lines, workers=workers,
        seconds=time.perf_counter() - started,
        current=merge_figures([share.figures[0] for share in shares], current),
        candidate=merge_figures([share.figures[1] for share in shares], candidate),
    )


def _run_in_processes(arguments: tuple[Any, ...], workers: int) -> list[_Share]:
    from django.db import connections

    if any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        raise InvalidInput("a backtest with several workers cannot run inside a database transaction",
                           field="workers")
    # A forked process must not share the parent's database socket: each opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        replay_share = functools.partial(_replay_share, *arguments)
        futures = [pool.submit(replay_share, share, workers) for share in range(workers)]
        return [future.result() for future in futures]
