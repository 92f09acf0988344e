"""What earn strategies look at and change: the order's lines and context, and the running state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from .rules import EarnRule, ProgramTerms, TargetKind, Tier
from .values import CustomerSnapshot, EarnPart

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
