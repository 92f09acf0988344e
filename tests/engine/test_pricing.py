"""Tier prices: which list wins, rounding, audiences, windows, break hints and break tables."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_loyalty.engine.errors import InvalidRule
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
from saleor_loyalty.engine.values import VariantSnapshot

from .builders import NOW, D, brk, cart, compiled, customer, entry, line, price_list


def quote_line(lists, *, quantity=1, price="10.00", buyer=None, currency="EUR", channel="default", now=NOW, **rules):
    rule_set = compiled(price_lists=tuple(lists), **rules)
    quote = quote_cart(
        cart(line(quantity=quantity, price=price), currency=currency, channel=channel),
        buyer or customer(),
        rule_set,
        now=now,
    )
    return quote.lines[0]


# --- resolution -----------------------------------------------------------------------------

RESOLUTION_CASES = [
    # (id, lists, quantity, expected unit price, expected reason code or None)
    ("no lists", [], 5, "10.00", None),
    ("fixed break reached", [price_list(1, entry(1, brk(5, fixed="8.00")))], 5, "8.00", "tier-price:list=1;break=5"),
    ("fixed break not reached", [price_list(1, entry(1, brk(5, fixed="8.00")))], 4, "10.00", None),
    ("percent off", [price_list(1, entry(1, brk(1, percent="15")))], 1, "8.50", "tier-price:list=1;break=1"),
    (
        "highest reached break of one entry",
        [price_list(1, entry(1, brk(1, fixed="9.50"), brk(10, fixed="9.00"), brk(50, fixed="8.00")))],
        12,
        "9.00",
        "tier-price:list=1;break=10",
    ),
    (
        "lowest price among lists wins",
        [price_list(1, entry(1, brk(1, fixed="9.00"))), price_list(2, entry(2, brk(1, percent="20")))],
        1,
        "8.00",
        "tier-price:list=2;break=1",
    ),
    (
        "product entry beats variant entry when cheaper",
        [price_list(1, entry(1, brk(1, fixed="9.00")), entry(2, brk(1, fixed="7.00"), kind=TargetKind.PRODUCT, target=100))],
        1,
        "7.00",
        "tier-price:list=1;break=1",
    ),
    ("category entry", [price_list(3, entry(1, brk(2, fixed="6.00"), kind=TargetKind.CATEGORY, target=1000))], 2, "6.00", "tier-price:list=3;break=2"),
    ("ALL entry (a standing discount)", [price_list(4, entry(1, brk(1, percent="5"), kind=TargetKind.ALL))], 1, "9.50", "tier-price:list=4;break=1"),
    ("entry for another variant", [price_list(1, entry(1, brk(1, fixed="1.00"), target=11))], 1, "10.00", None),
    ("entry for another category", [price_list(1, entry(1, brk(1, fixed="1.00"), kind=TargetKind.CATEGORY, target=9))], 1, "10.00", None),
    ("fixed price above base is no discount", [price_list(1, entry(1, brk(1, fixed="12.00")))], 1, "10.00", None),
    ("fixed price equal to base is no discount", [price_list(1, entry(1, brk(1, fixed="10.00")))], 1, "10.00", None),
    ("100 percent off is free", [price_list(1, entry(1, brk(1, percent="100")))], 1, "0.00", "tier-price:list=1;break=1"),
    ("fixed zero is free", [price_list(1, entry(1, brk(1, fixed="0")))], 1, "0.00", "tier-price:list=1;break=1"),
    (
        # Breaks entered out of order: 10 -> 9.00 but 20 -> 9.50; at 25 the cheaper 9.00 still holds.
        "a higher break never raises the price",
        [price_list(1, entry(1, brk(10, fixed="9.00"), brk(20, fixed="9.50")))],
        25,
        "9.00",
        "tier-price:list=1;break=10",
    ),
]


@pytest.mark.parametrize(("lists", "quantity", "unit_price", "code"), [case[1:] for case in RESOLUTION_CASES], ids=[case[0] for case in RESOLUTION_CASES])
def test_resolution(lists, quantity, unit_price, code):
    quoted = quote_line(lists, quantity=quantity)
    assert quoted.unit_price == D(unit_price)
    assert quoted.total == D(unit_price) * quantity
    assert (quoted.reason.code if quoted.reason else None) == code


@pytest.mark.parametrize(
    ("price", "percent", "currency", "expected"),
    [
        ("9.99", "15", "EUR", "8.49"),  # 8.4915
        ("9.99", "5", "EUR", "9.49"),  # 9.4905
        ("0.05", "50", "EUR", "0.03"),  # 0.025 -> half up
        ("999", "15", "JPY", "849"),  # 849.15
        ("1001", "50", "JPY", "501"),  # 500.5 -> half up
        ("9.999", "10", "KWD", "8.999"),  # 8.9991
    ],
)
def test_percent_prices_round_once_half_up_by_currency(price, percent, currency, expected):
    lists = [price_list(1, entry(1, brk(1, percent=percent)), currency=currency)]
    assert quote_line(lists, price=price, currency=currency).unit_price == D(expected)


def test_rounding_happens_before_comparison_so_ties_name_the_priority_list():
    # 9.99 - 15 % = 8.4915 -> 8.49, the same as list 2's fixed price once rounded.
    lists = [
        price_list(1, entry(1, brk(1, percent="15")), priority=0),
        price_list(2, entry(2, brk(1, fixed="8.49")), priority=5),
    ]
    quoted = quote_line(lists, price="9.99")
    assert quoted.unit_price == D("8.49")
    assert quoted.reason.rule_id == 2


TIE_CASES = [
    ("higher priority named", [price_list(1, entry(1, brk(1, fixed="8")), priority=1), price_list(2, entry(2, brk(1, fixed="8")), priority=9)], 2, 2),
    ("priority beats list id", [price_list(5, entry(1, brk(1, fixed="8")), priority=3), price_list(2, entry(2, brk(1, fixed="8")), priority=0)], 5, 1),
    (
        "same priority: variant entry beats product entry",
        [price_list(1, entry(1, brk(1, fixed="8"), kind=TargetKind.PRODUCT, target=100)), price_list(2, entry(2, brk(1, fixed="8")))],
        2,
        2,
    ),
    ("same priority and target: lower list id", [price_list(7, entry(1, brk(1, fixed="8"))), price_list(3, entry(2, brk(1, fixed="8")))], 3, 2),
]


@pytest.mark.parametrize(("lists", "list_id", "entry_id"), [case[1:] for case in TIE_CASES], ids=[case[0] for case in TIE_CASES])
def test_priority_only_names_the_reason_among_equal_prices(lists, list_id, entry_id):
    quoted = quote_line(lists)
    assert quoted.unit_price == D("8")
    assert (quoted.reason.rule_id, quoted.reason.entry_id) == (list_id, entry_id)


def test_among_equal_prices_of_one_entry_the_higher_break_is_named():
    # 4.995 rounds to 5.00: three breaks of one entry give the same price at 12 units.
    lists = [price_list(1, entry(1, brk(1, fixed="5.00"), brk(5, fixed="4.995"), brk(10, fixed="5"), brk(20, fixed="4")))]
    quoted = quote_line(lists, quantity=12)
    assert (quoted.unit_price, quoted.reason.min_quantity) == (D("5.00"), 10)
    assert (quoted.next_break.min_quantity, quoted.next_break.unit_price) == (20, D("4.00"))


def test_priority_never_beats_a_lower_price():
    lists = [price_list(1, entry(1, brk(1, fixed="9")), priority=100), price_list(2, entry(2, brk(1, fixed="8")))]
    assert quote_line(lists).reason.rule_id == 2


# --- which lists apply ----------------------------------------------------------------------

DISCOUNT = entry(1, brk(1, fixed="5.00"))


@pytest.mark.parametrize(
    ("audience", "buyer", "applies"),
    [
        (Audience.everyone(), customer(user_id=None), True),
        (Audience(AudienceKind.CUSTOMER_TYPE, 4), customer(customer_type_id=4), True),
        (Audience(AudienceKind.CUSTOMER_TYPE, 4), customer(customer_type_id=5), False),
        (Audience(AudienceKind.COMPANY, 8), customer(company_id=8), True),
        (Audience(AudienceKind.COMPANY, 8), customer(company_id=None), False),
        (Audience(AudienceKind.TIER, 2), customer(tier_id=2), True),
        (Audience(AudienceKind.TIER, 2), customer(tier_id=3), False),
        (Audience(AudienceKind.CUSTOMER, 1), customer(user_id=1), True),
        (Audience(AudienceKind.CUSTOMER, 1), customer(user_id=2), False),
        (Audience(AudienceKind.CUSTOMER, 1), customer(user_id=None), False),
    ],
)
def test_audiences(audience, buyer, applies):
    quoted = quote_line([price_list(1, DISCOUNT, audience=audience)], buyer=buyer)
    assert (quoted.unit_price == D("5.00")) is applies


@pytest.mark.parametrize(
    ("list_kwargs", "applies"),
    [
        ({"currency": "USD"}, False),
        ({"channel": "wholesale"}, False),
        ({"channel": "default"}, True),
        ({"valid_from": NOW}, True),  # the window includes its start
        ({"valid_from": NOW + timedelta(seconds=1)}, False),
        ({"valid_until": NOW}, False),  # ... and excludes its end
        ({"valid_until": NOW + timedelta(seconds=1)}, True),
    ],
)
def test_currency_channel_and_validity_window(list_kwargs, applies):
    quoted = quote_line([price_list(1, DISCOUNT, **list_kwargs)])
    assert (quoted.unit_price == D("5.00")) is applies


def test_a_tiers_standing_price_list_applies_to_its_members_whatever_the_lists_audience():
    standing = price_list(9, entry(1, brk(1, percent="10"), kind=TargetKind.ALL), audience=Audience(AudienceKind.CUSTOMER, 999))
    gold = Tier(2, "Gold", 2, TierMetric.SPEND, D(1000), price_list_id=9)
    assert quote_line([standing], tiers=(gold,), buyer=customer(tier_id=2)).unit_price == D("9.00")
    assert quote_line([standing], tiers=(gold,), buyer=customer(tier_id=None)).unit_price == D("10.00")
    # With tiers switched off the tier's list does not apply either.
    off = ProgramTerms(tiers_enabled=False)
    assert quote_line([standing], tiers=(gold,), terms=off, buyer=customer(tier_id=2)).unit_price == D("10.00")


def test_tier_prices_switched_off():
    quoted = quote_line([price_list(1, DISCOUNT)], terms=ProgramTerms(tier_prices_enabled=False))
    assert (quoted.unit_price, quoted.reason) == (D("10.00"), None)


# --- hints and tables -----------------------------------------------------------------------

THREE_BREAKS = price_list(12, entry(1, brk(10, fixed="9.00"), brk(50, fixed="8.00"), brk(100, fixed="8.00")))


@pytest.mark.parametrize(
    ("quantity", "hint"),
    [
        (1, (10, 9, "9.00")),
        (9, (10, 1, "9.00")),
        (10, (50, 40, "8.00")),
        (60, None),  # the break at 100 is not cheaper than 8.00
    ],
)
def test_next_break_hint(quantity, hint):
    quoted = quote_line([THREE_BREAKS], quantity=quantity)
    got = quoted.next_break
    assert (None if got is None else (got.min_quantity, got.missing_quantity, str(got.unit_price))) == hint
    if got is not None:
        assert got.rule_id == 12


def test_next_break_hint_looks_across_lists():
    lists = [price_list(1, entry(1, brk(20, fixed="9.00"))), price_list(2, entry(2, brk(5, fixed="9.50")))]
    hint = quote_line(lists, quantity=2).next_break
    assert (hint.min_quantity, hint.unit_price, hint.rule_id) == (5, D("9.50"), 2)


@pytest.mark.parametrize(
    ("priorities", "named"),
    [((0, 5), 2), ((5, 0), 1), ((3, 3), 1)],  # the higher priority, then the lower list id
)
def test_a_next_break_offered_by_several_lists_at_one_price_names_the_reason_order(priorities, named):
    lists = [
        price_list(1, entry(1, brk(10, fixed="9.00")), priority=priorities[0]),
        price_list(2, entry(2, brk(10, percent="10")), priority=priorities[1]),  # 10.00 - 10 % = 9.00
        price_list(3, entry(3, brk(10, fixed="9.50"), brk(20, fixed="9.00")), priority=9),  # dearer at 10
    ]
    hint = quote_line(lists, quantity=2).next_break
    assert (hint.min_quantity, hint.unit_price, hint.rule_id) == (10, D("9.00"), named)


def test_price_table_lists_only_the_quantities_where_the_price_drops():
    lists = [
        price_list(1, entry(1, brk(10, fixed="9.00"), brk(50, fixed="8.00"))),
        price_list(2, entry(2, brk(20, percent="5"), brk(100, fixed="8.00"))),  # 9.50 at 20: no drop
    ]
    tables = price_table(
        [VariantSnapshot(10, 100, (1000,), D("10.00")), VariantSnapshot(11, 101, (), D("3.00"))],
        customer(),
        compiled(price_lists=tuple(lists)),
        channel="default",
        currency="EUR",
        now=NOW,
    )
    assert [(row.min_quantity, row.unit_price, row.rule_id) for row in tables[0].rows] == [
        (1, D("10.00"), None),
        (10, D("9.00"), 1),
        (50, D("8.00"), 1),
    ]
    assert [(row.min_quantity, row.unit_price, row.rule_id) for row in tables[1].rows] == [(1, D("3.00"), None)]


def test_price_table_with_a_break_at_one_replaces_the_base_row():
    tables = price_table(
        [VariantSnapshot(10, 100, (), D("10.00"))],
        customer(),
        compiled(price_lists=(price_list(1, entry(1, brk(1, fixed="9.00"), brk(5, fixed="8.00"))),)),
        channel="default",
        currency="EUR",
        now=NOW,
    )
    assert [(row.min_quantity, row.unit_price, row.code) for row in tables[0].rows] == [
        (1, D("9.00"), "tier-price:list=1;break=1"),
        (5, D("8.00"), "tier-price:list=1;break=5"),
    ]


# --- rule validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: PriceBreak(1),  # neither
        lambda: PriceBreak(1, fixed_price=D(1), percent_off=D(1)),  # both
        lambda: PriceBreak(0, fixed_price=D(1)),
        lambda: PriceBreak(1, fixed_price=D(-1)),
        lambda: PriceBreak(1, percent_off=D(0)),
        lambda: PriceBreak(1, percent_off=D(101)),
        lambda: PriceBreak(1, fixed_price=1.5),  # a float, not a Decimal
        lambda: PriceListEntry(1, TargetKind.VARIANT, 10, ()),
        lambda: PriceListEntry(1, TargetKind.VARIANT, 10, (brk(1, fixed="1"), brk(1, fixed="2"))),
        lambda: PriceListEntry(1, TargetKind.VARIANT, None, (brk(1, fixed="1"),)),
        lambda: PriceListEntry(1, TargetKind.ALL, 3, (brk(1, fixed="1"),)),
        lambda: PriceList(1, "x", Audience.everyone(), "eur"),
        lambda: PriceList(1, "x", Audience.everyone(), "EUR", valid_from=NOW, valid_until=NOW),
        lambda: PriceList(1, "x", Audience.everyone(), "EUR", valid_from=NOW.replace(tzinfo=None)),
        lambda: PriceList(1, "x", Audience.everyone(), "EUR", entries=(entry(1, brk(1, fixed="1")), entry(1, brk(2, fixed="1")))),
        lambda: Audience(AudienceKind.EVERYONE, 3),
        lambda: Audience(AudienceKind.COMPANY),
        lambda: RuleSet("v", tiers=(Tier(1, "Gold", 1, TierMetric.SPEND, D(1), price_list_id=404),)),
        lambda: RuleSet("v", price_lists=(price_list(1), price_list(1))),
    ],
)
def test_bad_price_rules_are_refused(build):
    with pytest.raises(InvalidRule):
        build()


def test_entry_breaks_are_stored_sorted():
    stored = PriceListEntry(1, TargetKind.VARIANT, 10, [brk(50, fixed="8"), brk(10, fixed="9")])
    assert [b.min_quantity for b in stored.breaks] == [10, 50]
    assert isinstance(stored.breaks, tuple)


# --- properties -----------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10_000, places=2)
breaks = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=200),
        st.one_of(
            money.map(lambda amount: ("fixed", amount)),
            st.decimals(min_value="0.01", max_value=100, places=2).map(lambda pct: ("percent", pct)),
        ),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda item: item[0],
)


def to_breaks(raw):
    return tuple(
        PriceBreak(qty, fixed_price=value if kind == "fixed" else None, percent_off=value if kind == "percent" else None)
        for qty, (kind, value) in raw
    )


@settings(max_examples=200, deadline=None)
@given(base=money, lists=st.lists(breaks, min_size=0, max_size=4), quantity=st.integers(min_value=1, max_value=250))
def test_property_price_within_zero_and_base_and_never_rises_with_quantity(base, lists, quantity):
    rule_set = compiled(
        price_lists=tuple(
            PriceList(i + 1, "p", Audience.everyone(), "EUR", entries=(PriceListEntry(i + 1, TargetKind.VARIANT, 10, to_breaks(raw)),))
            for i, raw in enumerate(lists)
        )
    )

    def unit_price(qty):
        return quote_cart(cart(line(quantity=qty, price=str(base))), customer(), rule_set, now=NOW).lines[0].unit_price

    here, more = unit_price(quantity), unit_price(quantity + 1)
    assert Decimal(0) <= here <= base
    assert more <= here
    # The next-break hint keeps its promise: the same price up to it, its price at it.
    line_quote = quote_cart(cart(line(quantity=quantity, price=str(base))), customer(), rule_set, now=NOW).lines[0]
    hint = line_quote.next_break
    if hint is not None:
        assert hint.missing_quantity == hint.min_quantity - quantity > 0
        assert unit_price(hint.min_quantity) == hint.unit_price < here
        assert unit_price(hint.min_quantity - 1) == here
    else:
        assert unit_price(1000) == here
    # The table agrees with the quote at every row.
    table = price_table([VariantSnapshot(10, 100, (1000,), base)], customer(), rule_set, channel="default", currency="EUR", now=NOW)
    for row in table[0].rows:
        assert unit_price(row.min_quantity) == row.unit_price


@pytest.mark.parametrize(
    ("base", "breaks", "expected"),
    [
        # A base with more decimals than the currency: prices still come out at its precision.
        ("9.995", [brk(1, percent="10")], "9.00"),  # 8.9955
        ("9.995", [brk(1, fixed="9.99")], "9.99"),
        ("9.995", [brk(1, fixed="9.995")], "9.995"),  # rounds to 10.00: no discount, base kept
        ("10.000", [brk(1, percent="50")], "5.00"),
    ],
)
def test_bases_with_extra_decimals(base, breaks, expected):
    quoted = quote_line([price_list(1, entry(1, *breaks))], price=base)
    assert quoted.unit_price == D(expected)
    assert str(quoted.unit_price) == expected


def reference_percent_price(base: Decimal, percent: Decimal, currency: str) -> Decimal:
    """The rule written plainly in Decimal: what the integer arithmetic must reproduce."""
    from saleor_loyalty.engine.money import quantize

    return quantize(base * (100 - percent) / 100, currency)


@settings(max_examples=300, deadline=None)
@given(
    base=st.decimals(min_value=0, max_value=100_000, places=3),
    percent=st.decimals(min_value="0.001", max_value=100, places=3),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_property_integer_pricing_matches_decimal_rounding(base, percent, currency):
    lists = [price_list(1, entry(1, brk(1, percent=str(percent))), currency=currency)]
    quoted = quote_line(lists, price=str(base), currency=currency)
    expected = reference_percent_price(base, percent, currency)
    assert quoted.unit_price == (expected if expected < base else base)


def test_the_next_window_change_is_the_first_price_list_or_gift_moment_after_now() -> None:
    from saleor_loyalty.engine.rules import Audience, GiftRule

    start = NOW
    rules = compiled(
        price_lists=[price_list(1, entry(1, brk(1, fixed="1")), valid_from=start + timedelta(hours=2),
                                valid_until=start + timedelta(hours=5))],
        gift_rules=[GiftRule(1, "mug", Audience.everyone(), D("50"), "EUR", variant_id=5,
                             valid_until=start + timedelta(hours=3))],
    )

    assert rules.get_next_window_change(start) == start + timedelta(hours=2)
    assert rules.get_next_window_change(start + timedelta(hours=2)) == start + timedelta(hours=3)  # strictly after
    assert rules.get_next_window_change(start + timedelta(hours=4)) == start + timedelta(hours=5)
    assert rules.get_next_window_change(start + timedelta(hours=5)) is None
