"""Earn rules: one strategy per kind, the order they run in, rounding down, and event bonuses."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_loyalty.engine.earn import EARN_STRATEGIES, BonusEvent, calculate_event_bonus, is_birthday, paid_line_amounts
from saleor_loyalty.engine.errors import InvalidRule
from saleor_loyalty.engine.quote import quote_cart
from saleor_loyalty.engine.rules import EarnRule, EarnRuleKind, ProgramTerms, TargetKind, Tier, TierMetric

from .builders import NOW, D, cart, compiled, customer, line

K = EarnRuleKind
GOLD = Tier(2, "Gold", 2, TierMetric.SPEND, D(1000), multiplier=D("1.5"))


def rule(rule_id, kind, **kwargs):
    return EarnRule(rule_id, f"rule {rule_id}", kind, **kwargs)


def earn(*lines, rules=(), buyer=None, terms=None, tiers=(GOLD,), **cart_kwargs):
    rule_set = compiled(earn_rules=tuple(rules), tiers=tiers, terms=terms)
    return quote_cart(cart(*lines, **cart_kwargs), buyer or customer(), rule_set, now=NOW).earn


def parts(quote):
    return [(part.rule_id, part.code, part.points) for part in quote.breakdown]


def test_every_kind_has_exactly_one_registered_strategy():
    assert set(EARN_STRATEGIES) == set(EarnRuleKind)
    assert all(strategy.kind is kind for kind, strategy in EARN_STRATEGIES.items())


# --- base rate ------------------------------------------------------------------------------

BASE_CASES = [
    # (id, lines, cart kwargs, terms, rules, expected points)
    ("program rate, rounded down", [line(price="10.99")], {}, ProgramTerms(), [], 10),
    ("fractional rate", [line(price="10.99")], {}, ProgramTerms(points_per_unit=D("2.5")), [], 27),  # 27.475
    ("quantity counts", [line(quantity=3, price="10.00")], {}, ProgramTerms(), [], 30),
    ("order discount lowers what is paid", [line(price="50.00")], {"order_discount": D("12.50")}, ProgramTerms(), [], 37),
    ("a discount above the goods leaves nothing", [line(price="5.00")], {"order_discount": D("9")}, ProgramTerms(), [], 0),
    ("shipping excluded by default", [line(price="10.00")], {"shipping": D("5")}, ProgramTerms(), [], 10),
    ("shipping included when configured", [line(price="10.00")], {"shipping": D("5")}, ProgramTerms(include_shipping_in_earn=True), [], 15),
    ("a base-rate rule replaces the program rate", [line(price="10.00")], {}, ProgramTerms(), [rule(1, K.BASE_RATE, points_per_unit=D(3))], 30),
    (
        "the highest applicable base rate wins",
        [line(price="10.00")],
        {},
        ProgramTerms(),
        [rule(1, K.BASE_RATE, points_per_unit=D(3)), rule(2, K.BASE_RATE, points_per_unit=D(2))],
        30,
    ),
    ("a rate for another channel is ignored", [line(price="10.00")], {}, ProgramTerms(), [rule(1, K.BASE_RATE, points_per_unit=D(3), channel="b2b")], 10),
    ("a rate for another currency is ignored", [line(price="10.00")], {}, ProgramTerms(), [rule(1, K.BASE_RATE, points_per_unit=D(3), currency="USD")], 10),
    ("an expired rate is ignored", [line(price="10.00")], {}, ProgramTerms(), [rule(1, K.BASE_RATE, points_per_unit=D(3), valid_until=NOW)], 10),
    ("a zero rate earns nothing", [line(price="10.00")], {}, ProgramTerms(), [rule(1, K.BASE_RATE, points_per_unit=D(0))], 0),
    ("points switched off", [line(price="10.00")], {}, ProgramTerms(points_enabled=False), [], 0),
]


@pytest.mark.parametrize(("lines", "cart_kwargs", "terms", "rules", "points"), [c[1:] for c in BASE_CASES], ids=[c[0] for c in BASE_CASES])
def test_base_rate(lines, cart_kwargs, terms, rules, points):
    assert earn(*lines, rules=rules, terms=terms, **cart_kwargs).points == points


def test_the_base_part_names_the_rate_rule():
    quote = earn(line(price="10.00"), rules=[rule(7, K.BASE_RATE, points_per_unit=D(2))])
    assert parts(quote) == [(7, "base:rate=2", 20)]


# --- tier multiplier ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "buyer", "expected_parts"),
    [
        ([], customer(tier_id=None), [(None, "base:rate=1", 33)]),
        ([], customer(tier_id=2), [(None, "base:rate=1", 33), (None, "tier-multiplier:tier=2;x=1.5", 16)]),  # 49.995 -> 49
        (
            [rule(4, K.TIER_MULTIPLIER, tier_id=2, multiplier=D(2))],
            customer(tier_id=2),
            [(None, "base:rate=1", 33), (4, "tier-multiplier:tier=2;x=2", 33)],
        ),
        # A rule below the tier's own multiplier does not lower it.
        ([rule(4, K.TIER_MULTIPLIER, tier_id=2, multiplier=D("1.2"))], customer(tier_id=2), [(None, "base:rate=1", 33), (None, "tier-multiplier:tier=2;x=1.5", 16)]),
        # A rule for another tier does nothing.
        ([rule(4, K.TIER_MULTIPLIER, tier_id=3, multiplier=D(3))], customer(tier_id=2), [(None, "base:rate=1", 33), (None, "tier-multiplier:tier=2;x=1.5", 16)]),
    ],
)
def test_tier_multiplier(rules, buyer, expected_parts):
    assert parts(earn(line(price="33.33"), rules=rules, buyer=buyer)) == expected_parts


def test_a_multiplier_below_one_never_makes_points_negative():
    basic = Tier(1, "Basic", 1, TierMetric.SPEND, D(0), multiplier=D("0.5"))
    quote = earn(line(price="1.20"), tiers=(basic,), buyer=customer(tier_id=1))
    # floor(1.20 * 0.5) = 0; base 1, tier part -1: the sum is exactly the floor of the product.
    assert parts(quote) == [(None, "base:rate=1", 1), (None, "tier-multiplier:tier=1;x=0.5", -1)]
    assert quote.points == 0


# --- product bonuses and exclusions ---------------------------------------------------------

TWO_LINES = (line("a", variant=10, product=100, categories=(1,), price="40.50"), line("b", variant=20, product=200, categories=(2,), price="19.99"))


@pytest.mark.parametrize(
    ("rules", "expected_parts"),
    [
        ([rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.PRODUCT, target_id=200, multiplier=D(2))], [(None, "base:rate=1", 60), (5, "product-bonus:x=2", 19)]),
        ([rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.VARIANT, target_id=10, points=7)], [(None, "base:rate=1", 60), (5, "product-bonus:per-item=7", 7)]),
        ([rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.CATEGORY, target_id=1, multiplier=D(3))], [(None, "base:rate=1", 60), (5, "product-bonus:x=3", 81)]),
        ([rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.ALL, points=1)], [(None, "base:rate=1", 60), (5, "product-bonus:per-item=1", 2)]),
        ([rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.PRODUCT, target_id=999, points=1)], [(None, "base:rate=1", 60)]),
        # Two bonuses on one line: only the larger applies.
        (
            [
                rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.CATEGORY, target_id=2, multiplier=D(2)),
                rule(6, K.PRODUCT_BONUS, target_kind=TargetKind.VARIANT, target_id=20, points=50),
            ],
            [(None, "base:rate=1", 60), (6, "product-bonus:per-item=50", 50)],
        ),
        # An excluded line earns neither base points nor bonuses.
        (
            [
                rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.PRODUCT, target_id=200, multiplier=D(2)),
                rule(9, K.EXCLUDE, target_kind=TargetKind.PRODUCT, target_id=200),
            ],
            [(None, "base:rate=1", 40)],
        ),
        ([rule(9, K.EXCLUDE, target_kind=TargetKind.CATEGORY, target_id=1)], [(None, "base:rate=1", 19)]),
        ([rule(9, K.EXCLUDE, target_kind=TargetKind.ALL)], [(None, "base:rate=1", 0)]),
    ],
)
def test_product_bonus_and_line_exclusion(rules, expected_parts):
    quote = earn(*TWO_LINES, rules=rules)
    assert parts(quote) == expected_parts
    assert quote.points == sum(points for _, _, points in expected_parts)


def test_product_bonus_is_computed_from_the_line_after_its_share_of_the_order_discount():
    # 10.00 off 60.00 + 40.00: line b pays 40.00 - 4.00 = 36.00; x2 bonus adds 36.
    lines = (line("a", variant=10, price="60.00"), line("b", variant=20, price="40.00"))
    bonus = rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.VARIANT, target_id=20, multiplier=D(2))
    assert parts(earn(*lines, rules=[bonus], order_discount=D("10"))) == [(None, "base:rate=1", 90), (5, "product-bonus:x=2", 36)]


def test_an_excluded_customer_type_earns_nothing_at_all():
    rules = [rule(9, K.EXCLUDE, customer_type_id=4), rule(3, K.FIRST_ORDER_BONUS, points=100)]
    quote = earn(line(price="99.00"), rules=rules, buyer=customer(customer_type_id=4, orders_count=0))
    assert parts(quote) == [(9, "excluded:customer-type=4", 0)]
    assert earn(line(price="99.00"), rules=rules, buyer=customer(customer_type_id=5)).points == 99


# --- first-order bonus and cap --------------------------------------------------------------


@pytest.mark.parametrize(
    ("buyer", "bonus"),
    [
        (customer(orders_count=0), 100),
        (customer(orders_count=1), 0),
        (customer(user_id=None, orders_count=0), 0),  # anonymous: we cannot tell it is a first order
    ],
)
def test_first_order_bonus(buyer, bonus):
    rules = [rule(3, K.FIRST_ORDER_BONUS, points=100), rule(4, K.FIRST_ORDER_BONUS, points=40)]
    assert earn(line(price="10.00"), rules=rules, buyer=buyer).points == 10 + bonus


def test_the_cap_comes_last_and_the_smallest_applies():
    rules = [
        rule(3, K.FIRST_ORDER_BONUS, points=100),
        rule(8, K.ORDER_CAP, max_points=150),
        rule(9, K.ORDER_CAP, max_points=120),
    ]
    quote = earn(line(price="90.00"), rules=rules, buyer=customer(orders_count=0))
    assert parts(quote) == [(None, "base:rate=1", 90), (3, "first-order-bonus", 100), (9, "cap:max=120", -70)]
    assert quote.points == 120


def test_a_cap_that_is_not_reached_adds_no_part():
    assert parts(earn(line(price="90.00"), rules=[rule(8, K.ORDER_CAP, max_points=500)])) == [(None, "base:rate=1", 90)]


def test_worked_example_from_the_earn_docstring():
    rules = [
        rule(5, K.PRODUCT_BONUS, target_kind=TargetKind.PRODUCT, target_id=200, multiplier=D(2)),
        rule(8, K.ORDER_CAP, max_points=100),
    ]
    quote = earn(*TWO_LINES, rules=rules, buyer=customer(tier_id=2))
    assert parts(quote) == [
        (None, "base:rate=1", 60),
        (None, "tier-multiplier:tier=2;x=1.5", 30),
        (5, "product-bonus:x=2", 19),
        (8, "cap:max=100", -9),
    ]


def test_paid_line_amounts_worked_example():
    assert paid_line_amounts([D("60.00"), D("30.00"), D("10.00")], D("15.00"), currency="EUR") == (D("51.00"), D("25.50"), D("8.50"))
    assert paid_line_amounts([D("10.00")] * 3, D("10.00"), currency="EUR") == (D("6.66"), D("6.67"), D("6.67"))


# --- event bonuses --------------------------------------------------------------------------


def at(day):
    return datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)


EVENT_RULES = (
    EarnRule(1, "welcome", K.SIGNUP_BONUS, points=50),
    EarnRule(2, "welcome b2b", K.SIGNUP_BONUS, points=200, channel="b2b"),
    EarnRule(3, "birthday", K.BIRTHDAY_BONUS, points=30),
    EarnRule(4, "birthday in USD only", K.BIRTHDAY_BONUS, points=999, currency="USD"),
)


@pytest.mark.parametrize(
    ("event", "buyer", "channel", "now", "points"),
    [
        (BonusEvent.SIGNUP, customer(), "default", NOW, 50),
        (BonusEvent.SIGNUP, customer(), "b2b", NOW, 200),
        (BonusEvent.BIRTHDAY, customer(birthday=date(1990, 3, 1)), "default", NOW, 30),
        (BonusEvent.BIRTHDAY, customer(birthday=date(1990, 3, 2)), "default", NOW, 0),
        (BonusEvent.BIRTHDAY, customer(birthday=None), "default", NOW, 0),
        (BonusEvent.BIRTHDAY, customer(birthday=date(2000, 2, 29)), "default", at(date(2025, 2, 28)), 30),
        (BonusEvent.BIRTHDAY, customer(birthday=date(2000, 2, 29)), "default", at(date(2024, 2, 28)), 0),
        (BonusEvent.BIRTHDAY, customer(birthday=date(2000, 2, 29)), "default", at(date(2024, 2, 29)), 30),
    ],
)
def test_event_bonuses(event, buyer, channel, now, points):
    quote = calculate_event_bonus(event, buyer, rules=EVENT_RULES, terms=ProgramTerms(), channel=channel, now=now)
    assert quote.points == points
    assert sum(part.points for part in quote.breakdown) == points


def test_event_bonuses_respect_exclusions_and_the_points_switch():
    rules = EVENT_RULES + (EarnRule(9, "staff", K.EXCLUDE, customer_type_id=4),)
    excluded = customer(customer_type_id=4)
    assert calculate_event_bonus(BonusEvent.SIGNUP, excluded, rules=rules, terms=ProgramTerms(), channel="default", now=NOW).points == 0
    off = ProgramTerms(points_enabled=False)
    assert calculate_event_bonus(BonusEvent.SIGNUP, customer(), rules=rules, terms=off, channel="default", now=NOW).points == 0


def test_is_birthday_every_day_of_a_leap_year_matches_exactly_once_for_each_birthday():
    day = date(2024, 1, 1)
    hits = 0
    while day.year == 2024:
        hits += is_birthday(date(1990, 7, 14), day)
        day += timedelta(days=1)
    assert hits == 1


# --- rule validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": K.BASE_RATE},  # no rate
        {"kind": K.BASE_RATE, "points_per_unit": D(-1)},
        {"kind": K.BASE_RATE, "points_per_unit": D(1), "points": 5},  # a field the kind does not use
        {"kind": K.TIER_MULTIPLIER, "multiplier": D(2)},  # no tier
        {"kind": K.PRODUCT_BONUS, "target_kind": TargetKind.PRODUCT, "target_id": 1},  # no benefit
        {"kind": K.PRODUCT_BONUS, "target_kind": TargetKind.PRODUCT, "target_id": 1, "points": 1, "multiplier": D(2)},
        {"kind": K.PRODUCT_BONUS, "target_kind": TargetKind.PRODUCT, "target_id": 1, "multiplier": D("0.5")},
        {"kind": K.PRODUCT_BONUS, "points": 1},  # no target
        {"kind": K.EXCLUDE},
        {"kind": K.EXCLUDE, "customer_type_id": 1, "target_kind": TargetKind.ALL},
        {"kind": K.ORDER_CAP},
        {"kind": K.SIGNUP_BONUS},
        {"kind": K.FIRST_ORDER_BONUS, "points": 0},
        {"kind": K.BIRTHDAY_BONUS, "points": 5, "currency": "euro"},
        {"kind": "base_rate", "points_per_unit": D(1)},  # a string, not the enum
    ],
)
def test_bad_earn_rules_are_refused(kwargs):
    kind = kwargs.pop("kind")
    with pytest.raises(InvalidRule):
        EarnRule(1, "bad", kind, **kwargs)


# --- properties -----------------------------------------------------------------------------

prices = st.decimals(min_value=0, max_value=5_000, places=2)


@settings(max_examples=150, deadline=None)
@given(
    line_prices=st.lists(st.tuples(prices, st.integers(min_value=1, max_value=20)), min_size=0, max_size=6),
    discount=st.decimals(min_value=0, max_value=20_000, places=2),
    rate=st.decimals(min_value=0, max_value=10, places=2),
    multiplier=st.decimals(min_value="0.1", max_value=5, places=1),
    bonus=st.decimals(min_value=1, max_value=5, places=1),
    cap=st.integers(min_value=0, max_value=2_000),
)
def test_property_earned_points_are_never_negative_and_the_breakdown_adds_up(line_prices, discount, rate, multiplier, bonus, cap):
    tier = Tier(2, "T", 2, TierMetric.SPEND, D(0), multiplier=multiplier)
    rules = [
        rule(1, K.PRODUCT_BONUS, target_kind=TargetKind.CATEGORY, target_id=1000, multiplier=bonus),
        rule(2, K.ORDER_CAP, max_points=cap),
        rule(3, K.FIRST_ORDER_BONUS, points=25),
    ]
    lines = [line(f"l{i}", quantity=qty, price=str(price)) for i, (price, qty) in enumerate(line_prices)]
    quote = earn(*lines, rules=rules, tiers=(tier,), terms=ProgramTerms(points_per_unit=rate), buyer=customer(tier_id=2, orders_count=0), order_discount=discount)
    assert 0 <= quote.points <= cap
    assert quote.points == sum(part.points for part in quote.breakdown)
    assert all(part.points >= 0 for part in quote.breakdown if not part.code.startswith(("cap:", "tier-multiplier:")))


def test_every_earn_kind_has_one_strategy_that_owns_its_fields_and_stage():
    from saleor_loyalty.engine.rules import EARN_OPTIONAL_FIELDS, EarnRuleKind

    assert set(EARN_STRATEGIES) == set(EarnRuleKind)
    for kind, strategy in EARN_STRATEGIES.items():
        assert strategy.kind is kind
        assert strategy.fields <= set(EARN_OPTIONAL_FIELDS), kind
        assert strategy.stage in {"filter", "rate", "order", "event"}, kind
    # the cap takes back what is above it, so it must run after every other order-stage kind
    order_kinds = [kind for kind, strategy in EARN_STRATEGIES.items() if strategy.stage == "order"]
    assert order_kinds[-1] is EarnRuleKind.ORDER_CAP


def test_an_earn_rule_is_checked_by_its_kinds_strategy():
    from saleor_loyalty.engine.rules import EarnRule, EarnRuleKind

    with pytest.raises(InvalidRule, match="max_points"):
        EarnRule(1, "cap", EarnRuleKind.ORDER_CAP)
    with pytest.raises(InvalidRule, match="points_per_unit"):
        EarnRule(2, "cap", EarnRuleKind.ORDER_CAP, max_points=10, points_per_unit=Decimal(1))
    assert EarnRule(3, "cap", EarnRuleKind.ORDER_CAP, max_points=10).max_points == 10
