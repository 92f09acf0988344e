"""quote_cart as a whole: the composition, redemption limit, hints, input checks, determinism."""

import dataclasses
import pickle
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_loyalty.engine.compiled import compile_rules
from saleor_loyalty.engine.errors import InvalidValue, UnknownCurrency
from saleor_loyalty.engine.quote import quote_cart
from saleor_loyalty.engine.redemption import calculate_max_redeemable_points
from saleor_loyalty.engine.rules import (
    Audience,
    AudienceKind,
    EarnRule,
    EarnRuleKind,
    GiftRule,
    ProgramTerms,
    RuleSet,
    TargetKind,
    Tier,
    TierMetric,
)
from saleor_loyalty.engine.values import BreakHint, Cart, CartLine, CustomerSnapshot, CustomerStats, LineQuote, PriceReason

from .builders import NOW, D, brk, cart, compiled, customer, entry, line, price_list


def test_worked_example_from_the_quote_docstring():
    rule_set = compiled(price_lists=(price_list(1, entry(1, brk(3, percent="10"))),), terms=ProgramTerms(tiers_enabled=False))
    quote = quote_cart(cart(line(quantity=3, price="20.00"), order_discount=D(5)), customer(), rule_set, now=NOW)
    only = quote.lines[0]
    assert (only.unit_price, only.total, only.reason.code) == (D("18.00"), D("54.00"), "tier-price:list=1;break=3")
    assert (quote.base_subtotal, quote.subtotal, quote.goods_paid, quote.tier_price_discount) == (D(60), D(54), D(49), D(6))
    assert quote.earn.points == 49
    assert quote.max_redeemable_points == 2450
    assert quote.version == "test"


def test_a_b2b_gold_customer_gets_every_part():
    gold = Tier(2, "Gold", 2, TierMetric.SPEND, D(1000), window_days=365, multiplier=D(2), gift_eligible=True)
    platinum = Tier(3, "Platinum", 3, TierMetric.SPEND, D(5000), window_days=365)
    rule_set = compiled(
        price_lists=(price_list(4, entry(1, brk(10, fixed="9.00"), brk(50, fixed="8.00")), audience=Audience(AudienceKind.COMPANY, 8)),),
        tiers=(gold, platinum),
        gift_rules=(
            GiftRule(1, "pens", Audience.everyone(), D("80"), "EUR", variant_id=77, requires_gift_eligibility=True),
            GiftRule(2, "chair", Audience.everyone(), D("500"), "EUR", variant_id=78),
        ),
        earn_rules=(EarnRule(1, "paper x3", EarnRuleKind.PRODUCT_BONUS, target_kind=TargetKind.CATEGORY, target_id=2000, multiplier=D(3)),),
    )
    buyer = customer(company_id=8, tier_id=2, available_points=1000)
    lines = (line("a", quantity=12, price="10.00"), line("b", variant=11, product=101, categories=(2000,), quantity=1, price="5.00"))
    stats = CustomerStats.from_mapping({(TierMetric.SPEND, 365): D("1500")})
    quote = quote_cart(Cart("default", "EUR", lines), buyer, rule_set, now=NOW, stats=stats)

    assert [(q.line_id, q.unit_price, q.total) for q in quote.lines] == [("a", D("9.00"), D("108.00")), ("b", D("5.00"), D("5.00"))]
    hint = quote.lines[0].next_break
    assert (hint.min_quantity, hint.missing_quantity, hint.unit_price) == (50, 38, D("8.00"))
    assert quote.lines[1].reason is None and quote.lines[1].next_break is None
    assert [(g.rule_id, g.variant_id) for g in quote.gift_lines] == [(1, 77)]
    assert (quote.next_gift.rule_id, quote.next_gift.amount_missing) == (2, D("387.00"))
    # base 113, tier x2 adds 113, the paper line x3 adds 10.
    assert [(p.code, p.points) for p in quote.earn.breakdown] == [
        ("base:rate=1", 113),
        ("tier-multiplier:tier=2;x=2", 113),
        ("product-bonus:x=3", 10),
    ]
    assert quote.max_redeemable_points == 1000  # 5650 allowed by the share, limited by the balance
    assert (quote.next_tier.tier_id, quote.next_tier.missing) == (3, D("3500"))


@pytest.mark.parametrize(
    ("goods", "terms", "available", "expected"),
    [
        ("123.45", ProgramTerms(), None, 6172),
        ("123.45", ProgramTerms(), 5000, 5000),
        ("123.45", ProgramTerms(), 80, 0),  # under the redemption minimum
        ("1.00", ProgramTerms(), None, 0),  # 50 points < 100 minimum
        ("1.00", ProgramTerms(redeem_min_points=0), None, 50),
        ("100", ProgramTerms(redeem_max_share=D(1), point_value=D(1)), None, 100),
        ("100", ProgramTerms(redeem_max_share=D(0)), None, 0),
        ("0", ProgramTerms(), None, 0),
        ("100", ProgramTerms(points_enabled=False), None, 0),
    ],
)
def test_max_redeemable_points(goods, terms, available, expected):
    assert calculate_max_redeemable_points(D(goods), terms, available_points=available) == expected


def test_redemption_is_on_goods_after_discounts_and_not_shipping():
    quote = quote_cart(cart(line(price="300.00"), order_discount=D(100), shipping=D(50)), customer(), compiled(), now=NOW)
    assert quote.max_redeemable_points == 10000  # half of 200.00 at 0.01 a point


def test_an_anonymous_buyer_gets_only_everyone_lists_and_no_first_order_bonus():
    rule_set = compiled(
        price_lists=(price_list(1, entry(1, brk(1, fixed="1.00")), audience=Audience(AudienceKind.CUSTOMER_TYPE, 1)),),
        earn_rules=(EarnRule(1, "first", EarnRuleKind.FIRST_ORDER_BONUS, points=100),),
    )
    quote = quote_cart(cart(line(price="10.00")), CustomerSnapshot.anonymous(), rule_set, now=NOW)
    assert (quote.lines[0].unit_price, quote.earn.points, quote.max_redeemable_points) == (D("10.00"), 10, 0)


def test_an_empty_cart_quotes_to_zero():
    quote = quote_cart(cart(), customer(), compiled(), now=NOW)
    assert (quote.lines, quote.subtotal, quote.earn.points, quote.max_redeemable_points) == ((), D(0), 0, 0)


def test_no_stats_no_tier_hint():
    tiers = (Tier(1, "S", 1, TierMetric.SPEND, D(100), window_days=30),)
    assert quote_cart(cart(line()), customer(), compiled(tiers=tiers), now=NOW).next_tier is None


def test_a_naive_now_is_refused():
    with pytest.raises(InvalidValue):
        quote_cart(cart(line()), customer(), compiled(), now=datetime(2025, 3, 1))


@pytest.mark.parametrize(
    "build",
    [
        lambda: CartLine("", 1, 1, (), None, 1, D(1)),
        lambda: CartLine("a", 1, 1, (), None, 0, D(1)),
        lambda: CartLine("a", 1, 1, (), None, 1, D(-1)),
        lambda: CartLine("a", 1, 1, (), None, 1, 1.5),
        lambda: CartLine("a", 1, 1, (), None, 1, Decimal("NaN")),
        lambda: CartLine("a", -1, 1, (), None, 1, D(1)),
        lambda: Cart("", "EUR", ()),
        lambda: Cart("default", "EUR", (line("a"), line("a"))),
        lambda: Cart("default", "EUR", (), shipping=D(-1)),
        lambda: Cart("default", "EUR", (), order_discount=D(-1)),
        lambda: CustomerSnapshot(1, None, None, None, None, -1, None, None),
        lambda: CustomerSnapshot(1, None, None, None, None, 0, None, None, available_points=-5),
        lambda: CustomerStats.from_mapping({(TierMetric.SPEND, 30): D(-1)}),
    ],
)
def test_bad_inputs_are_refused(build):
    with pytest.raises(InvalidValue):
        build()


def test_a_bad_currency_code_is_refused_with_its_own_error():
    with pytest.raises(UnknownCurrency):
        Cart("default", "eur", ())


def test_inputs_are_frozen_and_lists_become_tuples():
    built = CartLine("a", 1, 1, [5, 6], None, 1, D(1))
    assert built.category_ids == (5, 6)
    with pytest.raises(AttributeError):
        built.quantity = 3  # type: ignore[misc]


@pytest.mark.parametrize("output", [
    LineQuote("a", 2, D("3.00"), D("2.50"), D("5.00"), PriceReason(1, 2, 3), BreakHint(5, 3, D("2.00"), 1)),
    PriceReason(rule_id=1, entry_id=2, min_quantity=3),
    BreakHint(min_quantity=5, missing_quantity=3, unit_price=D("2.00"), rule_id=1),
])
def test_per_line_outputs_keep_dataclass_behaviour_with_their_faster_constructor(output):
    # They get an __init__ that stores through the slots (values._store_through_slots).
    values = {field.name: getattr(output, field.name) for field in dataclasses.fields(output)}
    assert type(output)(**values) == output == type(output)(*values.values())
    assert hash(type(output)(**values)) == hash(output)
    assert pickle.loads(pickle.dumps(output)) == output
    assert dataclasses.replace(output) == output
    name = next(iter(values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(output, name, 99)
    with pytest.raises(TypeError):
        type(output)(*list(values.values())[:-1])


# --- determinism ----------------------------------------------------------------------------

prices = st.decimals(min_value=0, max_value=1000, places=2)


@settings(max_examples=60, deadline=None)
@given(
    specs=st.lists(st.tuples(st.integers(10, 14), st.integers(1, 60), prices), max_size=8),
    discount=prices,
    order=st.randoms(use_true_random=False),
)
def test_property_quoting_is_deterministic_and_independent_of_rule_order(specs, discount, order):
    lists = [
        price_list(1, entry(1, brk(5, percent="10"), brk(20, fixed="3.00"), target=10), entry(2, brk(1, percent="2"), kind=TargetKind.CATEGORY, target=1000)),
        price_list(2, entry(3, brk(10, percent="12"), target=11), priority=3),
        price_list(3, entry(4, brk(1, percent="5"), kind=TargetKind.ALL), audience=Audience(AudienceKind.TIER, 1)),
    ]
    earn_rules = [
        EarnRule(1, "x2", EarnRuleKind.PRODUCT_BONUS, target_kind=TargetKind.VARIANT, target_id=12, multiplier=D(2)),
        EarnRule(2, "+5", EarnRuleKind.PRODUCT_BONUS, target_kind=TargetKind.CATEGORY, target_id=1000, points=5),
        EarnRule(3, "cap", EarnRuleKind.ORDER_CAP, max_points=700),
    ]
    gift_rules = [GiftRule(i, f"g{i}", Audience.everyone(), D(i * 50), "EUR", variant_id=900 + i) for i in range(1, 4)]
    tiers = [Tier(1, "T", 1, TierMetric.SPEND, D(0), multiplier=D("1.25"))]
    lines = tuple(line(f"l{i}", variant=variant, quantity=qty, price=str(price)) for i, (variant, qty, price) in enumerate(specs))
    buyer = customer(tier_id=1, available_points=9000)

    def run(shuffle):
        parts = [list(lists), list(earn_rules), list(gift_rules)]
        if shuffle:
            for part in parts:
                order.shuffle(part)
        rule_set = compile_rules(RuleSet("v", price_lists=tuple(parts[0]), earn_rules=tuple(parts[1]), gift_rules=tuple(parts[2]), tiers=tuple(tiers)))
        return quote_cart(Cart("default", "EUR", lines, order_discount=discount), buyer, rule_set, now=NOW)

    first = run(shuffle=False)
    assert run(shuffle=False) == first
    assert run(shuffle=True) == first
    assert first.earn.points >= 0
    assert all(Decimal(0) <= q.unit_price <= q.base_unit_price for q in first.lines)


def test_stats_tenure_uses_the_sign_up_date():
    stats = CustomerStats((), signed_up_on=date(2024, 3, 1))
    assert stats.get(TierMetric.TENURE, None, today=date(2025, 3, 1)) == D(365)
