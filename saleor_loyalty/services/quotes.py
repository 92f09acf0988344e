"""Quote use cases: what the program says about a checkout, and B2B price tables before checkout.

A checkout is quoted as a value (``quote_checkout_view``): the caller hands over what it read,
the service adds the buyer's stored facts and lets the engine decide. Price tables load their
variants through the shop port. Both use a fixed number of queries (the compiled rules are cached
per process) and neither writes.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from django.utils import timezone

from ..config import ProgramConfig
from ..engine.compiled import CompiledRuleSet, required_stats
from ..engine.quote import price_table, quote_cart
from ..engine.values import CustomerSnapshot, Quote, VariantPriceTable, VariantSnapshot
from ..exceptions import CheckoutNotFound
from ..shop import CheckoutView, get_shop
from .customers import LoyaltyFacts, build_customer_snapshot, fetch_loyalty_facts
from .gift_choices import fetch_gift_stock, read_gift_choices
from .rules.versions import RulesStamp, get_compiled_rules
from .tiers import get_customer_stats


def fetch_checkout(token: str) -> CheckoutView:
    """The checkout through the shop port; ``CheckoutNotFound`` when there is none."""
    checkout = get_shop().fetch_checkout(token)
    if checkout is None:
        raise CheckoutNotFound(f"no checkout {token}", field="token")
    return checkout


def get_checkout_customer(
    checkout: CheckoutView, *, now: datetime, with_points: bool = True, facts: LoyaltyFacts | None = None
) -> tuple[CustomerSnapshot, RulesStamp]:
    """The engine's customer for a checkout (the signed-in customer, or an anonymous buyer), and
    the rules stamp read in the same query (none when the caller read ``facts`` with the checkout)."""
    facts = facts if facts is not None else fetch_loyalty_facts(checkout.user_id)
    if checkout.user_id is None:
        return CustomerSnapshot.anonymous(email=checkout.email), facts.rules_stamp
    snapshot = build_customer_snapshot(
        checkout.user_id, now=now, with_points=with_points, customer=checkout.customer, facts=facts
    )
    return snapshot, facts.rules_stamp


def quote_checkout(token: str, *, config: ProgramConfig, now: datetime | None = None) -> Quote:
    """Everything the program says about the checkout ``token`` (``quote_checkout_view``), read
    through the shop port; ``CheckoutNotFound`` when there is none."""
    return quote_checkout_view(fetch_checkout(token), config=config, now=now)


def quote_checkout_view(
    checkout: CheckoutView,
    *,
    config: ProgramConfig,
    now: datetime | None = None,
    with_points: bool = True,
    with_progress: bool = True,
    facts: LoyaltyFacts | None = None,
) -> Quote:
    """Everything the program says about a checkout: line prices with reasons, gifts, points
    earned, points redeemable, and progress to the next gift and tier.

    The checkout comes in as a value: the caller read it (the plugin's hook, with the lines it
    writes to; the storefront's quote, through the shop port). One query for the buyer's stored
    facts and the rules stamp (the rules come compiled from the cache), one for the balance
    (``with_points``: what may be redeemed) and one aggregate for tier progress
    (``with_progress``); none grows with the lines. The plugin's checkout sync needs neither:
    prices and gifts do not depend on them. ``facts``: the buyer's stored facts and the rules
    stamp when the caller read them with the checkout (Saleor's checkout read does), saving
    their query.
    """
    now = now or timezone.now()
    customer, stamp = get_checkout_customer(checkout, now=now, with_points=with_points, facts=facts)
    rules = get_compiled_rules(config, stamp=stamp)
    stats = None
    if with_progress and customer.user_id is not None and rules.terms.tiers_enabled and rules.tiers_by_rank:
        stats = get_customer_stats(customer.user_id, required_stats(rules.tiers_by_rank), now=now)
    choices, stock = _gift_facts(checkout, rules)
    return quote_cart(checkout.cart, customer, rules, now=now, stats=stats, gift_choices=choices, gift_stock=stock)


def _gift_facts(checkout: CheckoutView, rules: CompiledRuleSet) -> tuple[Mapping[int, tuple[int, ...]], Mapping[int, int] | None]:
    """The shopper's gift picks and the gifts' stock: as the shop read them with the checkout, else
    read here (one query for the picks, the shop's ``fetch_gift_stock`` for the stock), and only
    when a gift rule could apply at all."""
    if not rules.terms.gifts_enabled or not rules.gift_rules or not checkout.cart.lines:
        return {}, None
    choices = checkout.gift_choices
    if choices is None:
        choices = read_gift_choices(checkout.token)
    stock = checkout.gift_stock
    if stock is None:
        variant_ids = {option.variant_id for rule in rules.gift_rules for option in rule.offered}
        stock = fetch_gift_stock(checkout.cart.channel, variant_ids)
    return choices, stock


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


def get_channel_currency(channel: str) -> str | None:
    """The currency ``channel`` sells in, when the shop can tell (``fetch_channel_currency``, an
    optional method of the port); None when it cannot or the channel is unknown."""
    fetch = getattr(get_shop(), "fetch_channel_currency", None)
    return None if fetch is None else fetch(channel)


def get_variant_names(channel: str, variant_ids: Collection[int]) -> dict[int, str]:
    """The shop's names of ``variant_ids`` sold in ``channel`` (one call to the shop)."""
    if not variant_ids:
        return {}
    return {variant_id: view.name for variant_id, view in get_shop().fetch_variants(channel, variant_ids).items()}
