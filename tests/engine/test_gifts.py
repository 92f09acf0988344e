"""Gift rules: thresholds on the subtotal after tier prices, audiences, eligibility, stacking, hints."""

from datetime import timedelta

import pytest

from saleor_loyalty.engine.errors import InvalidRule
from saleor_loyalty.engine.quote import quote_cart
from saleor_loyalty.engine.rules import Audience, AudienceKind, GiftRule, ProgramTerms, Tier, TierMetric

from .builders import NOW, D, brk, cart, compiled, customer, entry, line, price_list

MUG = GiftRule(1, "mug", Audience.everyone(), D("50.00"), "EUR", variant_id=501)
BAG = GiftRule(2, "bag", Audience.everyone(), D("100.00"), "EUR", variant_id=502, quantity=2)
GOLD_ONLY = GiftRule(3, "gold gift", Audience(AudienceKind.TIER, 2), D("20.00"), "EUR", variant_id=503)
ELIGIBLE_ONLY = GiftRule(4, "vip gift", Audience.everyone(), D("20.00"), "EUR", variant_id=504, requires_gift_eligibility=True)
GOLD = Tier(2, "Gold", 2, TierMetric.SPEND, D(1000), gift_eligible=True)
SILVER = Tier(1, "Silver", 1, TierMetric.SPEND, D(500), gift_eligible=False)


def gifts(subtotal, rules, *, stacking=False, buyer=None, lists=(), currency="EUR", channel="default", terms=None, now=NOW):
    rule_set = compiled(
        gift_rules=tuple(rules), tiers=(SILVER, GOLD), price_lists=tuple(lists), terms=terms or ProgramTerms(gift_stacking=stacking)
    )
    return quote_cart(cart(line(price=subtotal), currency=currency, channel=channel), buyer or customer(), rule_set, now=now)


def added(quote):
    return [(g.rule_id, g.variant_id, g.quantity) for g in quote.gift_lines]


@pytest.mark.parametrize(
    ("subtotal", "stacking", "lines", "hint"),
    [
        ("49.99", False, [], (1, "0.01")),
        ("50.00", False, [(1, 501, 1)], (2, "50.00")),
        ("75.00", False, [(1, 501, 1)], (2, "25.00")),
        ("120.00", False, [(2, 502, 2)], None),  # only the best (highest threshold)
        ("120.00", True, [(1, 501, 1), (2, 502, 2)], None),
        ("75.00", True, [(1, 501, 1)], (2, "25.00")),
    ],
)
def test_thresholds_stacking_and_hint(subtotal, stacking, lines, hint):
    quote = gifts(subtotal, [BAG, MUG], stacking=stacking)
    assert added(quote) == lines
    got = quote.next_gift
    assert (None if got is None else (got.rule_id, str(got.amount_missing))) == hint


def test_the_threshold_is_on_the_subtotal_after_tier_prices():
    lists = [price_list(1, entry(1, brk(1, fixed="45.00")))]
    quote = gifts("55.00", [MUG], lists=lists)
    assert quote.subtotal == D("45.00")
    assert added(quote) == []
    assert quote.next_gift.amount_missing == D("5.00")


def test_order_discount_does_not_take_a_gift_away():
    rule_set = compiled(gift_rules=(MUG,))
    quote = quote_cart(cart(line(price="60.00"), order_discount=D("20")), customer(), rule_set, now=NOW)
    assert added(quote) == [(1, 501, 1)]


def test_without_stacking_a_tie_on_threshold_goes_to_priority_then_lower_id():
    a = GiftRule(7, "a", Audience.everyone(), D("50"), "EUR", variant_id=1)
    b = GiftRule(8, "b", Audience.everyone(), D("50"), "EUR", variant_id=2, priority=1)
    c = GiftRule(6, "c", Audience.everyone(), D("50"), "EUR", variant_id=3)
    assert added(gifts("50.00", [a, b, c]))[0][0] == 8
    assert added(gifts("50.00", [a, c]))[0][0] == 6


@pytest.mark.parametrize(
    ("rule", "buyer", "gets"),
    [
        (GOLD_ONLY, customer(tier_id=2), True),
        (GOLD_ONLY, customer(tier_id=1), False),
        (ELIGIBLE_ONLY, customer(tier_id=2), True),  # Gold is gift-eligible
        (ELIGIBLE_ONLY, customer(tier_id=1), False),  # Silver is not
        (ELIGIBLE_ONLY, customer(tier_id=None), False),
        (GiftRule(5, "co", Audience(AudienceKind.COMPANY, 8), D(1), "EUR", variant_id=9), customer(company_id=8), True),
        (GiftRule(5, "co", Audience(AudienceKind.COMPANY, 8), D(1), "EUR", variant_id=9), customer(company_id=9), False),
        (GiftRule(5, "ct", Audience(AudienceKind.CUSTOMER_TYPE, 3), D(1), "EUR", variant_id=9), customer(customer_type_id=3), True),
    ],
)
def test_audience_and_gift_eligibility(rule, buyer, gets):
    assert bool(added(gifts("30.00", [rule], buyer=buyer))) is gets


def test_tiers_switched_off_remove_tier_gift_eligibility():
    quote = gifts("30.00", [ELIGIBLE_ONLY], buyer=customer(tier_id=2), terms=ProgramTerms(tiers_enabled=False))
    assert added(quote) == []


@pytest.mark.parametrize(
    ("rule_kwargs", "cart_kwargs", "gets"),
    [
        ({"currency": "USD"}, {}, False),
        ({"channel": "b2b"}, {}, False),
        ({"channel": "b2b"}, {"channel": "b2b"}, True),
        ({"valid_from": NOW + timedelta(days=1)}, {}, False),
        ({"valid_until": NOW}, {}, False),
        ({"valid_from": NOW - timedelta(days=1), "valid_until": NOW + timedelta(days=1)}, {}, True),
    ],
)
def test_currency_channel_and_window(rule_kwargs, cart_kwargs, gets):
    fields = {"currency": "EUR", **rule_kwargs}
    rule = GiftRule(1, "g", Audience.everyone(), D("10"), variant_id=9, **fields)
    quote = gifts("30.00", [rule], **cart_kwargs)
    assert bool(added(quote)) is gets
    if not gets:
        assert quote.next_gift is None  # a rule that cannot apply is not advertised either


def test_gifts_switched_off():
    quote = gifts("300.00", [MUG, BAG], terms=ProgramTerms(gifts_enabled=False))
    assert (quote.gift_lines, quote.next_gift) == ((), None)


def test_gift_reason_code():
    assert gifts("60.00", [MUG]).gift_lines[0].reason_code == "gift:rule=1;threshold=50.00"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"threshold": D(-1)},
        {"quantity": 0},
        {"currency": "EU"},
        {"valid_from": NOW, "valid_until": NOW - timedelta(days=1)},
    ],
)
def test_bad_gift_rules_are_refused(kwargs):
    fields = {"threshold": D(10), "currency": "EUR", "variant_id": 1, **kwargs}
    with pytest.raises(InvalidRule):
        GiftRule(1, "g", Audience.everyone(), **fields)
