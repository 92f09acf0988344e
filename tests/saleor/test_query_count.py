"""The plugin's SQL per checkout recalculation does not grow with the number of lines."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def checkout_with_lines(checkout, product_list, product, channel_USD):
    """``checkout(n)``: the checkout with n lines of distinct variants, loyalty overrides in place."""
    from saleor.checkout.models import CheckoutLine
    from saleor.product.models import ProductVariant

    def build(count):
        variants = list(ProductVariant.objects.filter(channel_listings__channel=channel_USD)[:count])
        while len(variants) < count:  # make more variants of ``product``
            variants.append(ProductVariant.objects.create(product=product, sku=f"extra-{len(variants)}"))
            variants[-1].channel_listings.create(channel=channel_USD, price_amount=10, currency="USD")
        CheckoutLine.objects.bulk_create([
            CheckoutLine(checkout=checkout, variant=variant, quantity=60, currency="USD",
                         undiscounted_unit_price_amount=10)
            for variant in variants[:count]
        ])
        return checkout

    return build


def count_sync_queries(checkout):
    """Statements of a sync that changes nothing. Each sync gets the checkout afresh, as each
    request's hook does (the lines here are written around Saleor, which a hook never sees)."""
    from saleor.checkout.models import Checkout

    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.saleor.checkout import sync_checkout

    sync_checkout(Checkout.objects.get(pk=checkout.pk), ProgramConfig())  # writes the overrides, warms caches
    fresh = Checkout.objects.get(pk=checkout.pk)
    with CaptureQueriesContext(connection) as captured:
        sync_checkout(fresh, ProgramConfig())
    return len(captured)


def test_queries_do_not_grow_with_lines(loyalty_plugin, checkout_with_lines, b2b_customer, customer_user):
    from saleor_loyalty.services.rules import price_lists
    from saleor_loyalty.services import rules

    price_list = rules.create_price_list({"name": "All", "currency": "USD", "audience_kind": "everyone"})
    price_lists.create_price_list_entry(price_list.pk, {
        "target_kind": "all", "breaks": [{"min_quantity": 50, "percent_off": "10"}]})
    checkout = checkout_with_lines(1)
    checkout.user = customer_user
    checkout.save(update_fields=["user"])
    one = count_sync_queries(checkout)

    checkout.lines.all().delete()
    checkout_with_lines(30)
    thirty = count_sync_queries(checkout)

    assert checkout.lines.filter(price_override_reason__startswith="loyalty:").count() == 30
    assert thirty == one == 1  # one read: the lines, the buyer, their facts and the rules stamp
