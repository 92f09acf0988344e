"""Why an order earned what it did, told from the credit's own result (``CreditResult.breakdown``).

The engine returns one ``EarnPart`` per contributing rule, with a code saying how it counted
(``base:rate=1``, ``tier-multiplier:tier=2;x=1.25``, ``product-bonus:x=2``...); the parts sum
to the points credited. This module only names the rules and tiers those parts point at, so the
story's explanation cannot drift from what the ledger was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..engine.values import EarnPart
from ..models import EarnRule, Tier
from .cast import money, plain, times


def _fields(detail: str) -> dict[str, str]:
    """``tier=2;x=1.25`` -> ``{"tier": "2", "x": "1.25"}``."""
    return dict(item.partition("=")[::2] for item in detail.split(";") if item)


# How the demo writes an amount in each of its currencies: dollars as ``$12.50``, others after the
# number with their symbol (``176.00 zł``).
SYMBOLS = {"PLN": "zł"}


def format_amount(amount: str | Decimal, currency: str = "USD") -> str:
    """``$197.00`` in dollars, ``176.00 zł`` in zloty (another currency: its ISO code)."""
    if currency == "USD":
        return money(amount)
    return f"{Decimal(amount):,.2f} {SYMBOLS.get(currency, currency)}"


def _unit(currency: str) -> str:
    return "$1" if currency == "USD" else f"1 {SYMBOLS.get(currency, currency)}"


def describe_part(part: EarnPart, *, goods_paid: Decimal, rule_names: dict[int, str],
                  tier_names: dict[int, str], currency: str = "USD") -> str:
    """One part in words, e.g. ``197 at 1 point per $1 of $197.00 paid``."""
    kind, _, detail = part.code.partition(":")
    fields = _fields(detail)
    name = rule_names.get(part.rule_id, "") if part.rule_id is not None else ""
    if kind == "base":
        return (f"{part.points} at {plain(fields.get('rate', '0'))} point(s) per {_unit(currency)} of "
                f"{format_amount(goods_paid, currency)} paid")
    if kind == "tier-multiplier":
        tier = tier_names.get(int(fields.get("tier", "0") or 0), "tier")
        return f"{part.points} for tier {tier} ({times(fields.get('x', '1'))} the base)"
    if kind == "product-bonus":
        how = times(fields["x"]) if "x" in fields else f"{fields.get('per-item', '?')} per item"
        return f"{part.points} from '{name}' ({how})"
    if kind == "cap":
        return f"{part.points} by the cap of {fields.get('max', '?')} points an order"
    return f"{part.points} from '{name or part.code}'"


def explain_earn(breakdown: Sequence[EarnPart], *, points: int, goods_paid: Decimal, currency: str = "USD") -> str:
    """``346 = 197 at 1 point(s) per $1 of $197.00 paid + 149 from 'Double points...' (x2)``;
    an order in zloty: ``44 = 44 at 0.25 point(s) per 1 zł of 176.00 zł paid``."""
    if not breakdown:
        return f"{points} points"
    rule_ids = {part.rule_id for part in breakdown if part.rule_id is not None}
    rule_names = dict(EarnRule.objects.filter(pk__in=rule_ids).values_list("pk", "name"))
    tier_names = dict(Tier.objects.values_list("pk", "name"))
    parts = [describe_part(part, goods_paid=goods_paid, rule_names=rule_names, tier_names=tier_names,
                           currency=currency)
             for part in breakdown if part.points]
    return f"{points} = " + " + ".join(parts)
