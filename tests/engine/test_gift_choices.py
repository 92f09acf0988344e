"""Gift rules with a choice, ladders of rules, and gifts out of stock."""

import pytest

from saleor_loyalty.engine.errors import InvalidRule
from saleor_loyalty.engine.quote import quote_cart
from saleor_loyalty.engine.rules import Audience, GiftOption, GiftRule, ProgramTerms

from .builders import NOW, D, cart, compiled, customer, line

# "Spend 50: choose one of three" and "spend 100: choose two", rungs of one ladder.
CHOOSE_ONE = GiftRule(
    1, "choose one", Audience.everyone(), D("50.00"), "EUR", variant_id=501,
    options=(GiftOption(502), GiftOption(503, quantity=2)), ladder="spring",
)
CHOOSE_TWO = GiftRule(
    2, "choose two", Audience.everyone(), D("100.00"), "EUR", variant_id=601,
    options=(GiftOption(602, is_default=True), GiftOption(603), GiftOption(604)), choose=2, ladder="spring",
)
PLAIN = GiftRule(3, "sticker", Audience.everyone(), D("20.00"), "EUR", variant_id=701)


def quote(subtotal, rules, *, stacking=False, choices=None, stock=None):
    rule_set = compiled(gift_rules=tuple(rules), terms=ProgramTerms(gift_stacking=stacking))
    return quote_cart(cart(line(price=subtotal)), customer(), rule_set, now=NOW, gift_choices=choices, gift_stock=stock)


def added(result):
    return [(g.rule_id, g.variant_id, g.quantity) for g in result.gift_lines]


def test_a_choice_rule_gives_its_defaults_until_the_shopper_picks():
    # when
    result = quote("60.00", [CHOOSE_ONE])

    # then
    assert added(result) == [(1, 501, 1)]
    (offer,) = result.gift_offers
    assert (offer.rule_id, offer.choose, offer.chosen, offer.given, offer.remaining) == (1, 1, (), (501,), 1)
    assert [(o.variant_id, o.quantity, o.is_default, o.is_chosen, o.is_given) for o in offer.options] == [
        (501, 1, True, False, True), (502, 1, False, False, False), (503, 2, False, False, False),
    ]
    assert offer.is_choice


def test_a_pick_replaces_the_default():
    result = quote("60.00", [CHOOSE_ONE], choices={1: [503]})
    assert added(result) == [(1, 503, 2)]
    offer = result.gift_offers[0]
    assert (offer.chosen, offer.given, offer.remaining) == ((503,), (503,), 0)
    assert [o.variant_id for o in offer.options if o.is_chosen] == [503]


def test_choose_two_with_two_defaults_and_one_pick():
    # given: 601 and 602 are the defaults; the shopper picked 604 only
    defaults = quote("150.00", [CHOOSE_TWO])
    picked = quote("150.00", [CHOOSE_TWO], choices={2: [604]})
    both = quote("150.00", [CHOOSE_TWO], choices={2: [604, 603]})

    # then: a pick replaces all defaults; one pick leaves one pick remaining
    assert added(defaults) == [(2, 601, 1), (2, 602, 1)]
    assert added(picked) == [(2, 604, 1)]
    assert picked.gift_offers[0].remaining == 1
    assert added(both) == [(2, 603, 1), (2, 604, 1)]  # lines in the rule's order of options
    assert both.gift_offers[0].chosen == (604, 603)  # picks in the order picked


@pytest.mark.parametrize(
    ("picks", "given"),
    [
        ([999], (501,)),  # no longer offered: back to the default
        ([502, 503], (502,)),  # more than choose: the first pick counts
        ([502, 502], (502,)),
        ([999, 503], (503,)),  # the valid pick stays
        ([], (501,)),
    ],
)
def test_invalid_picks_are_dropped(picks, given):
    assert quote("60.00", [CHOOSE_ONE], choices={1: picks}).gift_offers[0].given == given


def test_a_ladder_gives_its_highest_rung_only_even_when_gifts_stack():
    # given: two rungs of "spring" and a plain rule outside the ladder
    rules = [CHOOSE_ONE, CHOOSE_TWO, PLAIN]

    # when
    stacked = quote("150.00", rules, stacking=True)
    single = quote("150.00", rules, stacking=False)
    low = quote("60.00", rules, stacking=True)

    # then
    assert added(stacked) == [(2, 601, 1), (2, 602, 1), (3, 701, 1)]
    assert added(single) == [(2, 601, 1), (2, 602, 1)]  # without stacking: the best of all
    assert added(low) == [(1, 501, 1), (3, 701, 1)]
    assert low.next_gift.rule_id == 2
    assert low.next_gift.amount_missing == D("40.00")


def test_choices_of_a_lower_rung_do_not_carry_up():
    result = quote("150.00", [CHOOSE_ONE, CHOOSE_TWO], choices={1: [502]})
    assert [offer.rule_id for offer in result.gift_offers] == [2]
    assert result.gift_offers[0].chosen == ()


def test_below_the_threshold_a_choice_is_not_quoted():
    result = quote("49.99", [CHOOSE_ONE], choices={1: [502]})
    assert (result.gift_lines, result.gift_offers) == ((), ())
    assert result.next_gift.amount_missing == D("0.01")


def test_gifts_out_of_stock_are_not_offered():
    # given: 502 sold out, 503 has one unit but the option gives two, 501 not tracked
    stock = {502: 0, 503: 1}

    # when
    result = quote("60.00", [CHOOSE_ONE], stock=stock, choices={1: [502]})

    # then: the pick is dropped with the gift, and the default is given
    offer = result.gift_offers[0]
    assert [o.variant_id for o in offer.options] == [501]
    assert (offer.chosen, offer.given) == ((), (501,))
    assert not offer.is_choice


def test_when_every_default_is_out_of_stock_the_first_gift_in_stock_is_given():
    result = quote("60.00", [CHOOSE_ONE], stock={501: 0, 502: 5})
    assert added(result) == [(1, 502, 1)]


def test_a_rule_with_nothing_in_stock_lets_the_lower_rung_apply():
    # given: every gift of the top rung is sold out
    stock = {601: 0, 602: 0, 603: 0, 604: 0}

    # when
    result = quote("150.00", [CHOOSE_ONE, CHOOSE_TWO], stock=stock)

    # then
    assert added(result) == [(1, 501, 1)]
    assert result.next_gift is None  # a rung that cannot give is not advertised


def test_a_plain_rule_out_of_stock_gives_nothing():
    result = quote("60.00", [PLAIN], stock={701: 0})
    assert (result.gift_lines, result.gift_offers) == ((), ())


def test_a_plain_rule_is_an_offer_without_a_choice():
    offer = quote("60.00", [PLAIN]).gift_offers[0]
    assert (offer.given, offer.remaining, offer.is_choice) == ((701,), 1, False)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"options": (GiftOption(1),)},  # the rule's own variant again
        {"options": (GiftOption(2), GiftOption(2))},
        {"options": (GiftOption(2),), "choose": 3},  # more than offered
        {"options": (GiftOption(2),), "choose": 0},
        {"options": (GiftOption(2, is_default=True),), "choose": 1},  # two defaults, one pick
        {"options": tuple(GiftOption(n) for n in range(2, 22))},  # 21 gifts offered
        {"options": ((2, 1),)},
        {"ladder": ""},
        {"ladder": "x" * 65},
        {"choose": 2},
    ],
)
def test_bad_choice_rules_are_refused(kwargs):
    with pytest.raises(InvalidRule):
        GiftRule(1, "g", Audience.everyone(), D(10), "EUR", variant_id=1, **kwargs)


def test_bad_options_are_refused():
    with pytest.raises(InvalidRule):
        GiftOption(5, quantity=0)
    with pytest.raises(InvalidRule):
        GiftOption(5, is_default="yes")


def test_twenty_gifts_are_accepted():
    rule = GiftRule(1, "g", Audience.everyone(), D(10), "EUR", variant_id=1,
                    options=tuple(GiftOption(n) for n in range(2, 21)), choose=20)
    assert len(rule.offered) == 20
