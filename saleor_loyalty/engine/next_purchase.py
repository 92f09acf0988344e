"""Next-purchase discounts: an order that reaches a rule's minimum earns a discount on the next one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from .money import quantize
from .rules import DiscountKind, NextPurchaseRule, is_active
from .outcomes import NextPurchaseOffer


def calculate_next_purchase_offer(
    order_total: Decimal,
    rules: Sequence[NextPurchaseRule],
    *,
    currency: str,
    channel: str,
    now: datetime,
) -> NextPurchaseOffer | None:
    """The discount this order earns on the next one, or None.

    A rule applies when its currency is the order's, its channel is empty or the order's, ``now``
    (the moment the order qualifies, e.g. when it is paid) is inside its validity window, and
    ``order_total`` (goods paid) reaches ``min_amount``. Of several, the one with the highest
    ``min_amount`` wins (the rule written for bigger orders), then the lower id. The offer is
    valid until ``now + valid_days`` (exclusive).

    Example: rules "5 % for 14 days from 50.00" and "10.00 for 30 days from 200.00"; an order
    of 250.00 paid on 1 March 12:00 earns 10.00 valid until 31 March 12:00; an order of 120.00
    earns 5 % until 15 March 12:00; an order of 40.00 earns nothing.
    """
    open_rules = [
        rule
        for rule in rules
        if rule.currency == currency
        and (rule.channel is None or rule.channel == channel)
        and is_active(rule.valid_from, rule.valid_until, now)
        and order_total >= rule.min_amount
    ]
    if not open_rules:
        return None
    best = max(open_rules, key=lambda rule: (rule.min_amount, -rule.id))
    value = best.discount_value
    if best.discount_kind is DiscountKind.FIXED:
        value = quantize(value, currency)
    return NextPurchaseOffer(
        rule_id=best.id,
        discount_kind=best.discount_kind,
        discount_value=value,
        currency=currency,
        valid_until=now + timedelta(days=best.valid_days),
        code=f"next-purchase:rule={best.id};{best.discount_kind.value}={value}",
    )
