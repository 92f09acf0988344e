"""Tier prices: a line's unit price from the price lists that apply to the buyer.

Resolution, for one line (``docs/rules.md``, "Price lists"):

1. The lists that apply: the buyer is in the list's audience (or it is the standing list of
   the buyer's tier), the list's currency is the cart's, its channel is empty or the cart's,
   and ``now`` is inside its validity window (``CompiledRuleSet.get_applicable_list_ids``).
2. Their entries that target the line's variant, its product, one of its categories, or ALL.
3. Of each entry, the breaks reached: ``min_quantity <= quantity``.
4. Each reached break gives a unit price: the fixed price, or the base price less the
   percentage, rounded once, half up, to the currency (fixed prices are rounded when the
   rules are compiled, percentages here).
5. The lowest price wins. When several give that price, the one named as the reason is the
   list with the higher ``priority``, then the more specific target (variant > product >
   category > all), then the lower list id, lower entry id, higher break.
6. A price that is not below the base price is no discount: the line keeps its base price and
   has no reason.

Because every reached break competes (not only the highest one reached), a larger quantity
never raises the unit price, even when a list's breaks are entered out of order.

Speed: a quote prices every break of every candidate entry of every line, so the loop works in
integers. Prices are counted in the currency's minor units (cents); the line's base price is
an integer ``B`` in units of ``10**-s`` (``s`` is the currency's exponent unless the base has
more decimals, then ``k = 10**(s - exponent)`` converts). Every break's rounded price is
``(B * a + b * k) // (c * k)`` with the integers ``compile_rules`` prepared (``CompiledBreak``):
for a percentage that is exactly ROUND_HALF_UP of ``base * (100 - percent) / 100`` for
non-negative amounts, for a fixed price it is the price. Tie-break keys are compared only
between breaks that tie on price, and only the winning price goes back to a ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from itertools import groupby

from .compiled import IndexedEntry
from .money import get_currency_exponent
from .values import BreakHint, PriceReason, PriceTableRow

# (unit price in minor units, tie key of the entry (see ``IndexedEntry``), -min quantity):
# the smallest wins.
_Key = tuple[int, tuple[int, int, int, int], int]
# (min quantity, key) of one break that lowers the base price.
_Option = tuple[int, _Key]
_POWERS = {exponent: 10**exponent for exponent in range(5)}
# Minor units back to money: Decimal(minor) * Decimal("0.01") is exactly
# Decimal(minor).scaleb(-2) (same digits and exponent), and a third cheaper.
_MINOR_UNITS = {exponent: Decimal(1).scaleb(-exponent) for exponent in range(5)}


# The resolved price of one line: unit price, why, and the next cheaper break. A plain tuple:
# it is built once per line and unpacked at once by the caller.
LinePrice = tuple[Decimal, PriceReason | None, BreakHint | None]


def as_units(base_unit_price: Decimal, exponent: int) -> tuple[int, int]:
    """``(B, k)``: the base price as an integer ``B`` of ``10**-s``, ``k`` such units to a minor unit.

    >>> as_units(Decimal("9.99"), 2), as_units(Decimal("9.995"), 2), as_units(Decimal("700"), 0)
    ((999, 1), (9995, 10), (700, 1))
    """
    scaled = base_unit_price * _POWERS[exponent]
    units = int(scaled)
    if units == scaled:  # the usual case: the base is at the currency's precision
        return units, 1
    scale = -int(base_unit_price.as_tuple().exponent)
    return int(base_unit_price.scaleb(scale)), 10 ** (scale - exponent)


def _in_units_of(candidates: Sequence[IndexedEntry], k: int) -> list[IndexedEntry]:
    # A base with more decimals than the currency (rare): fold ``k`` into every break once, so
    # that the loops below use one formula, (B * a + b) // c.
    return [replace(item, breaks=tuple((q, a, b * k, c * k) for q, a, b, c in item.breaks)) for item in candidates]


def _options(candidates: Iterable[IndexedEntry], units: int, k: int) -> list[_Option]:
    """Every break that would lower the base price, with its rounded price (for tables)."""
    options: list[_Option] = []
    for item in candidates:
        for min_quantity, a, b, c in item.breaks:
            price = (units * a + b * k) // (c * k)
            if price * k < units:
                options.append((min_quantity, (price, item.tie_key, -min_quantity)))
    return options


def resolve_line_price(
    base_unit_price: Decimal, quantity: int, candidates: Sequence[IndexedEntry], *, exponent: int
) -> LinePrice:
    """Resolve the unit price for ``quantity`` units from the candidate entries (see module doc).

    ``exponent`` is the currency's (``money.get_currency_exponent``), looked up once per cart.

    Worked example (EUR, base 9.99): list 12 has a break at 50 of 15 % off, list 15 a break at
    10 of 8.60 fixed. For 60 units: 9.99 * 0.85 = 8.4915 -> 8.49 (rounded once) beats 8.60, so
    the unit price is 8.49, reason ``tier-price:list=12;break=50``. For 20 units only list 15 is
    reached: 8.60, and the next break hint says 30 more for 8.49 each.
    """
    units, k = as_units(base_unit_price, exponent)
    if k != 1:
        candidates = _in_units_of(candidates, k)
    # The hot loop of a quote, kept lean: one integer formula per break (``CompiledBreak``),
    # breaks visited in quantity order so a loop can stop early, and tie keys compared only
    # for breaks that tie on price. A price in minor units is a discount below ``best_price``.
    best_price = -(-units // k)
    best_item: IndexedEntry | None = None
    best_quantity = 0
    # Per entry with breaks above ``quantity``: its first such break, already priced (for the hint).
    pending: list[tuple[int, int, IndexedEntry]] = []
    for item in candidates:
        for min_quantity, a, b, c in item.breaks:
            price = (units * a + b) // c
            if min_quantity > quantity:
                pending.append((min_quantity, price, item))
                break  # this break and the ones after it are not reached
            if price < best_price:
                best_price, best_item, best_quantity = price, item, min_quantity
            elif (
                price == best_price
                and best_item is not None
                and (item.tie_key, -min_quantity) < (best_item.tie_key, -best_quantity)
            ):
                best_item, best_quantity = item, min_quantity
    # The next break: the smallest quantity above this one where some break beats today's
    # price (``best_price``, or anything below the base); at that quantity the lowest price
    # wins, then the smallest tie key. Each entry offers its first such break.
    next_quantity = 0
    next_price = 0
    next_item: IndexedEntry | None = None
    for min_quantity, price, item in pending:
        if price >= best_price:
            # The entry's first break above ``quantity`` is no cheaper than today (rare): look on.
            for min_quantity, a, b, c in item.breaks:
                if min_quantity > quantity:
                    price = (units * a + b) // c
                    if price < best_price:
                        break
            else:
                continue  # none of its breaks is
        if (
            next_item is None
            or min_quantity < next_quantity
            or (min_quantity == next_quantity and (price < next_price or (price == next_price and item.tie_key < next_item.tie_key)))
        ):
            next_quantity, next_price, next_item = min_quantity, price, item
    reason: PriceReason | None = None
    unit_price = base_unit_price
    if best_item is not None:
        unit_price = Decimal(best_price) * _MINOR_UNITS[exponent]
        reason = PriceReason(best_item.list_id, best_item.entry_id, best_quantity)
    if next_item is None:
        return unit_price, reason, None
    hint = BreakHint(next_quantity, next_quantity - quantity, Decimal(next_price) * _MINOR_UNITS[exponent], next_item.list_id)
    return unit_price, reason, hint


def build_price_table(
    base_unit_price: Decimal, candidates: Sequence[IndexedEntry], *, currency: str
) -> tuple[PriceTableRow, ...]:
    """The buyer's break table: one row per quantity where the unit price drops.

    The first row is always quantity 1 (the base price, or a break at 1). Worked example (base
    10.00 EUR; list A: 10 -> 9.00, 50 -> 8.00; list B: 20 -> 5 % off = 9.50, 100 -> 8.00):
    rows (1, 10.00), (10, 9.00, A), (50, 8.00, A); B's break at 20 does not beat 9.00 and its
    break at 100 only ties 8.00, so neither adds a row.
    """
    exponent = get_currency_exponent(currency)
    units, k = as_units(base_unit_price, exponent)
    rows = [PriceTableRow(1, base_unit_price, None, None)]
    best: _Key | None = None
    last_price: int | None = None
    by_entry = {item.tie_key: item for item in candidates}
    for min_quantity, group in groupby(sorted(_options(candidates, units, k)), key=lambda option: option[0]):
        group_best = min(key for _, key in group)
        if best is None or group_best < best:
            best = group_best
        if last_price is None or best[0] < last_price:
            last_price = best[0]
            reason = PriceReason(by_entry[best[1]].list_id, by_entry[best[1]].entry_id, -best[2])
            row = PriceTableRow(min_quantity, Decimal(best[0]) * _MINOR_UNITS[exponent], reason.rule_id, reason.code)
            if min_quantity == 1:
                rows[0] = row
            else:
                rows.append(row)
    return tuple(rows)
