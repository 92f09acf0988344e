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
more decimals, then ``k = 10**(s - exponent)`` converts); a percentage's rounded price is
``(B * 2 * fnum + fden * k) // (2 * fden * k)``, which is exactly ROUND_HALF_UP of
``base * (100 - percent) / 100`` for non-negative amounts. Only the winning price goes back to
a ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import groupby
from typing import NamedTuple

from .compiled import IndexedEntry
from .money import get_currency_exponent
from .values import BreakHint, PriceReason, PriceTableRow

# (unit price in minor units, -priority, -specificity, list id, entry id, -min quantity):
# the smallest wins.
_Key = tuple[int, int, int, int, int, int]
# (min quantity, key) of one break that lowers the base price.
_Option = tuple[int, _Key]


class LinePrice(NamedTuple):
    """The resolved price of one line: unit price, why, and the next cheaper break.

    A named tuple rather than a dataclass: it is built once per line and never leaves the engine.
    """

    unit_price: Decimal
    reason: PriceReason | None
    next_break: BreakHint | None


class _Base(NamedTuple):
    """A base price as integers: ``units`` of ``10**-scale``, ``k`` such units per minor unit."""

    units: int
    k: int
    exponent: int


def _as_base(base_unit_price: Decimal, currency: str) -> _Base:
    exponent = get_currency_exponent(currency)
    scaled = base_unit_price.scaleb(exponent)
    units = int(scaled)
    if units == scaled:  # the usual case: the base is at the currency's precision
        return _Base(units, 1, exponent)
    scale = -int(base_unit_price.as_tuple().exponent)
    return _Base(int(base_unit_price.scaleb(scale)), 10 ** (scale - exponent), exponent)


def _to_decimal(minor: int, base: _Base) -> Decimal:
    return Decimal(minor).scaleb(-base.exponent)


def _options(candidates: Iterable[IndexedEntry], base: _Base) -> list[_Option]:
    """Every break that would lower the base price, with its rounded price (for tables)."""
    options: list[_Option] = []
    units, k = base.units, base.k
    for item in candidates:
        for min_quantity, is_fixed, a, b, c in item.breaks:
            price = a if is_fixed else (units * a + b * k) // (c * k)
            if price * k < units:
                options.append((min_quantity, _key(price, item, min_quantity)))
    return options


def _key(price: int, item: IndexedEntry, min_quantity: int) -> _Key:
    return (price, -item.priority, -item.specificity, item.list_id, item.entry.id, -min_quantity)


def _reason(key: _Key) -> PriceReason:
    list_id, entry_id, min_quantity = key[3], key[4], -key[5]
    return PriceReason(list_id, entry_id, min_quantity)


def resolve_line_price(
    base_unit_price: Decimal, quantity: int, candidates: Sequence[IndexedEntry], *, currency: str
) -> LinePrice:
    """Resolve the unit price for ``quantity`` units from the candidate entries (see module doc).

    Worked example (EUR, base 9.99): list 12 has a break at 50 of 15 % off, list 15 a break at
    10 of 8.60 fixed. For 60 units: 9.99 * 0.85 = 8.4915 -> 8.49 (rounded once) beats 8.60, so
    the unit price is 8.49, reason ``tier-price:list=12;break=50``. For 20 units only list 15 is
    reached: 8.60, and the next break hint says 30 more for 8.49 each.
    """
    base = _as_base(base_unit_price, currency)
    units, k = base.units, base.k
    below = -(-units // k)  # a price in minor units is a discount when it is below this
    # The hot loop of a quote, kept lean: integer prices (a percentage's is
    # (units * a + b * k) // (c * k), see ``CompiledBreak``), breaks visited in quantity order
    # so a loop can stop early, and tie-break keys built only for breaks that tie on price.
    best_price = below
    best_item: IndexedEntry | None = None
    best_quantity = 0
    ties: list[tuple[IndexedEntry, int]] = []  # other breaks at exactly ``best_price``
    for item in candidates:
        for min_quantity, is_fixed, a, b, c in item.breaks:
            if min_quantity > quantity:
                break  # this break and the ones after it are not reached
            price = a if is_fixed else (units * a + b * k) // (c * k)
            if price < best_price:
                best_price, best_item, best_quantity = price, item, min_quantity
                if ties:
                    ties = []
            elif price == best_price and best_item is not None:
                ties.append((item, min_quantity))
    reason: PriceReason | None = None
    unit_price = base_unit_price
    if best_item is not None:
        unit_price = _to_decimal(best_price, base)
        best_key = _key(best_price, best_item, best_quantity)
        for item, min_quantity in ties:
            best_key = min(best_key, _key(best_price, item, min_quantity))
        reason = _reason(best_key)
    # The next break: the smallest quantity above this one where some break beats today's
    # price (``best_price``, or anything below the base); at that quantity the lowest wins.
    next_quantity = 0
    next_price = 0
    next_item: IndexedEntry | None = None
    next_ties: list[IndexedEntry] = []
    for item in candidates:
        for min_quantity, is_fixed, a, b, c in item.breaks:
            if min_quantity <= quantity:
                continue
            if next_item is not None and min_quantity > next_quantity:
                break  # cannot be the next break any more
            price = a if is_fixed else (units * a + b * k) // (c * k)
            if price >= best_price:
                continue
            if next_item is None or min_quantity < next_quantity or price < next_price:
                next_quantity, next_price, next_item = min_quantity, price, item
                if next_ties:
                    next_ties = []
            elif price == next_price:
                next_ties.append(item)
            break  # this entry's later breaks come at larger quantities
    if next_item is None:
        return LinePrice(unit_price, reason, None)
    next_list_id = next_item.list_id
    if next_ties:
        next_list_id = min(_key(next_price, item, next_quantity) for item in (next_item, *next_ties))[3]
    hint = BreakHint(
        min_quantity=next_quantity,
        missing_quantity=next_quantity - quantity,
        unit_price=_to_decimal(next_price, base),
        rule_id=next_list_id,
    )
    return LinePrice(unit_price, reason, hint)


def build_price_table(
    base_unit_price: Decimal, candidates: Sequence[IndexedEntry], *, currency: str
) -> tuple[PriceTableRow, ...]:
    """The buyer's break table: one row per quantity where the unit price drops.

    The first row is always quantity 1 (the base price, or a break at 1). Worked example (base
    10.00 EUR; list A: 10 -> 9.00, 50 -> 8.00; list B: 20 -> 5 % off = 9.50, 100 -> 8.00):
    rows (1, 10.00), (10, 9.00, A), (50, 8.00, A); B's break at 20 does not beat 9.00 and its
    break at 100 only ties 8.00, so neither adds a row.
    """
    base = _as_base(base_unit_price, currency)
    rows = [PriceTableRow(1, base_unit_price, None, None)]
    best: _Key | None = None
    last_price: int | None = None
    for min_quantity, group in groupby(sorted(_options(candidates, base)), key=lambda option: option[0]):
        group_best = min(key for _, key in group)
        if best is None or group_best < best:
            best = group_best
        if last_price is None or best[0] < last_price:
            last_price = best[0]
            reason = _reason(best)
            row = PriceTableRow(min_quantity, _to_decimal(best[0], base), reason.rule_id, reason.code)
            if min_quantity == 1:
                rows[0] = row
            else:
                rows.append(row)
    return tuple(rows)
