"""The optimised pricing path against the rules written plainly (docs/rules.md, "Price lists").

``quote_cart`` and ``price_table`` price lines with compiled integer breaks, indexes and early
exits (``engine.pricing``). The reference below reads the ``RuleSet`` itself, prices every
break in ``Decimal`` and picks winners by sorting full keys, with no index and no shortcut; the
properties check that both give the same unit prices (to the digit), reasons, next-break hints
and break tables on random rule sets, carts, buyers and currencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_loyalty.engine.compiled import SPECIFICITY, compile_rules
from saleor_loyalty.engine.money import quantize
from saleor_loyalty.engine.quote import price_table, quote_cart
from saleor_loyalty.engine.rules import (
    Audience,
    AudienceKind,
    PriceBreak,
    PriceList,
    PriceListEntry,
    ProgramTerms,
    RuleSet,
    TargetKind,
    Tier,
    TierMetric,
)
from saleor_loyalty.engine.values import Cart, CartLine, CustomerSnapshot, VariantSnapshot

from .builders import NOW

# --- the reference --------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One break of one applicable entry, priced; ``key`` orders options at the same quantity."""

    min_quantity: int
    price: Decimal
    list_id: int
    entry_id: int
    key: tuple


def applicable_lists(rules: RuleSet, buyer: CustomerSnapshot, *, channel: str, currency: str) -> list[PriceList]:
    if not rules.terms.tier_prices_enabled:
        return []
    buyer = buyer if rules.terms.tiers_enabled else _without_tier(buyer)
    tier = next((tier for tier in rules.tiers if tier.id == buyer.tier_id), None)
    found = []
    for price_list in rules.price_lists:
        in_audience = price_list.audience.includes(buyer)
        standing = tier is not None and tier.price_list_id == price_list.id
        if (
            (in_audience or standing)
            and price_list.currency == currency
            and price_list.channel in (None, channel)
            and (price_list.valid_from is None or price_list.valid_from <= NOW)
            and (price_list.valid_until is None or NOW < price_list.valid_until)
        ):
            found.append(price_list)
    return found


def _without_tier(buyer: CustomerSnapshot) -> CustomerSnapshot:
    # With tiers switched off a stored tier id unlocks nothing.
    return CustomerSnapshot(
        buyer.user_id, buyer.email, buyer.customer_type_id, buyer.company_id, None,
        buyer.orders_count, buyer.signed_up_on, buyer.birthday, buyer.available_points,
    )


def targets(entry: PriceListEntry, variant: int, product: int, categories: tuple[int, ...]) -> bool:
    return {
        TargetKind.VARIANT: entry.target_id == variant,
        TargetKind.PRODUCT: entry.target_id == product,
        TargetKind.CATEGORY: entry.target_id in categories,
        TargetKind.ALL: True,
    }[entry.target_kind]


def break_price(price_break: PriceBreak, base: Decimal, currency: str) -> Decimal:
    if price_break.fixed_price is not None:
        return quantize(price_break.fixed_price, currency)
    return quantize(base * (100 - price_break.percent_off) / 100, currency)


def options(lists: list[PriceList], variant: int, product: int, categories: tuple[int, ...], base: Decimal, currency: str) -> list[Option]:
    """Every break of every entry that targets the line and prices below the base."""
    found = []
    for price_list in lists:
        for entry in price_list.entries:
            if not targets(entry, variant, product, categories):
                continue
            for price_break in entry.breaks:
                price = break_price(price_break, base, currency)
                if price < base:
                    key = (price, -price_list.priority, -SPECIFICITY[entry.target_kind], price_list.id, entry.id, -price_break.min_quantity)
                    found.append(Option(price_break.min_quantity, price, price_list.id, entry.id, key))
    return found


def reference_line(lists, line: CartLine, currency: str):
    """(unit price, (list, entry, break) or None, (min quantity, missing, price, list) or None)."""
    every = options(lists, line.variant_id, line.product_id, line.category_ids, line.base_unit_price, currency)
    reached = sorted((option for option in every if option.min_quantity <= line.quantity), key=lambda option: option.key)
    unit_price, reason = line.base_unit_price, None
    if reached:
        best = reached[0]
        unit_price, reason = best.price, (best.list_id, best.entry_id, best.min_quantity)
    ahead = [option for option in every if option.min_quantity > line.quantity and option.price < unit_price]
    hint = None
    if ahead:
        at = min(option.min_quantity for option in ahead)
        best = min((option for option in ahead if option.min_quantity == at), key=lambda option: option.key)
        hint = (at, at - line.quantity, best.price, best.list_id)
    return unit_price, reason, hint


def reference_table(lists, variant: VariantSnapshot, currency: str):
    """Rows (quantity, price, list) where the reference price drops, quantity 1 always first."""
    quantities = sorted({1} | {option.min_quantity for option in options(
        lists, variant.variant_id, variant.product_id, variant.category_ids, variant.base_unit_price, currency
    )})
    rows = []
    for quantity in quantities:
        line = CartLine("x", variant.variant_id, variant.product_id, variant.category_ids, None, quantity, variant.base_unit_price)
        price, reason, _ = reference_line(lists, line, currency)
        if not rows or price < rows[-1][1]:
            rows.append((quantity, price, reason[0] if reason else None))
    return rows


# --- random rule sets and carts -------------------------------------------------------------

CURRENCIES = {"EUR": 2, "JPY": 0, "KWD": 3}
ids = st.integers(min_value=1, max_value=4)  # few ids, so entries, lines and audiences meet
# Prices drawn from a few round values as well, so that breaks often tie on price.
fixed_prices = st.one_of(st.sampled_from(["5", "5.00", "4.995", "7.5", "0"]).map(Decimal), st.decimals(0, 60, places=3))
percents = st.one_of(st.sampled_from(["10", "25", "50", "12.5", "100"]).map(Decimal), st.decimals("0.001", 100, places=3))
price_breaks = st.lists(
    st.tuples(st.one_of(st.sampled_from([1, 5, 10]), st.integers(1, 30)), st.one_of(fixed_prices.map(lambda p: ("fixed", p)), percents.map(lambda p: ("percent", p)))),
    min_size=1, max_size=4, unique_by=lambda item: item[0],
).map(lambda raw: tuple(
    PriceBreak(qty, fixed_price=value if kind == "fixed" else None, percent_off=value if kind == "percent" else None)
    for qty, (kind, value) in raw
))
targets_st = st.one_of(st.tuples(st.sampled_from([TargetKind.VARIANT, TargetKind.PRODUCT, TargetKind.CATEGORY]), ids), st.just((TargetKind.ALL, None)))
audiences = st.one_of(
    st.just(Audience.everyone()),
    st.builds(Audience, st.sampled_from([AudienceKind.CUSTOMER_TYPE, AudienceKind.COMPANY, AudienceKind.TIER, AudienceKind.CUSTOMER]), ids),
)
windows = st.sampled_from([{}, {"valid_from": NOW + timedelta(days=1)}, {"valid_until": NOW}, {"valid_from": NOW - timedelta(days=1)}])


@st.composite
def rule_sets(draw, currency: str) -> RuleSet:
    lists = []
    for list_id in draw(st.lists(st.integers(1, 30), max_size=6, unique=True)):
        first_id = draw(st.integers(1, 3))  # entry ids repeat across lists, never within one
        entries = [
            PriceListEntry(first_id + index, kind, target, draw(price_breaks))
            for index, (kind, target) in enumerate(draw(st.lists(targets_st, max_size=6, unique=True)))
        ]
        lists.append(PriceList(
            list_id, "list", draw(audiences), draw(st.sampled_from([currency, currency, "GBP"])),
            channel=draw(st.sampled_from([None, "default", "other"])), priority=draw(st.integers(-1, 2)),
            entries=tuple(entries), **draw(windows),
        ))
    list_ids = [price_list.id for price_list in lists]
    tiers = tuple(
        Tier(tier_id, f"tier {tier_id}", tier_id, TierMetric.SPEND, Decimal(tier_id * 100),
             price_list_id=draw(st.sampled_from([None, *list_ids])))
        for tier_id in (1, 2)
    )
    terms = ProgramTerms(tier_prices_enabled=draw(st.sampled_from([True, True, True, False])), tiers_enabled=draw(st.booleans()))
    return RuleSet("ref", terms=terms, price_lists=tuple(lists), tiers=tiers)


@st.composite
def scenarios(draw):
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    places = CURRENCIES[currency] + draw(st.sampled_from([0, 0, 0, 1]))  # sometimes more decimals than the currency
    bases = st.decimals(0, 80, places=places)
    lines = tuple(
        CartLine(f"l{index}", draw(ids), draw(ids), tuple(draw(st.lists(ids, max_size=3))), None, draw(st.one_of(st.sampled_from([1, 4, 5, 10]), st.integers(1, 40))), draw(bases))
        for index in range(draw(st.integers(0, 6)))
    )
    buyer = CustomerSnapshot(
        draw(st.sampled_from([None, 1, 2])), None, draw(st.sampled_from([None, 1, 2])), draw(st.sampled_from([None, 1, 2])),
        draw(st.sampled_from([None, 1, 2, 3])), 1, None, None,
    )
    return draw(rule_sets(currency)), Cart(draw(st.sampled_from(["default", "other"])), currency, lines), buyer


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_property_quoted_lines_match_the_reference(scenario):
    rules, cart, buyer = scenario
    lists = applicable_lists(rules, buyer, channel=cart.channel, currency=cart.currency)

    quote = quote_cart(cart, buyer, compile_rules(rules), now=NOW)

    for line, quoted in zip(cart.lines, quote.lines, strict=True):
        unit_price, reason, hint = reference_line(lists, line, cart.currency)
        assert str(quoted.unit_price) == str(unit_price)  # the same digits, not only the same value
        assert quoted.total == unit_price * line.quantity
        assert (None if quoted.reason is None else (quoted.reason.rule_id, quoted.reason.entry_id, quoted.reason.min_quantity)) == reason
        got_hint = quoted.next_break
        assert (None if got_hint is None else (got_hint.min_quantity, got_hint.missing_quantity, got_hint.unit_price, got_hint.rule_id)) == hint
        if got_hint is not None:
            assert str(got_hint.unit_price) == str(hint[2])


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_property_price_tables_match_the_reference(scenario):
    rules, cart, buyer = scenario
    lists = applicable_lists(rules, buyer, channel=cart.channel, currency=cart.currency)
    variants = [VariantSnapshot(line.variant_id, line.product_id, line.category_ids, line.base_unit_price) for line in cart.lines]

    tables = price_table(variants, buyer, compile_rules(rules), channel=cart.channel, currency=cart.currency, now=NOW)

    for variant, table in zip(variants, tables, strict=True):
        assert [(row.min_quantity, row.unit_price, row.rule_id) for row in table.rows] == reference_table(lists, variant, cart.currency)
