"""The checkout read leaves the gift picks and stock out while the process knows of no gift
rule, and a gift rule created elsewhere is still applied at the next mutation."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .storefront import create_checkout, get_checkout, update_line
from .test_gifts import gift_lines


def loyalty_reads(statements):
    """The plugin's checkout reads among ``statements``: (with gifts, without gifts) counts."""
    reads = [query["sql"] for query in statements.captured_queries
             if "loyalty_read_checkout" in query["sql"] or "json_build_array" in query["sql"]]
    without = [sql for sql in reads if "without_gifts" in sql or ("json_build_array" in sql and "warehouse_stock" not in sql)]
    return len(reads) - len(without), len(without)


def test_a_gift_rule_created_elsewhere_is_applied_though_the_last_read_left_gifts_out(
    loyalty_plugin, user_api_client, customer_user, gift_variant, product, channel_USD
):
    from saleor_loyalty.services import rules
    from saleor_loyalty.services.rules.versions import forget_compiled_rules

    # given: a checkout over 50.00 and no gift rule; this process has compiled the rules
    forget_compiled_rules()
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    line_id = get_checkout(user_api_client, checkout_id)["lines"][0]["id"]

    # when: the quantity changes
    with CaptureQueriesContext(connection) as statements:
        update_line(user_api_client, checkout_id, line_id, 6)
    # then: one read, without the gift tables
    assert loyalty_reads(statements) == (0, 1)

    # when: staff create a gift rule (in another process: this one has not compiled its stamp)
    rules.create_gift_rule({
        "name": "Free gift from 50", "threshold": Decimal("50"), "currency": "USD",
        "variant_id": gift_variant.pk, "quantity": 1, "audience_kind": "everyone",
    })
    with CaptureQueriesContext(connection) as statements:
        update_line(user_api_client, checkout_id, line_id, 7)

    # then: the read's new stamp has a gift rule, so the checkout is read again with gifts, and
    # the gift line is added in the same mutation
    assert loyalty_reads(statements) == (1, 1)
    (gift,) = gift_lines(get_checkout(user_api_client, checkout_id))
    assert gift["quantity"] == 1

    # and from then on the process reads with gifts at once
    with CaptureQueriesContext(connection) as statements:
        update_line(user_api_client, checkout_id, line_id, 8)
    assert loyalty_reads(statements) == (1, 0)
