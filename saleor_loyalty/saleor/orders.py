"""Order events and the pre-order check -> services.

- ``check_checkout_before_order`` (``preprocess_order_creation``): our points voucher must be
  the buyer's own with its points still held; our referral voucher must be the buyer's own, on
  their first order, not a self-referral. Refusals become a ``ValidationError`` on
  ``voucher_code``, which Saleor returns as a mutation error and no order is made.
- ``handle_order_event``: record the order and capture the checkout's redemption on
  ``order_created``; on the configured credit event, schedule ``credit_order_task`` after the
  commit (points pending for the return window, then the customer's and the company's tier
  and the metadata mirror); reverse on cancel and refund, then refresh the same way.
- ``get_order_facts``: the order as the services record it, each line with its list price, the
  price it was sold at and whether it is our gift.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from ..config import ProgramConfig
from ..engine.money import prorate
from .mappers import GIFT_METADATA_KEY
from .shop import get_saleor_shop, to_checkout_view

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo
    from saleor.order.models import Order

    from ..services.orders import OrderFacts, OrderInfo

logger = logging.getLogger(__name__)


def check_checkout_before_order(
    checkout_info: CheckoutInfo, lines: list[CheckoutLineInfo] | None, config: ProgramConfig
) -> None:
    """Raise ``ValidationError`` when the checkout's loyalty voucher may not be used."""
    from ..services import next_purchase, redemption, referrals
    from ..services.b2b import rebate_codes

    checkout = checkout_info.checkout
    if not checkout.voucher_code:
        return
    if lines is None:
        from saleor.checkout.fetch import fetch_checkout_lines

        lines, _ = fetch_checkout_lines(checkout)
    user_id = checkout_info.user.pk if checkout_info.user is not None else None
    token = str(checkout.token)
    with get_saleor_shop().preloaded(to_checkout_view(checkout_info, lines)):
        for check in (
            redemption.check_redemption_for_order(token, user_id=user_id),
            referrals.check_referral_discount(token, user_id=user_id, config=config),
            next_purchase.check_next_purchase_discount(token, user_id=user_id),
            rebate_codes.check_rebate_code(checkout.voucher_code, user_id=user_id),
        ):
            if not check.allowed:
                raise ValidationError({"voucher_code": ValidationError(check.message, code="invalid")})


def get_order_facts(order: Order) -> OrderFacts:
    """What the customer paid for goods and shipping, line by line (one query for the lines)."""
    from ..services.orders import OrderFacts, OrderLineFacts

    currency = order.currency
    shipping = Decimal(order.shipping_price_gross_amount or 0)
    goods_total = max(Decimal(0), Decimal(order.total_gross_amount) - shipping)
    order_lines = list(order.lines.select_related("variant__product").order_by("pk"))
    list_prices = get_list_prices(order, order_lines)
    line_totals = [Decimal(line.total_price_gross_amount) for line in order_lines]
    # An entire-order voucher may not be spread over the lines: share the goods total by weight.
    paid = line_totals if sum(line_totals, Decimal(0)) == goods_total or not line_totals or not any(line_totals) \
        else list(prorate(goods_total, line_totals, currency))
    lines = []
    for line, paid_total in zip(order_lines, paid):
        variant = line.variant
        product = variant.product if variant is not None else None
        lines.append(OrderLineFacts(
            line_id=str(line.pk), variant_id=variant.pk if variant is not None else 0,
            product_id=product.pk if product is not None else 0,
            category_ids=(product.category_id,) if product is not None and product.category_id else (),
            quantity=int(line.quantity), paid_total=paid_total,
            **get_line_prices(line, list_prices.get(line.variant_id)),
        ))
    return OrderFacts(
        order_id=str(order.pk), user_id=order.user_id, email=order.user_email or "", channel=order.channel.slug,
        currency=currency, goods_total=goods_total, shipping=shipping, placed_at=order.created_at,
        lines=tuple(lines), checkout_token=str(order.checkout_token or ""), voucher_code=order.voucher_code or "",
    )


def get_list_prices(order: Order, order_lines: list[Any]) -> dict[int, Decimal]:
    """The channel listing price of each line's variant (one query): the price before ours."""
    from saleor.product.models import ProductVariantChannelListing

    variant_ids = {line.variant_id for line in order_lines if line.variant_id is not None}
    if not variant_ids:
        return {}
    rows = ProductVariantChannelListing.objects.filter(
        channel_id=order.channel_id, variant_id__in=variant_ids, price_amount__isnull=False
    ).values_list("variant_id", "price_amount")
    return {variant_id: Decimal(price) for variant_id, price in rows}


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
    from ..services import orders

    order_id = str(order.pk)
    if event == "order_created":
        orders.record_order(get_order_facts(order))
        capture_redemption(order)
    if event == config.credit_event.value:
        credit_order(order, config)
    elif event == "order_cancelled":
        record = _recorded(order)
        orders.cancel_order(order_id, config=config)
        after_points_changed(record, config)
    elif event == "order_refunded":
        record = _recorded(order)
        refunded = min(calculate_refunded_amount(order), record.goods_total + record.shipping)
        if refunded > record.refunded_amount:
            orders.refund_order(order_id, refunded_amount=refunded)
            after_points_changed(record, config)


def _recorded(order: Order) -> OrderInfo:
    from ..exceptions import OrderNotFound
    from ..services import orders

    try:
        return orders.get_order(str(order.pk))
    except OrderNotFound:
        # Orders made before the plugin was active, or by staff (draft orders), are recorded late.
        return orders.record_order(get_order_facts(order))


def capture_redemption(order: Order) -> None:
    from ..services import redemption

    if order.checkout_token:
        redemption.capture_redemption(str(order.checkout_token), order_id=str(order.pk))


def credit_order(order: Order, config: ProgramConfig) -> None:
    """Record the order now; credit it in ``credit_order_task`` once this transaction commits
    (the task credits once per order however often the event fires)."""
    from .tasks import schedule_order_credit

    _recorded(order)
    schedule_order_credit(str(order.pk), config)


def after_points_changed(record: OrderInfo, config: ProgramConfig) -> None:
    """Tier re-evaluation and the metadata mirror: they can wait until the order is committed."""
    from .tasks import schedule_company_tier, schedule_customer_refresh

    if record.user_id is not None:
        schedule_customer_refresh(record.user_id, config)
    if record.company_id is not None:
        schedule_company_tier(record.company_id)
