"""Per-channel terms: a channel's overrides of the money-dependent terms, merged over the program's."""

from decimal import Decimal

import pytest

from saleor_loyalty.engine.errors import EngineError
from saleor_loyalty.engine.quote import quote_cart
from saleor_loyalty.engine.redemption import calculate_max_redeemable_points
from saleor_loyalty.engine.rules import Audience, AudienceKind, ChannelTerms, GiftRule, ProgramTerms, RuleSet

from .builders import NOW, D, cart, compiled, customer, line

PLN = ChannelTerms("channel-pln", "PLN", points_per_unit=D("0.25"), point_value=D("0.04"), redeem_min_points=50)


def test_channel_terms_replace_only_the_fields_they_set():
    # given
    program = ProgramTerms(points_per_unit=D(1), point_value=D("0.01"), redeem_max_share=D("0.5"))

    # when
    merged = PLN.apply_to(program)

    # then
    assert (merged.points_per_unit, merged.point_value, merged.redeem_min_points) == (D("0.25"), D("0.04"), 50)
    assert merged.redeem_max_share == D("0.5")
    assert merged.redeem_max_amount is None


def test_a_quote_earns_and_redeems_by_its_channels_terms():
    # given one rule set with PLN overrides and program terms for everyone else
    rules = compiled(channel_terms=(PLN,))
    buyer = customer(available_points=10_000)

    # when
    pln = quote_cart(cart(line(price="100.00"), currency="PLN", channel="channel-pln"), buyer, rules, now=NOW)
    usd = quote_cart(cart(line(price="100.00"), currency="USD", channel="channel-usd"), buyer, rules, now=NOW)

    # then 100 PLN at 0.25 per unit is 25 points; 100 USD at the program's 1 per unit is 100
    assert (pln.earn.points, usd.earn.points) == (25, 100)
    # half of 100.00 may be paid with points: 50.00 / 0.04 = 1250 points, 50.00 / 0.01 = 5000
    assert (pln.max_redeemable_points, usd.max_redeemable_points) == (1250, 5000)


def test_get_terms_falls_back_to_the_program_terms():
    rules = compiled(terms=ProgramTerms(point_value=D("0.02")), channel_terms=(PLN,))

    assert rules.get_terms("channel-usd").point_value == D("0.02")
    assert rules.get_terms("channel-pln").point_value == D("0.04")
    assert rules.channel_terms["channel-pln"].currency == "PLN"


def test_a_max_amount_caps_what_points_may_pay():
    terms = ProgramTerms(redeem_max_amount=D("50.00"))

    # 123.45 * 0.5 = 61.725 is capped at 50.00 -> 5000 points
    assert calculate_max_redeemable_points(D("123.45"), terms, available_points=None) == 5000
    assert calculate_max_redeemable_points(D("80.00"), terms, available_points=None) == 4000


def test_a_max_amount_below_the_minimum_allows_no_redemption():
    terms = ProgramTerms(redeem_max_amount=D("0.50"), redeem_min_points=100)

    assert calculate_max_redeemable_points(D("100"), terms, available_points=None) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "pln"}, "currency"),
        ({"channel": " "}, "channel"),
        ({"point_value": D(0)}, "point_value"),
        ({"points_per_unit": D(-1)}, "points_per_unit"),
        ({"redeem_max_share": D("1.5")}, "redeem_max_share"),
        ({"redeem_min_points": -1}, "redeem_min_points"),
        ({"redeem_max_amount": D(10) ** 13}, "redeem_max_amount"),
    ],
)
def test_bad_channel_terms_are_refused_naming_the_field(changes, field):
    values = {"channel": "c", "currency": "PLN", **changes}

    with pytest.raises(EngineError) as caught:
        ChannelTerms(**values)

    assert field in str(caught.value)


def test_two_terms_for_one_channel_are_refused():
    with pytest.raises(EngineError, match="same channel"):
        RuleSet(version="1", channel_terms=(PLN, ChannelTerms("channel-pln", "PLN")))


def test_a_gift_rule_applies_only_in_its_own_currency():
    # A threshold is an amount in one currency: a PLN gift rule is not converted for a USD cart.
    gift = GiftRule(1, "Mug", Audience(AudienceKind.EVERYONE), D("100"), "PLN", variant_id=9)
    rules = compiled(gift_rules=(gift,))

    pln = quote_cart(cart(line(price="150.00"), currency="PLN", channel="channel-pln"), customer(), rules, now=NOW)
    usd = quote_cart(cart(line(price="150.00"), currency="USD", channel="channel-usd"), customer(), rules, now=NOW)

    assert [item.variant_id for item in pln.gift_lines] == [9]
    assert usd.gift_lines == ()
