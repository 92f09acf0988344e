"""Replaying orders through one rule set, in memory, with the engine doing every rule.

Per order, as the live program does it: quote the cart with the tier the customer holds
(``engine.quote.quote_cart``: tier prices, gifts, earn), then record the order in the customer's
history and re-evaluate the tier (``engine.tiers.select_tier``) on the figures the tiers need
(``engine.compiled.required_stats``). Nothing here decides a price, a gift, points or a tier.

Memory stays bounded by the number of customers: each keeps only the orders inside its tier
windows (with running sums, so a figure costs O(1)) and all-time totals, never the whole period.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from ...engine.compiled import CompiledRuleSet, required_stats
from ...engine.quote import quote_cart
from ...engine.rules import TierMetric
from ...engine.tiers import select_tier
from ...engine.outcomes import TierChange
from ...engine.values import Cart, CustomerSnapshot, CustomerStats, GiftLine, StatKey
from .sources import HistoricalOrder

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class RuleSetFigures:
    """What one rule set would have done over the period's orders.

    ``liability`` is the value of the points issued (``points_issued x point_value``): what the
    period's earn adds to the outstanding balance before any redemption or expiry.
    ``members`` are the signed-in customers with an order in the period; ``tier_distribution``
    maps tier names (``""`` for no tier) to the members the replay knows (warm-up included) at
    the period's end, best tier first.
    """

    version: str
    orders: int
    members: int
    base_revenue: Decimal
    goods_paid: Decimal
    points_issued: int
    point_value: Decimal
    liability: Decimal
    tier_price_discount: Decimal
    gift_units: int
    gift_cost: Decimal
    unpriced_gift_units: int
    upgrades: int
    downgrades: int
    tier_distribution: tuple[tuple[str, int], ...]

    @property
    def discount_cost(self) -> Decimal:
        return self.tier_price_discount + self.gift_cost


@dataclass(slots=True)
class _Window:
    """A customer's orders inside one rolling window, with running sums (O(1) per order)."""

    days: int
    items: deque[tuple[datetime, Decimal, int]] = field(default_factory=deque)
    spend: Decimal = ZERO
    orders: int = 0
    points: int = 0

    def add(self, placed_at: datetime, spend: Decimal, points: int) -> None:
        self.items.append((placed_at, spend, points))
        self.spend += spend
        self.orders += 1
        self.points += points

    def trim(self, now: datetime) -> None:
        """Forget orders placed before ``now - days`` (the live rule: ``placed_at >= now - window``)."""
        since = now - timedelta(days=self.days)
        while self.items and self.items[0][0] < since:
            _, spend, points = self.items.popleft()
            self.spend -= spend
            self.orders -= 1
            self.points -= points


@dataclass(slots=True)
class _Customer:
    """One member's replay state: tier, grace, all-time totals and one window per tier window."""

    windows: dict[int, _Window]
    tier_id: int | None = None
    below_since: date | None = None
    orders: int = 0
    ordered_in_period: bool = False
    signed_up_on: date | None = None
    spend_total: Decimal = ZERO
    points_total: int = 0

    def add(self, placed_at: datetime, spend: Decimal, points: int) -> None:
        self.orders += 1
        self.spend_total += spend
        self.points_total += points
        for window in self.windows.values():
            window.add(placed_at, spend, points)

    def get_figure(self, key: StatKey) -> Decimal:
        if key.window_days is None:
            spend, orders, points = self.spend_total, self.orders, self.points_total
        else:
            window = self.windows[key.window_days]
            spend, orders, points = window.spend, window.orders, window.points
        if key.metric is TierMetric.SPEND:
            return spend
        return Decimal(orders if key.metric is TierMetric.ORDERS else points)


class RuleSetReplay:
    """Feed ``replay(order)`` oldest first, then ``finish(end)`` for the figures."""

    def __init__(self, rules: CompiledRuleSet, *, variant_prices: dict[int, Decimal]) -> None:
        self.rules = rules
        self.variant_prices = variant_prices
        self.tiers = rules.tiers_by_rank if rules.terms.tiers_enabled else ()
        self.stat_keys: tuple[StatKey, ...] = required_stats(self.tiers)
        self.window_days = sorted({key.window_days for key in self.stat_keys if key.window_days is not None})
        self.customers: dict[int, _Customer] = {}
        self.orders = 0
        self.base_revenue = ZERO
        self.goods_paid = ZERO
        self.points_issued = 0
        self.tier_price_discount = ZERO
        self.gift_units = 0
        self.gift_cost = ZERO
        self.unpriced_gift_units = 0
        self.changes: Counter[TierChange] = Counter()

    def replay(self, order: HistoricalOrder, cart: Cart, *, counted: bool = True) -> None:
        """Quote ``order`` (as ``cart``) under these rules; ``counted`` False only warms up history."""
        customer = self._customer(order)
        snapshot = CustomerSnapshot(
            user_id=order.user_id, email=order.email or None, customer_type_id=order.customer_type_id,
            company_id=order.company_id, tier_id=customer.tier_id if customer else None,
            orders_count=customer.orders if customer else 0, signed_up_on=order.signed_up_on, birthday=None,
        )
        quote = quote_cart(cart, snapshot, self.rules, now=order.placed_at)
        # Guests earn nothing: the live program credits signed-in customers only.
        points = quote.earn.points if customer is not None else 0
        if counted:
            self._count(quote.base_subtotal, quote.subtotal, quote.goods_paid, points, quote.gift_lines)
        if customer is not None:
            customer.ordered_in_period = customer.ordered_in_period or counted
            customer.add(order.placed_at, quote.goods_paid, points)
            self._evaluate(customer, order.placed_at, counted=counted)

    def _customer(self, order: HistoricalOrder) -> _Customer | None:
        if order.user_id is None:
            return None
        customer = self.customers.get(order.user_id)
        if customer is None:
            windows = {days: _Window(days) for days in self.window_days}
            customer = self.customers[order.user_id] = _Customer(windows, signed_up_on=order.signed_up_on)
        return customer

    def _count(self, base: Decimal, subtotal: Decimal, paid: Decimal, points: int, gifts: tuple[GiftLine, ...]) -> None:
        self.orders += 1
        self.base_revenue += base
        self.goods_paid += paid
        self.points_issued += points
        self.tier_price_discount += base - subtotal
        for gift in gifts:
            self.gift_units += gift.quantity
            price = self.variant_prices.get(gift.variant_id)
            if price is None:
                self.unpriced_gift_units += gift.quantity
            else:
                self.gift_cost += price * gift.quantity

    def _stats(self, customer: _Customer, now: datetime) -> CustomerStats:
        for window in customer.windows.values():
            window.trim(now)
        return CustomerStats(tuple((key, customer.get_figure(key)) for key in self.stat_keys), customer.signed_up_on)

    def _evaluate(self, customer: _Customer, now: datetime, *, counted: bool) -> None:
        if not self.tiers:
            return
        decision = select_tier(
            self._stats(customer, now), self.tiers, current_tier_id=customer.tier_id,
            below_since=customer.below_since, today=now.date(),
        )
        if counted and decision.change in (TierChange.UPGRADE, TierChange.DOWNGRADE):
            self.changes[decision.change] += 1
        customer.tier_id = decision.tier_id
        customer.below_since = decision.below_since

    def finish(self, end: datetime) -> RuleSetFigures:
        """The figures, with every member's tier re-evaluated at ``end`` (a last periodic run)."""
        for customer in self.customers.values():
            self._evaluate(customer, end, counted=True)
        names = {tier.id: tier.name for tier in self.rules.tiers_by_rank}
        distribution = Counter(names.get(customer.tier_id, "") if customer.tier_id else ""
                               for customer in self.customers.values())
        ranks = {tier.name: tier.rank for tier in self.rules.tiers_by_rank}
        point_value = self.rules.terms.point_value
        return RuleSetFigures(
            version=self.rules.version,
            orders=self.orders,
            members=sum(1 for customer in self.customers.values() if customer.ordered_in_period),
            base_revenue=self.base_revenue,
            goods_paid=self.goods_paid,
            points_issued=self.points_issued,
            point_value=point_value,
            liability=self.points_issued * point_value,
            tier_price_discount=self.tier_price_discount,
            gift_units=self.gift_units,
            gift_cost=self.gift_cost,
            unpriced_gift_units=self.unpriced_gift_units,
            upgrades=self.changes[TierChange.UPGRADE],
            downgrades=self.changes[TierChange.DOWNGRADE],
            tier_distribution=tuple(sorted(distribution.items(), key=lambda item: -ranks.get(item[0], -(2**40)))),
        )
