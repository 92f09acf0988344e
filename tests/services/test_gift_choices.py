"""Gift choices: a shopper's pick per checkout and rule, validated, stored, and quoted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import GiftChoiceRefused, InvalidInput
from saleor_loyalty.models import GiftChoice
from saleor_loyalty.services import gift_choices, quotes, rules

from .fakes import FakeShop

pytestmark = pytest.mark.django_db

CHOICE = {
    "name": "Choose one", "threshold": "50", "currency": "EUR", "variant_id": 501,
    "options": [{"variant_id": 502}, {"variant_id": 503, "quantity": 2}], "ladder": "spring",
}


@pytest.fixture
def cart(shop: FakeShop) -> str:
    """A 60.00 checkout: item 1 at 30.00, twice."""
    shop.add_variant(1, "30.00")
    shop.add_checkout("tok", [(1, 2)])
    return "tok"


@pytest.fixture
def choice_rule() -> Any:
    return rules.create_gift_rule(CHOICE)


def given(quote):
    return [(gift.rule_id, gift.variant_id, gift.quantity) for gift in quote.gift_lines]


def choose(token: str, rule_id: int, picks: list[int], config: ProgramConfig, now: datetime):
    return gift_choices.choose_gifts(quotes.fetch_checkout(token), rule_id, picks, config=config, now=now)


def test_a_pick_is_stored_quoted_and_the_shop_refreshes_its_gift_lines(
    shop: FakeShop, cart: str, choice_rule: Any, config: ProgramConfig, now: datetime
):
    # when
    chosen = choose(cart, choice_rule.pk, [503], config, now)

    # then
    assert (chosen.variant_ids, chosen.offer.chosen, chosen.offer.remaining) == ((503,), (503,), 0)
    assert given(chosen.quote) == [(choice_rule.pk, 503, 2)]
    assert list(GiftChoice.objects.values_list("checkout_token", "rule_id", "variant_ids")) == [("tok", choice_rule.pk, [503])]
    assert ("refresh_gifts", "tok") in shop.calls
    assert given(quotes.quote_checkout(cart, config=config, now=now)) == [(choice_rule.pk, 503, 2)]


def test_a_new_pick_replaces_the_old_and_an_empty_one_clears_it(
    cart: str, choice_rule: Any, config: ProgramConfig, now: datetime
):
    choose(cart, choice_rule.pk, [503], config, now)
    choose(cart, choice_rule.pk, [502], config, now)
    assert GiftChoice.objects.get().variant_ids == [502]
    cleared = choose(cart, choice_rule.pk, [], config, now)
    assert (GiftChoice.objects.count(), cleared.offer.given) == (0, (501,))


@pytest.mark.parametrize(
    ("picks", "reason"),
    [([502, 503], "too_many"), ([999], "not_offered"), ([502, 502], "duplicate")],
)
def test_bad_picks_are_refused_and_nothing_is_stored(
    cart: str, choice_rule: Any, config: ProgramConfig, now: datetime, picks: list[int], reason: str
):
    choose(cart, choice_rule.pk, [503], config, now)
    with pytest.raises(GiftChoiceRefused) as refused:
        choose(cart, choice_rule.pk, picks, config, now)
    assert refused.value.reason == reason
    assert GiftChoice.objects.get().variant_ids == [503]


def test_an_unknown_or_inactive_rule_is_refused(cart: str, choice_rule: Any, config: ProgramConfig, now: datetime):
    with pytest.raises(GiftChoiceRefused) as unknown:
        choose(cart, choice_rule.pk + 100, [502], config, now)
    rules.update_gift_rule(choice_rule.pk, {"is_active": False})
    with pytest.raises(GiftChoiceRefused) as inactive:
        choose(cart, choice_rule.pk, [502], config, now)
    assert (unknown.value.reason, inactive.value.reason) == ("rule_not_found", "rule_not_found")
    assert not GiftChoice.objects.exists()


def test_a_rule_the_cart_does_not_reach_is_refused(shop: FakeShop, choice_rule: Any, config: ProgramConfig, now: datetime):
    shop.add_variant(1, "30.00")
    shop.add_checkout("small", [(1, 1)])
    with pytest.raises(GiftChoiceRefused) as refused:
        choose("small", choice_rule.pk, [502], config, now)
    assert refused.value.reason == "not_applicable"


def test_a_gift_out_of_stock_is_refused_and_not_offered(
    shop: FakeShop, cart: str, choice_rule: Any, config: ProgramConfig, now: datetime
):
    # given: 502 sold out in the checkout's channel
    shop.stock[("default", 502)] = 0
    shop.stock[("default", 503)] = 7

    # when
    with pytest.raises(GiftChoiceRefused) as refused:
        choose(cart, choice_rule.pk, [502], config, now)
    quote = quotes.quote_checkout(cart, config=config, now=now)

    # then
    assert refused.value.reason == "out_of_stock"
    assert [option.variant_id for option in quote.gift_offers[0].options] == [501, 503]


def test_a_pick_that_ran_out_of_stock_falls_back_to_the_default(
    shop: FakeShop, cart: str, choice_rule: Any, config: ProgramConfig, now: datetime
):
    choose(cart, choice_rule.pk, [503], config, now)
    shop.stock[("default", 503)] = 1  # the option gives two
    quote = quotes.quote_checkout(cart, config=config, now=now)
    assert given(quote) == [(choice_rule.pk, 501, 1)]
    assert GiftChoice.objects.get().variant_ids == [503]  # kept: it comes back with the stock


def test_below_the_threshold_the_pick_is_kept_but_not_quoted(
    shop: FakeShop, cart: str, choice_rule: Any, config: ProgramConfig, now: datetime
):
    # given
    choose(cart, choice_rule.pk, [502], config, now)

    # when: the cart drops to 30.00, then comes back
    shop.checkouts[cart].lines = [(1, 1)]
    low = quotes.quote_checkout(cart, config=config, now=now)
    shop.checkouts[cart].lines = [(1, 2)]
    back = quotes.quote_checkout(cart, config=config, now=now)

    # then
    assert (low.gift_lines, low.gift_offers) == ((), ())
    assert given(back) == [(choice_rule.pk, 502, 1)]


def test_an_edited_rule_drops_picks_it_no_longer_offers(cart: str, choice_rule: Any, config: ProgramConfig, now: datetime):
    choose(cart, choice_rule.pk, [503], config, now)
    rules.update_gift_rule(choice_rule.pk, {"options": [{"variant_id": 502}]})
    assert given(quotes.quote_checkout(cart, config=config, now=now)) == [(choice_rule.pk, 501, 1)]


def test_deleting_the_rule_deletes_its_picks(cart: str, choice_rule: Any, config: ProgramConfig, now: datetime):
    choose(cart, choice_rule.pk, [503], config, now)
    rules.delete_gift_rule(choice_rule.pk)
    assert not GiftChoice.objects.exists()


def test_a_ladder_gives_its_top_rung_with_its_own_pick(
    shop: FakeShop, choice_rule: Any, config: ProgramConfig, now: datetime
):
    # given: a second rung at 100.00 offering 601 (default) or 602, two picks
    top = rules.create_gift_rule({
        "name": "Choose two", "threshold": "100", "currency": "EUR", "variant_id": 601, "choose": 2,
        "options": [{"variant_id": 602}, {"variant_id": 603}], "ladder": "spring",
    })
    shop.add_variant(1, "30.00")
    shop.add_checkout("big", [(1, 4)])

    # when
    chosen = choose("big", top.pk, [603, 602], config, now)

    # then: only the top rung; the lower rung cannot be picked on this cart
    assert given(chosen.quote) == [(top.pk, 602, 1), (top.pk, 603, 1)]
    with pytest.raises(GiftChoiceRefused) as refused:
        choose("big", choice_rule.pk, [502], config, now)
    assert refused.value.reason == "not_applicable"


def test_the_quote_reads_picks_and_stock_once(shop: FakeShop, cart: str, choice_rule: Any, config: ProgramConfig, now: datetime):
    quotes.quote_checkout(cart, config=config, now=now)  # warm the compiled rules
    shop.calls.clear()
    with CaptureQueriesContext(connection) as queries:
        quotes.quote_checkout(cart, config=config, now=now)
    assert sum("loyalty_gift_choice" in query["sql"] for query in queries.captured_queries) == 1
    assert shop.calls == [("gift_stock", ("default", (501, 502, 503)))]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"options": [{"variant_id": 501}]}, "options"),  # the rule's own variant again
        ({"options": [{"variant_id": 502, "is_default": True}]}, "options"),  # two defaults, choose 1
        ({"options": [{"variant_id": 502}], "choose": 3}, "choose"),
        ({"options": [{"variant": 502}]}, "options"),
        ({"options": 502}, "options"),
        ({"choose": 0}, "choose"),
        ({"ladder": "x" * 65}, "ladder"),
    ],
)
def test_bad_choice_rules_are_refused(values: dict[str, Any], field: str):
    with pytest.raises(InvalidInput) as refused:
        rules.create_gift_rule({"name": "g", "threshold": "10", "currency": "EUR", "variant_id": 501, **values})
    assert field in [name for name, _ in refused.value.problems]
