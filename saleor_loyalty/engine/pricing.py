"""Tier prices: a line's unit price from the price lists that apply to the buyer.

Resolution, for one line (``docs/rules.md``, "Price lists"):

1. The lists that apply: the buyer is in the list's audience (or it is the standing list of
   the buyer's tier), the list's currency is the cart's, its channel is empty or the cart's,
   and ``now`` is inside its validity window (``CompiledRuleSet.get_applicable_list_ids``).
2. Their entries that target the line's variant, its product, one of its categories, or ALL.
3. Of each entry, the breaks reached: ``min_quantity <= quantity``.
4. Each reached break gives a unit price: the fixed price, or the base price less the
   percentage; kept within ``[0, base]`` and rounded once, half up, to the currency.
5. The lowest price wins. When several give that price, the one named as the reason is the
   list with the higher ``priority``, then the more specific target (variant > product >
   category > all), then the lower list id, lower entry id, higher break.
6. A price that is not below the base price is no discount: the line keeps its base price and
   has no reason.

Because every reached break competes (not only the highest one reached), a larger quantity
never raises the unit price, even when a list's breaks are entered out of order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from .compiled import IndexedEntry
from .money import quantize
from .values import BreakHint, PriceReason, PriceTableRow

# (unit price, -priority, -specificity, list id, entry id, -min quantity): the smallest wins.
_Key = tuple[Decimal, int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class LinePrice:
    """The resolved price of one line: unit price, why, and the next cheaper break."""

    unit_price: Decimal
    reason: PriceReason | None
    next_break: BreakHint | None


def _options(candidates: Iterable[IndexedEntry], base_unit_price: Decimal, currency: str) -> list[tuple[int, _Key]]:
    """Every break that would lower the base price, as (min quantity, key)."""
    options: list[tuple[int, _Key]] = []
    for item in candidates:
        for price_break in item.entry.breaks:
            price = quantize(price_break.unit_price(base_unit_price), currency)
            if price < base_unit_price:
                key = (price, -item.priority, -item.specificity, item.list_id, item.entry.id, -price_break.min_quantity)
                options.append((price_break.min_quantity, key))
    return options


def _reason(key: _Key) -> PriceReason:
    list_id, entry_id, min_quantity = key[3], key[4], -key[5]
    return PriceReason(
        rule_id=list_id,
        entry_id=entry_id,
        min_quantity=min_quantity,
        code=f"tier-price:list={list_id};break={min_quantity}",
    )


def resolve_line_price(
    base_unit_price: Decimal, quantity: int, candidates: Sequence[IndexedEntry], *, currency: str
) -> LinePrice:
    """Resolve the unit price for ``quantity`` units from the candidate entries (see module doc).

    Worked example (EUR, base 9.99): list 12 has a break at 50 of 15 % off, list 15 a break at
    10 of 8.60 fixed. For 60 units: 9.99 * 0.85 = 8.4915 -> 8.49 (rounded once) beats 8.60, so
    the unit price is 8.49, reason ``tier-price:list=12;break=50``. For 20 units only list 15 is
    reached: 8.60, and the next break hint says 30 more for 8.49 each.
    """
    best: _Key | None = None
    upcoming: _Key | None = None
    upcoming_quantity = 0
    options = _options(candidates, base_unit_price, currency)
    for min_quantity, key in options:
        if min_quantity <= quantity and (best is None or key < best):
            best = key
    unit_price = base_unit_price if best is None else best[0]
    for min_quantity, key in options:
        # The first quantity above this one where some break beats today's price; at that
        # quantity the lowest such break wins.
        if min_quantity > quantity and key[0] < unit_price:
            if upcoming is None or (min_quantity, key) < (upcoming_quantity, upcoming):
                upcoming, upcoming_quantity = key, min_quantity
    next_break = None
    if upcoming is not None:
        next_break = BreakHint(
            min_quantity=upcoming_quantity,
            missing_quantity=upcoming_quantity - quantity,
            unit_price=upcoming[0],
            rule_id=upcoming[3],
        )
    return LinePrice(unit_price, None if best is None else _reason(best), next_break)


def build_price_table(
    base_unit_price: Decimal, candidates: Sequence[IndexedEntry], *, currency: str
) -> tuple[PriceTableRow, ...]:
    """The buyer's break table: one row per quantity where the unit price drops.

    The first row is always quantity 1 (the base price, or a break at 1). Worked example (base
    10.00 EUR; list A: 10 -> 9.00, 50 -> 8.00; list B: 20 -> 5 % off = 9.50, 100 -> 8.00):
    rows (1, 10.00), (10, 9.00, A), (50, 8.00, A); B's break at 20 does not beat 9.00 and its
    break at 100 only ties 8.00, so neither adds a row.
    """
    rows = [PriceTableRow(1, base_unit_price, None, None)]
    best: _Key | None = None
    options = sorted(_options(candidates, base_unit_price, currency))
    for min_quantity, group in groupby(options, key=lambda option: option[0]):
        group_best = min(key for _, key in group)
        if best is None or group_best < best:
            best = group_best
        if best[0] < rows[-1].unit_price:
            reason = _reason(best)
            row = PriceTableRow(min_quantity, best[0], reason.rule_id, reason.code)
            if min_quantity == 1:
                rows[0] = row
            else:
                rows.append(row)
    return tuple(rows)
