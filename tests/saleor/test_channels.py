"""Two channels in two currencies: each earns by its own terms, tier spend adds up in the base
currency at the rate each order recorded when it was paid."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import graphene
import pytest

from saleor_loyalty.engine.rules import TierMetric
from saleor_loyalty.engine.values import StatKey
from saleor_loyalty.models import OrderRecord
from saleor_loyalty.services import channels, exchange_rates, points, tiers

from .storefront import create_checkout, pay_and_complete, set_delivery

SPEND = StatKey(TierMetric.SPEND, None)


@pytest.fixture
def sold_in_pln(product, warehouse, shipping_zone, shipping_method, channel_PLN):
    """The product also sold in the PLN channel at 40.00 PLN, shipped from the same warehouse for 10.00 PLN."""
    from saleor.core.prices import Money
    from saleor.product.models import ProductChannelListing, ProductVariantChannelListing
    from saleor.shipping.models import ShippingMethodChannelListing

    ProductChannelListing.objects.create(
        product=product, channel=channel_PLN, is_published=True, currency="PLN", visible_in_listings=True,
        discounted_price_amount=Decimal("40.00"),
        available_for_purchase_at=datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC),
    )
    ProductVariantChannelListing.objects.create(
        variant=product.variants.first(), channel=channel_PLN, currency="PLN",
        price_amount=Decimal("40.00"), discounted_price_amount=Decimal("40.00"),
    )
    warehouse.channels.add(channel_PLN)
    shipping_zone.channels.add(channel_PLN)
    ShippingMethodChannelListing.objects.create(
        shipping_method=shipping_method, channel=channel_PLN, currency="PLN",
        minimum_order_price=Money(0, "PLN"), price=Money(10, "PLN"),
    )
    return channel_PLN


def _buy(client, customer, variant, quantity, channel):
    checkout_id = create_checkout(client, [(variant, quantity)], email=customer.email, channel=channel)
    set_delivery(client, checkout_id)
    order = pay_and_complete(client, checkout_id)
    return graphene.Node.from_global_id(order["id"])[1]


def test_orders_in_two_currencies_earn_by_channel_and_count_spend_in_the_base_currency(
    loyalty_config, user_api_client, customer_user, product, shipping_method, channel_USD, sold_in_pln
):
    # given USD as the base currency, PLN terms of 0.25 points per zloty, 1 PLN = 0.25 USD
    loyalty_config(base_currency="USD")
    channels.set_channel_terms(channels.ChannelTermsInput(
        channel=sold_in_pln.slug, currency="PLN", points_per_unit=Decimal("0.25"), point_value=Decimal("0.04"),
    ))
    exchange_rates.add_exchange_rate(
        "PLN", Decimal("0.25"), base_currency="USD",
        valid_from=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
    )
    variant = product.variants.first()

    # when the customer buys 2 x 10.00 USD and 2 x 40.00 PLN
    usd_order = _buy(user_api_client, customer_user, variant, 2, channel_USD.slug)
    pln_order = _buy(user_api_client, customer_user, variant, 2, sold_in_pln.slug)

    # then USD earns 1 point per dollar (20), PLN 0.25 per zloty (80 * 0.25 = 20)
    records = {record.order_id: record for record in OrderRecord.objects.all()}
    assert (records[usd_order].currency, records[usd_order].points_earned) == ("USD", 20)
    assert (records[pln_order].currency, records[pln_order].points_earned) == ("PLN", 20)
    assert points.get_balance(points.Owner.customer(customer_user.pk)).pending == 40
    # each order recorded the rate in force when it was paid
    assert (records[usd_order].rate_to_base, records[pln_order].rate_to_base) == (Decimal(1), Decimal("0.25"))

    # when a new PLN rate arrives later, tier spend still uses what the orders recorded
    exchange_rates.add_exchange_rate("PLN", Decimal("0.50"), base_currency="USD")
    now = datetime.datetime.now(datetime.UTC)
    spend = tiers.get_customer_stats(customer_user.pk, [SPEND], now=now).get(TierMetric.SPEND, None, today=now.date())

    # then 20.00 USD + 80.00 PLN * 0.25 = 40.00 USD
    assert spend == Decimal("40")


def test_loyalty_program_shows_each_channels_terms_and_currency(loyalty_plugin, client, channel_USD, channel_PLN):
    channels.set_channel_terms(channels.ChannelTermsInput(
        channel=channel_PLN.slug, currency="PLN", point_value=Decimal("0.04"),
    ))
    query = "query($c: String!) { loyaltyProgram(channel: $c) { currency pointValue hasChannelTerms } }"

    def program(slug):
        body = json.dumps({"query": query, "variables": {"c": slug}})
        response = client.post("/plugins/global/saleor.loyalty/graphql/", body, content_type="application/json")
        return response.json()["data"]["loyaltyProgram"]

    assert program(channel_PLN.slug) == {"currency": "PLN", "pointValue": "0.04", "hasChannelTerms": True}
    assert program(channel_USD.slug) == {"currency": "USD", "pointValue": "0.01", "hasChannelTerms": False}


def test_channel_terms_in_the_wrong_currency_are_refused(loyalty_plugin, channel_PLN):
    from saleor_loyalty.exceptions import InvalidInput

    with pytest.raises(InvalidInput, match="sells in PLN"):
        channels.set_channel_terms(channels.ChannelTermsInput(
            channel=channel_PLN.slug, currency="USD", point_value=Decimal("0.04"),
        ))
