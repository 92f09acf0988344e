"""The composition: quote a cart, and build B2B price-break tables.

``quote_cart`` runs, in order: tier prices per line (``pricing``), the subtotal after tier
prices, gift lines on that subtotal (``gifts``), the amount paid for goods after the cart's
order discount, points earned on it (``earn``), the most points redeemable (``redemption``),
and progress to the next tier (``tiers``, when the caller passes the customer's stats).
Program switches in ``ProgramTerms`` turn parts off: without tiers the buyer's tier is ignored
everywhere (no tier price list, multiplier or gift eligibility).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from .compiled import CompiledRuleSet
from .earn import EarnContext, EarnLine, calculate_order_earn, paid_line_amounts
from .errors import InvalidValue
from .gifts import select_gifts
from .money import ZERO, check_currency, get_currency_exponent
from .pricing import build_price_table, resolve_line_price
from .redemption import calculate_max_redeemable_points
from .tiers import get_tier_progress
from .values import (
    Cart,
    CustomerSnapshot,
    CustomerStats,
    EarnQuote,
    GiftHint,
    GiftLine,
    GiftOffer,
    LineQuote,
    Quote,
    VariantPriceTable,
    VariantSnapshot,
)


def _check_now(now: datetime) -> None:
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidValue(f"now must be an aware datetime, got {now!r}", field="now")


def _effective_customer(customer: CustomerSnapshot, rules: CompiledRuleSet) -> CustomerSnapshot:
    # With tiers off, a stored tier id must not unlock tier prices, multipliers or gifts.
    if not rules.terms.tiers_enabled and customer.tier_id is not None:
        return replace(customer, tier_id=None)
    return customer


def quote_cart(
    cart: Cart,
    customer: CustomerSnapshot,
    rules: CompiledRuleSet,
    *,
    now: datetime,
    stats: CustomerStats | None = None,
    gift_choices: Mapping[int, Sequence[int]] | None = None,
    gift_stock: Mapping[int, int] | None = None,
) -> Quote:
    """Everything the program says about ``cart`` for ``customer`` at ``now``. Deterministic.

    Worked example (EUR, program rate 1 point per 1.00, tiers off): one line of 3 x 20.00 with a
    price list giving 10 % off from 3 units, and a 5.00 voucher: unit price 18.00 (reason
    ``tier-price:list=1;break=3``), subtotal 54.00, goods paid 49.00, 49 points, at most
    floor(49.00 * 0.5 / 0.01) = 2450 points redeemable.

    ``gift_choices`` (gift rule id -> the variant ids the shopper picked) and ``gift_stock``
    (variant id -> units available in the cart's channel; None: unknown) go to
    ``gifts.select_gifts``.
    """
    _check_now(now)
    # The channel's terms: its points per unit, point value and redemption limits.
    terms = rules.get_terms(cart.channel)
    customer = _effective_customer(customer, rules)
    currency = cart.currency
    list_ids: frozenset[int] = frozenset()
    if terms.tier_prices_enabled:
        list_ids = rules.get_applicable_list_ids(customer, channel=cart.channel, currency=currency, now=now)

    line_quotes: list[LineQuote] = []
    base_totals: list[Decimal] = []
    totals: list[Decimal] = []
    get_candidates = rules.get_candidate_entries
    exponent = get_currency_exponent(currency)
    for line in cart.lines:
        base_total = total = line.base_unit_price * line.quantity
        unit_price, reason, next_break = line.base_unit_price, None, None
        if list_ids:
            candidates = get_candidates(line.variant_id, line.product_id, line.category_ids, list_ids)
            if candidates:
                unit_price, reason, next_break = resolve_line_price(unit_price, line.quantity, candidates, exponent=exponent)
                if reason is not None:
                    total = unit_price * line.quantity
        base_totals.append(base_total)
        totals.append(total)
        # Positional: keyword arguments cost a frozen dataclass noticeably more, once per line.
        line_quotes.append(LineQuote(line.line_id, line.quantity, line.base_unit_price, unit_price, total, reason, next_break))

    base_subtotal = sum(base_totals, ZERO)
    subtotal = sum(totals, ZERO)
    goods_paid = max(ZERO, subtotal - cart.order_discount)
    tier = rules.get_tier(customer.tier_id)

    gift_lines: tuple[GiftLine, ...] = ()
    gift_offers: tuple[GiftOffer, ...] = ()
    next_gift: GiftHint | None = None
    if terms.gifts_enabled:
        selection = select_gifts(
            subtotal,
            customer,
            gift_rules=rules.gift_rules,
            tier=tier,
            stacking=terms.gift_stacking,
            channel=cart.channel,
            currency=currency,
            now=now,
            choices=gift_choices,
            stock=gift_stock,
        )
        gift_lines, next_gift, gift_offers = selection.lines, selection.next_gift, selection.offers

    earn = EarnQuote(0, ())
    if terms.points_enabled:
        paid = paid_line_amounts(totals, cart.order_discount, currency=currency)
        earn_lines = tuple(
            EarnLine(line.line_id, line.variant_id, line.product_id, line.category_ids, line.quantity, amount)
            for line, amount in zip(cart.lines, paid, strict=True)
        )
        context = EarnContext(earn_lines, cart.shipping, customer, tier, terms, cart.channel, currency, now)
        earn = calculate_order_earn(context, rules.rules.earn_rules)

    next_tier = None
    if stats is not None and terms.tiers_enabled and rules.tiers_by_rank:
        next_tier = get_tier_progress(stats, rules.tiers_by_rank, tier_id=customer.tier_id, today=now.date())

    return Quote(
        version=rules.version,
        channel=cart.channel,
        currency=currency,
        lines=tuple(line_quotes),
        base_subtotal=base_subtotal,
        subtotal=subtotal,
        goods_paid=goods_paid,
        gift_lines=gift_lines,
        earn=earn,
        max_redeemable_points=calculate_max_redeemable_points(
            goods_paid, terms, available_points=customer.available_points
        ),
        next_gift=next_gift,
        next_tier=next_tier,
        gift_offers=gift_offers,
    )


def price_table(
    variants: Sequence[VariantSnapshot],
    customer: CustomerSnapshot,
    rules: CompiledRuleSet,
    *,
    channel: str,
    currency: str,
    now: datetime,
) -> tuple[VariantPriceTable, ...]:
    """Per variant, the base price and the quantity-break table that applies to ``customer``.

    Rows are the quantities where the unit price drops (``pricing.build_price_table``), each
    naming its list; the table is exactly what ``quote_cart`` charges at those quantities.
    Example: base 10.00, a company list with 10 -> 9.00 and 50 -> 8.00 gives rows
    (1, 10.00, base), (10, 9.00, list), (50, 8.00, list).
    """
    _check_now(now)
    check_currency(currency)
    customer = _effective_customer(customer, rules)
    list_ids: frozenset[int] = frozenset()
    if rules.terms.tier_prices_enabled:
        list_ids = rules.get_applicable_list_ids(customer, channel=channel, currency=currency, now=now)
    tables = []
    for variant in variants:
        candidates = rules.get_candidate_entries(variant.variant_id, variant.product_id, variant.category_ids, list_ids)
        rows = build_price_table(variant.base_unit_price, candidates, currency=currency)
        tables.append(VariantPriceTable(variant.variant_id, variant.base_unit_price, rows))
    return tuple(tables)

