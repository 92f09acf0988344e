"""An unchanged checkout is not quoted again; anything the quote depends on makes it quote again.

The sync remembers, per process, the fingerprint of a read that needed no change
(``saleor/synced.py``). These tests prove the skip is taken only when it is safe: a changed
listing price, a rule change and a price list's window opening each bring a fresh quote.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from freezegun import freeze_time


@pytest.fixture
def synced(loyalty_plugin):
    from saleor_loyalty.saleor.synced import synced_checkouts

    synced_checkouts.clear()
    yield synced_checkouts
    synced_checkouts.clear()


@pytest.fixture
def b2b_checkout(checkout, b2b_customer, product, channel_USD):
    """``checkout`` of the B2B buyer with 60 units of ``product``'s variant at 10.00."""
    from saleor.checkout.models import CheckoutLine

    checkout.user = b2b_customer
    checkout.save(update_fields=["user"])
    CheckoutLine.objects.bulk_create([CheckoutLine(
        checkout=checkout, variant=product.variants.first(), quantity=60, currency="USD",
        undiscounted_unit_price_amount=10)])
    return checkout


def sync(checkout):
    """One hook's sync on a fresh instance, as each request has; (result, quotes made)."""
    from saleor.checkout.models import Checkout

    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.saleor.checkout import sync_checkout
    from saleor_loyalty.services import quotes

    with mock.patch.object(quotes, "quote_checkout_view", wraps=quotes.quote_checkout_view) as quoted:
        result = sync_checkout(Checkout.objects.get(pk=checkout.pk), ProgramConfig())
    return result, quoted.call_count


def unit_price(checkout):
    line = checkout.lines.get()
    return line.price_override


def test_an_unchanged_checkout_is_read_but_not_quoted_again(synced, b2b_checkout, b2b_price_list):
    # given: the first sync writes the break price, the second finds it in line
    first, quotes_first = sync(b2b_checkout)
    second, quotes_second = sync(b2b_checkout)
    assert first.prices_changed == 1 and quotes_first == 1
    assert not second.changed and quotes_second == 1

    # when: nothing changed since
    third, quotes_third = sync(b2b_checkout)

    # then: no quote, and the price stays
    assert not third.changed and quotes_third == 0
    assert unit_price(b2b_checkout) == Decimal("8.500")

    # when: only the email changes (checkoutEmailUpdate): no price or gift depends on it
    b2b_checkout.email = "someone-else@example.com"
    b2b_checkout.save(update_fields=["email"])
    fourth, quotes_fourth = sync(b2b_checkout)
    assert not fourth.changed and quotes_fourth == 0


def test_a_changed_quantity_or_listing_price_is_quoted_again(synced, b2b_checkout, b2b_price_list, channel_USD):
    sync(b2b_checkout)
    sync(b2b_checkout)

    # when: the quantity drops below the 50-unit break (written around Saleor, as a mutation would)
    b2b_checkout.lines.update(quantity=20)
    result, quotes_made = sync(b2b_checkout)

    # then: quoted again, the 10-unit break price applies
    assert quotes_made == 1 and result.prices_changed == 1
    assert unit_price(b2b_checkout) == Decimal("9.500")

    # when: the channel's listing price of the variant changes below the break price
    sync(b2b_checkout)
    variant = b2b_checkout.lines.get().variant
    variant.channel_listings.filter(channel=channel_USD).update(price_amount=Decimal("9.00"))
    result, quotes_made = sync(b2b_checkout)

    # then: quoted again; 9.50 is no longer below the list price, so our override goes
    assert quotes_made == 1 and result.prices_changed == 1
    assert unit_price(b2b_checkout) is None


def test_a_rule_change_is_quoted_again(synced, b2b_checkout, b2b_price_list):
    from saleor_loyalty.services import rules

    sync(b2b_checkout)
    sync(b2b_checkout)

    # when: staff delete the price list (the rules stamp moves)
    rules.delete_price_list(b2b_price_list.pk)
    result, quotes_made = sync(b2b_checkout)

    # then
    assert quotes_made == 1 and result.prices_changed == 1
    assert unit_price(b2b_checkout) is None


def test_a_price_list_opening_later_is_applied_when_its_window_opens(synced, b2b_checkout, b2b_customer_type, product):
    from saleor_loyalty.services import rules

    # given: a price list that opens in an hour, and a checkout found in line before it opens
    opens = timezone.now() + timedelta(hours=1)
    price_list = rules.create_price_list({
        "name": "Night sale", "currency": "USD", "audience_kind": "everyone", "valid_from": opens,
    })
    rules.create_price_list_entry(price_list.pk, {
        "target_kind": "variant", "target_id": product.variants.first().pk,
        "breaks": [{"min_quantity": 1, "fixed_price": "7.00"}],
    })
    sync(b2b_checkout)
    _, quotes_before = sync(b2b_checkout)
    assert quotes_before == 0 and unit_price(b2b_checkout) is None

    # when: the window opens and a mutation that changes nothing runs
    with freeze_time(opens + timedelta(seconds=1)):
        result, quotes_made = sync(b2b_checkout)

    # then: quoted again, the sale price is on the line
    assert quotes_made == 1 and result.prices_changed == 1
    assert unit_price(b2b_checkout) == Decimal("7.000")
