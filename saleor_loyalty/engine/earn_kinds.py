"""Earn-rule kinds: one strategy class per kind, with everything that kind needs in one place.

A strategy names the ``EarnRule`` fields its kind uses (``fields``) and checks them (``check``,
called when an ``EarnRule`` is built), says when it runs (``stage``), when a rule applies
(``is_applicable``: beyond the common channel / currency / validity check) and what it does
(``apply``: given every applicable rule of its kind, change the running ``EarnState``).

Adding a kind: a value in ``EarnRuleKind``, a strategy here, its line in ``EARN_STRATEGIES``,
and a migration for the database's CHECK constraints (docs/architecture.md has the steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar

from .bounds import MAX_RATE
from .checks import check_decimal, fail
from .earn_context import ONE, EarnContext, EarnLine, EarnState, floor_points, line_matches
from .money import ZERO
from .rules import EarnRule, EarnRuleKind, check_target
from .values import EarnPart


class EarnStrategy:
    """One earn-rule kind: its fields and checks, a condition (``is_applicable``) and a benefit (``apply``).

    ``fields``: the optional ``EarnRule`` fields the kind uses (any other must be None).
    ``stage``: when ``calculate_order_earn`` runs it: ``filter`` first, ``rate`` before the base
    part is computed, ``order`` after it (in registry order), ``event`` never for an order (a
    sign-up or birthday bonus, ``calculate_event_bonus``).
    """

    kind: ClassVar[EarnRuleKind]
    fields: ClassVar[frozenset[str]]
    stage: ClassVar[str]

    def check(self, rule: EarnRule) -> None:
        """Raise ``InvalidRule`` when ``rule`` lacks what this kind needs (called by ``EarnRule``)."""

    def is_applicable(self, rule: EarnRule, context: EarnContext) -> bool:
        """Whether ``rule`` applies to this order, beyond channel, currency and validity."""
        return True

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        """Change ``state`` for every applicable rule of this kind (sorted by id)."""
        raise NotImplementedError


class Exclude(EarnStrategy):
    kind = EarnRuleKind.EXCLUDE
    fields = frozenset({"target_kind", "target_id", "customer_type_id"})
    stage = "filter"

    def check(self, rule: EarnRule) -> None:
        if (rule.target_kind is None) == (rule.customer_type_id is None):
            raise fail("EarnRule", "target_kind", "exactly one of a target and customer_type_id must be set")
        if rule.target_kind is not None:
            check_target("EarnRule", rule.target_kind, rule.target_id)
        elif rule.target_id is not None:
            raise fail("EarnRule", "target_id", "needs target_kind")

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
    fields = frozenset({"points_per_unit"})
    stage = "rate"

    def check(self, rule: EarnRule) -> None:
        if rule.points_per_unit is None:
            raise fail("EarnRule", "points_per_unit", "is required for base_rate rules")

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        # Rules arrive sorted by id, so max() keeps the lowest id among equal rates.
        best = max(rules, key=lambda rule: rule.points_per_unit or ZERO)
        state.rate = best.points_per_unit or ZERO
        state.rate_rule = best


class TierMultiplier(EarnStrategy):
    kind = EarnRuleKind.TIER_MULTIPLIER
    fields = frozenset({"multiplier", "tier_id"})
    stage = "rate"

    def check(self, rule: EarnRule) -> None:
        check_decimal("EarnRule", "multiplier", rule.multiplier, maximum=MAX_RATE)
        if rule.tier_id is None:
            raise fail("EarnRule", "tier_id", "is required for tier_multiplier rules")

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
    fields = frozenset({"target_kind", "target_id", "multiplier", "points"})
    stage = "order"

    def check(self, rule: EarnRule) -> None:
        check_target("EarnRule", rule.target_kind, rule.target_id)
        if (rule.multiplier is None) == (rule.points is None):
            raise fail("EarnRule", "multiplier", "exactly one of multiplier and points must be set")
        # Below 1 the "bonus" would take points away from the base rate.
        check_decimal("EarnRule", "multiplier", rule.multiplier, minimum=ONE, maximum=MAX_RATE, allow_none=True)

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
    fields = frozenset({"points"})
    stage = "event"

    def check(self, rule: EarnRule) -> None:
        if rule.points is None:
            raise fail("EarnRule", "points", f"is required for {self.kind.value} rules")

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        best = max(rules, key=lambda rule: rule.points or 0)
        state.parts.append(EarnPart(best.id, self.label, best.points or 0))


class SignupBonus(_FixedBonus):
    kind = EarnRuleKind.SIGNUP_BONUS
    label = "signup-bonus"


class FirstOrderBonus(_FixedBonus):
    kind = EarnRuleKind.FIRST_ORDER_BONUS
    label = "first-order-bonus"
    stage = "order"

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
    fields = frozenset({"max_points"})
    stage = "order"

    def check(self, rule: EarnRule) -> None:
        if rule.max_points is None:
            raise fail("EarnRule", "max_points", "is required for order_cap rules")

    def apply(self, rules: Sequence[EarnRule], context: EarnContext, state: EarnState) -> None:
        cap = min(rules, key=lambda rule: rule.max_points or 0)
        limit = cap.max_points or 0
        if state.total > limit:
            state.parts.append(EarnPart(cap.id, f"cap:max={limit}", limit - state.total))


# The registry: one strategy per kind. The order is the order ``calculate_order_earn`` runs the
# kinds of one stage in (so ORDER_CAP, which takes back what is above the cap, comes last).
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
