"""Earn: the points an order (or an event such as sign-up or a birthday) earns.

One strategy class per earn-rule kind (``earn_kinds.py``, registered by kind in
``EARN_STRATEGIES``), each with its fields and checks, a *condition* and a *benefit*.
``calculate_order_earn`` runs them by stage, in registry order within a stage; today:

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
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from .earn_context import ONE, EarnContext, EarnLine, EarnState, floor_points, line_matches
from .earn_kinds import EARN_STRATEGIES, EarnStrategy, is_birthday
from .money import ZERO, prorate
from .rules import EarnRule, EarnRuleKind, ProgramTerms
from .values import CustomerSnapshot, EarnPart, EarnQuote

# Callers import these from here: the public face of earn.
__all__ = [
    "EARN_STRATEGIES", "BonusEvent", "EarnContext", "EarnLine", "EarnState", "EarnStrategy",
    "calculate_event_bonus", "calculate_order_earn", "floor_points", "is_birthday", "line_matches",
    "paid_line_amounts",
]


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


_RATE_KINDS = tuple(kind for kind, strategy in EARN_STRATEGIES.items() if strategy.stage == "rate")
_ORDER_KINDS = tuple(kind for kind, strategy in EARN_STRATEGIES.items() if strategy.stage == "order")


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
    for kind in _RATE_KINDS:
        _run(kind, by_kind.get(kind, []), context, state)
    _base_parts(context, state)
    for kind in _ORDER_KINDS:
        _run(kind, by_kind.get(kind, []), context, state)
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
