"""Quote use cases: what the program says about a checkout, and B2B price tables before checkout.

Both load their inputs through the shop port and the database with a fixed number of queries
(the compiled rules are cached per process), then let the engine decide. Neither writes.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.utils import timezone

from ..config import ProgramConfig
from ..engine.compiled import required_stats
from ..engine.quote import price_table, quote_cart
from ..engine.values import CustomerSnapshot, Quote, VariantPriceTable, VariantSnapshot
from ..exceptions import CheckoutNotFound
from ..shop import CheckoutView, get_shop
from .customers import build_customer_snapshot
from .rules.versions import get_compiled_rules
from .tiers import get_customer_stats


def fetch_checkout(token: str) -> CheckoutView:
    """The checkout through the shop port; ``CheckoutNotFound`` when there is none."""
    checkout = get_shop().fetch_checkout(token)
    if checkout is None:
        raise CheckoutNotFound(f"no checkout {token}", field="token")
    return checkout


def get_checkout_customer(checkout: CheckoutView, *, now: datetime) -> CustomerSnapshot:
    """The engine's customer for a checkout: the signed-in customer, or an anonymous buyer."""
    if checkout.user_id is None:
        return CustomerSnapshot.anonymous(email=checkout.email)
    return build_customer_snapshot(checkout.user_id, now=now)


def quote_checkout(token: str, *, config: ProgramConfig, now: datetime | None = None) -> Quote:
    """Everything the program says about a checkout: line prices with reasons, gifts, points
    earned, points redeemable, and progress to the next gift and tier.

    Queries do not grow with the number of lines: the rules come compiled from the cache, the
    customer's figures from one aggregate query.
    """
    now = now or timezone.now()
    checkout = fetch_checkout(token)
    rules = get_compiled_rules(config)
    customer = get_checkout_customer(checkout, now=now)
    stats = None
    if customer.user_id is not None and rules.terms.tiers_enabled and rules.tiers_by_rank:
        stats = get_customer_stats(customer.user_id, required_stats(rules.tiers_by_rank), now=now)
    return quote_cart(checkout.cart, customer, rules, now=now, stats=stats)


def get_tier_prices(
    channel: str,
    variant_ids: Collection[int],
    *,
    user_id: int | None,
    config: ProgramConfig,
    now: datetime | None = None,
) -> tuple[VariantPriceTable, ...]:
    """The quantity-break table each variant has for this buyer (anonymous when ``user_id`` is None).

    Variants the channel does not sell are left out; the result follows ``variant_ids``' order.
    """
    now = now or timezone.now()
    variants = get_shop().fetch_variants(channel, variant_ids)
    found = [variants[variant_id] for variant_id in dict.fromkeys(variant_ids) if variant_id in variants]
    if not found:
        return ()
    rules = get_compiled_rules(config)
    customer = (
        CustomerSnapshot.anonymous() if user_id is None else build_customer_snapshot(user_id, now=now, with_points=False)
    )
    tables: list[VariantPriceTable] = []
    # A channel has one currency, but the port may answer in several: one table call per currency.
    for currency in dict.fromkeys(view.currency for view in found):
        snapshots = [
            VariantSnapshot(view.variant_id, view.product_id, view.category_ids, view.base_price)
            for view in found
            if view.currency == currency
        ]
        tables.extend(price_table(snapshots, customer, rules, channel=channel, currency=currency, now=now))
    by_id = {table.variant_id: table for table in tables}
    return tuple(by_id[view.variant_id] for view in found)
