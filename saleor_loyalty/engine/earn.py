"""Earn: the points an order (or an event such as sign-up or a birthday) earns.

One strategy class per earn-rule kind, registered by kind in ``EARN_STRATEGIES``. Each strategy
has a *condition* (``is_applicable``: does this rule apply to this order, beyond the common
channel / currency / validity check) and a *benefit* (``apply``: given every applicable rule of
its kind, change the running ``EarnState``). ``calculate_order_earn`` runs them in this order:

1. EXCLUDE           a customer-type exclusion ends the calculation with 0 points; a target
                     exclusion removes matching lines from everything below.
2. BASE_RATE         the highest applicable rate replaces the program's ``points_per_unit``.
3. TIER_MULTIPLIER   the buyer's tier multiplier: the tier's own, or a rule's if higher.
   (base part)       floor(paid * rate); the tier's extra is floor(paid * rate * m) minus that.
4. PRODUCT_BONUS     per line the single best bonus; summed per rule, then floored.
5. FIRST_ORDER_BONUS a signed-in buyer's first order: the largest applicable bonus.
6. ORDER_CAP         last: the smallest applicable cap takes back what is above it.

"Paid" is what the buyer pays for the goods: the line totals after tier prices, less the order
discount prorated over all lines by their totals (``paid_line_amounts``), plus shipping when
``ProgramTerms.include_shipping_in_earn``. Points always round down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import ClassVar, NamedTuple

from .money import ZERO, prorate
from .rules import EarnRule, EarnRuleKind, ProgramTerms, TargetKind, Tier
from .values import CustomerSnapshot, EarnPart, EarnQuote

ONE = Decimal("1")


def floor_points(amount: Decimal) -> int:
    """Round points down: ``floor_points(Decimal("12.99")) == 12``."""
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


class EarnLine(NamedTuple):
    """A line as earn sees it: ``paid`` is its total after tier prices and the prorated order discount.

    A named tuple: built once per line per quote, so cheap construction matters.
    """

    line_id: str
    variant_id: int
    product_id: int
    category_ids: tuple[int, ...]
    quantity: int
    paid: Decimal


def paid_line_amounts(totals: Sequence[Decimal], order_discount: Decimal, *, currency: str) -> tuple[Decimal, ...]:
    """Each line's total less its share of ``order_discount`` (shares in proportion to the totals).

    The discount is capped at the sum of the totals and split exactly in minor units.
    Worked example (EUR): totals 60.00, 30.00, 10.00 and a 15.00 voucher -> shares 9.00, 4.50,
    1.50 -> paid 51.00, 25.50, 8.50. With 10.00 over 3 equal lines of 10.00 the shares are
    3.34, 3.33, 3.33 (the leftover cent goes to the first line) -> paid 6.66, 6.67, 6.67.
    """
    if order_discount == 0:
        return tuple(totals)
    discount = min(order_discount, sum(totals, ZERO))
    shares = prorate(discount, totals, currency)
    return tuple([total - share for total, share in zip(totals, shares, strict=True)])


# Enum members as module constants: reading ``TargetKind.ALL`` goes through the enum class's
# attribute lookup (about 150 ns on Python 3.11), and ``line_matches`` runs per line per rule.
_ALL, _VARIANT, _PRODUCT, _CATEGORY = TargetKind.ALL, TargetKind.VARIANT, TargetKind.PRODUCT, TargetKind.CATEGORY


def line_matches(kind: TargetKind | None, target_id: int | None, line: EarnLine) -> bool:
    """True when a rule's target (variant, product, category or ALL) covers ``line``."""
    if kind is _VARIANT:
        return line.variant_id == target_id
    if kind is _PRODUCT:
        return line.product_id == target_id
    if kind is _CATEGORY:
        return target_id in line.category_ids
    return kind is _ALL


@dataclass(frozen=True, slots=True)
class EarnContext:
    """What the rules look at; built once per order."""

    lines: tuple[EarnLine, ...]
    shipping: Decimal
    customer: CustomerSnapshot
    tier: Tier | None
    terms: ProgramTerms
    channel: str
    currency: str
    now: datetime


@dataclass(slots=True)
class EarnState:
    """The running result the strategies change (private to one calculation)."""

    rate: Decimal
    rate_rule: EarnRule | None = None
    multiplier: Decimal = ONE
    multiplier_code: str | None = None
    multiplier_rule_id: int | None = None
    excluded_line_ids: set[str] = field(default_factory=set)
    excluded_customer: EarnRule | None = None
    parts: list[EarnPart] = field(default_factory=list)

    def eligible_lines(self, context: EarnContext) -> list[EarnLine]:
        return [line for line in context.lines if line.line_id not in self.excluded_line_ids]

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)


class EarnStrategy:
    """One earn-rule kind: a condition (``is_applicable``) and a benefit (``apply``)."""

    kind: ClassVar[EarnRuleKind]

    def is_applicable(self, rule: EarnRule, context: EarnContext) -> bool:
        """Whether ``rule`` applies to this order, beyond channel, currency and validity."""
        return True

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        """Change ``state`` for every applicable rule of this kind (sorted by id)."""
        raise NotImplementedError


class Exclude(EarnStrategy):
    kind = EarnRuleKind.EXCLUDE

    def is_applicable(self, rule: EarnRule, context: EarnContext) -> bool:
        if rule.customer_type_id is not None:
            return context.customer.customer_type_id == rule.customer_type_id
        return True  # a target exclusion: ``apply`` finds the lines it covers

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        for rule in rules:
            if rule.customer_type_id is not None:
                state.excluded_customer = rule
                return
            for line in context.lines:
                if line_matches(rule.target_kind, rule.target_id, line):
                    state.excluded_line_ids.add(line.line_id)


class BaseRate(EarnStrategy):
    kind = EarnRuleKind.BASE_RATE

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        # Rules arrive sorted by id, so max() keeps the lowest id among equal rates.
        best = max(rules, key=lambda rule: rule.points_per_unit or ZERO)
        state.rate = best.points_per_unit or ZERO
        state.rate_rule = best


class TierMultiplier(EarnStrategy):
    kind = EarnRuleKind.TIER_MULTIPLIER

    def is_applicable(self, rule: EarnRule, context: EarnContext) -> bool:
        return context.tier is not None and context.tier.id == rule.tier_id

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        best = max(rules, key=lambda rule: rule.multiplier or ZERO)
        if best.multiplier is not None and best.multiplier > state.multiplier:
            state.multiplier = best.multiplier
            state.multiplier_rule_id = best.id
            state.multiplier_code = f"tier-multiplier:tier={best.tier_id};x={best.multiplier}"


class ProductBonus(EarnStrategy):
    kind = EarnRuleKind.PRODUCT_BONUS

    @staticmethod
    def extra(rule: EarnRule, line: EarnLine, rate: Decimal) -> Decimal:
        if rule.points is not None:
            return Decimal(rule.points * line.quantity)
        assert rule.multiplier is not None
        return line.paid * rate * (rule.multiplier - ONE)

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        raw_by_rule: dict[int, Decimal] = {}
        for line in state.eligible_lines(context):
            matching = [rule for rule in rules if line_matches(rule.target_kind, rule.target_id, line)]
            if not matching:
                continue
            # One bonus per line, the largest (lowest id on a tie): a product in a bonus
            # category and with its own bonus does not collect both.
            best = max(matching, key=lambda rule: (self.extra(rule, line, state.rate), -rule.id))
            raw_by_rule[best.id] = raw_by_rule.get(best.id, ZERO) + self.extra(best, line, state.rate)
        for rule in rules:
            if rule.id in raw_by_rule:
                how = f"per-item={rule.points}" if rule.points is not None else f"x={rule.multiplier}"
                points = floor_points(raw_by_rule[rule.id])
                state.parts.append(EarnPart(rule.id, f"product-bonus:{how}", points))


class _FixedBonus(EarnStrategy):
    """Sign-up, first-order and birthday bonuses: the largest applicable bonus, once."""

    label: ClassVar[str]

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        best = max(rules, key=lambda rule: rule.points or 0)
        state.parts.append(EarnPart(best.id, self.label, best.points or 0))


class SignupBonus(_FixedBonus):
    kind = EarnRuleKind.SIGNUP_BONUS
    label = "signup-bonus"


class FirstOrderBonus(_FixedBonus):
    kind = EarnRuleKind.FIRST_ORDER_BONUS
    label = "first-order-bonus"

    def is_applicable(self, rule: EarnRule, context: EarnContext) -> bool:
        # An anonymous checkout cannot be told apart from a returning customer's.
        return context.customer.user_id is not None and context.customer.orders_count == 0


class BirthdayBonus(_FixedBonus):
    kind = EarnRuleKind.BIRTHDAY_BONUS
    label = "birthday-bonus"

    def is_applicable(self, rule: EarnRule, context: EarnContext) -> bool:
        birthday = context.customer.birthday
        return birthday is not None and is_birthday(birthday, context.now.date())


class OrderCap(EarnStrategy):
    kind = EarnRuleKind.ORDER_CAP

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        cap = min(rules, key=lambda rule: rule.max_points or 0)
        limit = cap.max_points or 0
        if state.total > limit:
            state.parts.append(EarnPart(cap.id, f"cap:max={limit}", limit - state.total))


EARN_STRATEGIES: dict[EarnRuleKind, EarnStrategy] = {
    strategy.kind: strategy
    for strategy in (
        Exclude(),
        BaseRate(),
        TierMultiplier(),
        ProductBonus(),
        SignupBonus(),
        FirstOrderBonus(),
        BirthdayBonus(),
        OrderCap(),
    )
}


def is_birthday(birthday: date, today: date) -> bool:
    """True on the birthday's month and day; a 29 February birthday counts on 28 February in other years."""
    if (birthday.month, birthday.day) == (today.month, today.day):
        return True
    is_leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
    return (birthday.month, birthday.day) == (2, 29) and not is_leap and (today.month, today.day) == (2, 28)


def _applicable(kind: EarnRuleKind, rules: Sequence[EarnRule], context: EarnContext) -> list[EarnRule]:
    strategy = EARN_STRATEGIES[kind]
    return [
        rule
        for rule in rules
        if rule.kind is kind
        and rule.is_active(channel=context.channel, currency=context.currency, now=context.now)
        and strategy.is_applicable(rule, context)
    ]


def _run(kind: EarnRuleKind, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
    applicable = _applicable(kind, rules, context)
    if applicable:
        EARN_STRATEGIES[kind].apply(applicable, context, state)


def _base_parts(context: EarnContext, state: EarnState) -> None:
    paid = sum((line.paid for line in state.eligible_lines(context)), ZERO)
    if context.terms.include_shipping_in_earn:
        paid += context.shipping
    base = floor_points(paid * state.rate)
    rule_id = state.rate_rule.id if state.rate_rule else None
    state.parts.append(EarnPart(rule_id, f"base:rate={state.rate}", base))
    if state.multiplier != ONE:
        # The tier's share is the floor of the multiplied total less the base, so that base plus
        # tier is exactly floor(paid * rate * m) and never negative, even for a multiplier < 1.
        with_tier = floor_points(paid * state.rate * state.multiplier)
        state.parts.append(EarnPart(state.multiplier_rule_id, state.multiplier_code or "", with_tier - base))


def calculate_order_earn(context: EarnContext, rules: Sequence[EarnRule]) -> EarnQuote:
    """The points an order earns, with one ``EarnPart`` per contributing rule (see module doc).

    Worked example: rate 1 point per 1.00, Gold tier x1.5, lines paid 40.50 and 19.99 (a
    product with a x2 bonus): base floor(60.49) = 60; tier floor(90.735) - 60 = 30; product
    bonus floor(19.99 * 1 * (2 - 1)) = 19; total 109. A cap of 100 adds a part of -9.
    """
    by_kind: dict[EarnRuleKind, list[EarnRule]] = {}
    for rule in sorted(rules, key=lambda rule: rule.id):  # ties between rules go to the lowest id
        by_kind.setdefault(rule.kind, []).append(rule)
    state = EarnState(rate=context.terms.points_per_unit)
    if context.tier is not None and context.tier.multiplier != ONE:
        state.multiplier = context.tier.multiplier
        state.multiplier_code = f"tier-multiplier:tier={context.tier.id};x={context.tier.multiplier}"
    _run(EarnRuleKind.EXCLUDE, by_kind.get(EarnRuleKind.EXCLUDE, []), context, state)
    if state.excluded_customer is not None:
        code = f"excluded:customer-type={state.excluded_customer.customer_type_id}"
        return EarnQuote(0, (EarnPart(state.excluded_customer.id, code, 0),))
    _run(EarnRuleKind.BASE_RATE, by_kind.get(EarnRuleKind.BASE_RATE, []), context, state)
    _run(EarnRuleKind.TIER_MULTIPLIER, by_kind.get(EarnRuleKind.TIER_MULTIPLIER, []), context, state)
    _base_parts(context, state)
    _run(EarnRuleKind.PRODUCT_BONUS, by_kind.get(EarnRuleKind.PRODUCT_BONUS, []), context, state)
    _run(EarnRuleKind.FIRST_ORDER_BONUS, by_kind.get(EarnRuleKind.FIRST_ORDER_BONUS, []), context, state)
    _run(EarnRuleKind.ORDER_CAP, by_kind.get(EarnRuleKind.ORDER_CAP, []), context, state)
    return EarnQuote(state.total, tuple(state.parts))


class BonusEvent(StrEnum):
    SIGNUP = "signup"
    BIRTHDAY = "birthday"


def calculate_event_bonus(
    event: BonusEvent,
    customer: CustomerSnapshot,
    *,
    rules: Sequence[EarnRule],
    terms: ProgramTerms,
    channel: str,
    now: datetime,
) -> EarnQuote:
    """Points for a sign-up or a birthday (not tied to an order); 0 points and no parts if none.

    The engine does not know whether a bonus was already given: the service makes each award
    idempotent (``signup:<user>``, ``birthday:<user>:<year>``). Bonus rules limited to a currency
    are ignored here, because an event has no currency. An excluded customer type gets nothing.
    """
    if not terms.points_enabled:
        return EarnQuote(0, ())
    kind = EarnRuleKind.SIGNUP_BONUS if event is BonusEvent.SIGNUP else EarnRuleKind.BIRTHDAY_BONUS
    context = EarnContext((), ZERO, customer, None, terms, channel, "", now)
    state = EarnState(rate=ZERO)
    active = [
        rule
        for rule in sorted(rules, key=lambda rule: rule.id)
        if rule.currency is None and rule.is_active(channel=channel, currency="", now=now)
    ]
    _run(EarnRuleKind.EXCLUDE, active, context, state)
    if state.excluded_customer is not None:
        return EarnQuote(0, ())
    _run(kind, active, context, state)
    return EarnQuote(state.total, tuple(state.parts))
