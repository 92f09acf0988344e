"""Order events and the pre-order check -> services.

- ``check_checkout_before_order`` (``preprocess_order_creation``): our points voucher must be
  the buyer's own with its points still held; our referral voucher must be the buyer's own, on
  their first order, not a self-referral. Refusals become a ``ValidationError`` on
  ``voucher_code``, which Saleor returns as a mutation error and no order is made.
- ``handle_order_event``: the Saleor order as facts -> ``services.order_events`` (record and
  capture on ``order_created``; on the configured credit event mark the order due a credit;
  reverse on cancel and refund), then the follow-ups it returns are scheduled after the commit
  (``credit_order_task``, ``refresh_order_owners_task``). Anything a lost task leaves due is
  delivered by ``deliver_order_work_task`` (``services.order_delivery``).
- ``get_order_facts``: the order as the services record it, each line with its list price, the
  price it was sold at and whether it is our gift.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from ..config import ProgramConfig
from ..engine.money import prorate
from ..exceptions import OrderNotFound
from .checkout_reader import read_checkout
from .mappers import GIFT_METADATA_KEY

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo
    from saleor.order.models import Order

    from ..services.orders import OrderFacts

logger = logging.getLogger(__name__)


def check_checkout_before_order(
    checkout_info: CheckoutInfo, lines: list[CheckoutLineInfo] | None, config: ProgramConfig
) -> None:
    """Raise ``ValidationError`` when the order may not be made from this checkout.

    - Loyalty prices or gift lines that a fresh quote no longer gives (a rule deleted or changed
      since the checkout's last mutation): they are brought up to date and the order refused,
      so the shopper sees and pays the current prices. Checked only when the lines Saleor
      loaded carry ours (no query otherwise).
    - The voucher (``services.order_checks.check_order``); no query without one.
    """
    from ..services.order_checks import check_order
    from .checkout import has_loyalty_lines, is_synced, sync_checkout

    checkout = checkout_info.checkout
    if has_loyalty_lines(lines) and not is_synced(checkout, config):
        sync_checkout(checkout, config, force=True)
        raise ValidationError({"lines": ValidationError(
            "Loyalty prices in this checkout have changed; review the checkout and try again.", code="invalid")})
    if not checkout.voucher_code:
        return
    check = check_order(read_checkout(checkout).view, config=config)
    if not check.allowed:
        raise ValidationError({"voucher_code": ValidationError(check.message, code="invalid")})


def get_order_facts(order: Order) -> OrderFacts:
    """What the customer paid for goods and shipping, line by line: one query for the lines with
    their variant, product and this channel's listing price (the price before ours)."""
    from django.db.models import FilteredRelation, Q

    from ..services.orders import OrderFacts, OrderLineFacts

    currency = order.currency
    shipping = Decimal(order.shipping_price_gross_amount or 0)
    goods_total = max(Decimal(0), Decimal(order.total_gross_amount) - shipping)
    order_lines = list(
        order.lines.select_related("variant__product")
        .annotate(listing=FilteredRelation(
            "variant__channel_listings", condition=Q(variant__channel_listings__channel_id=order.channel_id)))
        .annotate(list_price=models.F("listing__price_amount"))
        .order_by("pk")
    )
    line_totals = [Decimal(line.total_price_gross_amount) for line in order_lines]
    # An entire-order voucher may not be spread over the lines: share the goods total by weight.
    paid = line_totals if sum(line_totals, Decimal(0)) == goods_total or not line_totals or not any(line_totals) \
        else list(prorate(goods_total, line_totals, currency))
    lines = []
    for line, paid_total in zip(order_lines, paid):
        variant = line.variant
        product = variant.product if variant is not None else None
        list_price = None if line.list_price is None else Decimal(line.list_price)
        lines.append(OrderLineFacts(
            line_id=str(line.pk), variant_id=variant.pk if variant is not None else 0,
            product_id=product.pk if product is not None else 0,
            category_ids=(product.category_id,) if product is not None and product.category_id else (),
            quantity=int(line.quantity), paid_total=paid_total,
            **get_line_prices(line, list_price),
        ))
    return OrderFacts(
        order_id=str(order.pk), user_id=order.user_id, email=order.user_email or "", channel=order.channel.slug,
        currency=currency, goods_total=goods_total, shipping=shipping, placed_at=order.created_at,
        lines=tuple(lines), checkout_token=str(order.checkout_token or ""), voucher_code=order.voucher_code or "",
    )


def get_line_prices(line: Any, list_price: Decimal | None) -> dict[str, Any]:
    """``base_unit_price``, ``unit_price`` and ``is_gift`` of an order line's facts.

    The unit price is Saleor's ``base_unit_price`` (our tier or contract price when we overrode
    the line, before order-level vouchers). The base is the variant's listing price; a line
    sold above it (a price another app set) counts at its own price, so no discount is invented.
    A variant no longer listed leaves the base unknown.
    """
    unit_price = Decimal(line.base_unit_price_amount)
    is_gift = GIFT_METADATA_KEY in (line.metadata or {})
    base = None if list_price is None else max(list_price, unit_price)
    return {"base_unit_price": base, "unit_price": unit_price, "is_gift": is_gift}


def calculate_refunded_amount(order: Order) -> Decimal:
    """The order's cumulative refund, as Saleor's ``Order.totalRefunded`` resolver computes it.

    Legacy payments: successful REFUND transactions of the last payment; transactions API: the
    items' ``refunded_value``.
    """
    from saleor.payment import ChargeStatus, TransactionKind

    total = Decimal(0)
    payment = order.get_last_payment()
    if payment is not None and payment.charge_status in (ChargeStatus.PARTIALLY_REFUNDED, ChargeStatus.FULLY_REFUNDED):
        total += sum(payment.transactions.filter(kind=TransactionKind.REFUND, is_success=True)
                     .values_list("amount", flat=True), Decimal(0))
    total += sum(order.payment_transactions.values_list("refunded_value", flat=True), Decimal(0))
    return total


def handle_order_event(event: str, order: Order, config: ProgramConfig) -> None:
    """Map Saleor's order to facts, hand the event to ``services.order_events`` and schedule the
    follow-ups it returns once the transaction commits (``saleor/tasks.py``)."""
    from ..services import order_events
    from ..services.order_events import OrderEvent
    from .tasks import schedule_follow_ups

    # Saleor's hook names -> the service's event kinds (the credit event is configured).
    kinds = {"order_created": OrderEvent.CREATED, "order_cancelled": OrderEvent.CANCELLED,
             "order_refunded": OrderEvent.REFUNDED, config.credit_event.value: OrderEvent.PAID}
    kind = kinds.get(event)
    if kind is None:
        return
    refunded = calculate_refunded_amount(order) if kind == OrderEvent.REFUNDED else None
    # The facts (a read of the order's lines) only where they are needed: recording the order,
    # or an event for an order never recorded (made before the plugin, a staff draft order).
    facts = get_order_facts(order) if kind == OrderEvent.CREATED else None
    try:
        outcome = order_events.handle_order_event(
            kind, order_id=str(order.pk), facts=facts, refunded_amount=refunded, config=config)
    except OrderNotFound:
        outcome = order_events.handle_order_event(
            kind, order_id=str(order.pk), facts=get_order_facts(order), refunded_amount=refunded, config=config)
    schedule_follow_ups(outcome.follow_ups, config)
