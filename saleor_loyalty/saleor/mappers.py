"""Saleor objects -> engine values. Reads only what Saleor already loaded (no queries) except
where noted, so a checkout of 30 lines costs what a checkout of 1 line costs.

Who buys is not mapped here: every path builds the customer through
``services.customers.build_customer_snapshot`` (a company member buys as the company).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..engine.values import Cart, CartLine

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo

# Our price overrides carry a reason starting with this prefix; any other override (an app with
# HANDLE_CHECKOUTS, say) is not ours and is never changed or removed.
REASON_PREFIX = "loyalty:"
GIFT_REASON_PREFIX = "loyalty:gift:"
# Gift lines also carry this key in the line's metadata with the gift rule's id.
GIFT_METADATA_KEY = "loyalty.gift_rule"
# ... and the quantity we gave, so units a buyer adds to the same line (Saleor merges a
# same-variant add into it) can be told apart and moved to a paid line.
GIFT_QUANTITY_KEY = "loyalty.gift_quantity"


def is_loyalty_override(line: Any) -> bool:
    reason = line.price_override_reason or ""
    return line.price_override is not None and reason.startswith(REASON_PREFIX)


def is_gift_line(line: Any) -> bool:
    """A line the plugin added as a free product (never Saleor's own ``is_gift`` lines)."""
    reason = line.price_override_reason or ""
    return reason.startswith(GIFT_REASON_PREFIX) or GIFT_METADATA_KEY in (line.metadata or {})


def get_base_unit_price(line_info: CheckoutLineInfo) -> Decimal:
    """The unit price before any loyalty price: the channel listing's price, or a foreign override."""
    line = line_info.line
    if line.price_override is not None and not is_loyalty_override(line):
        return Decimal(line.price_override)
    listing = line_info.channel_listing
    if listing is None or listing.price_amount is None:
        return Decimal(line_info.variant_discounted_price.amount)
    return Decimal(listing.price_amount)


def to_cart_line(line_info: CheckoutLineInfo) -> CartLine:
    product = line_info.product
    category_ids = (product.category_id,) if product.category_id is not None else ()
    return CartLine(
        line_id=str(line_info.line.pk),
        variant_id=int(line_info.variant.pk),
        product_id=int(product.pk),
        category_ids=category_ids,
        sku=line_info.variant.sku,
        quantity=int(line_info.line.quantity),
        base_unit_price=get_base_unit_price(line_info),
    )


def to_cart(checkout_info: CheckoutInfo, lines: Iterable[CheckoutLineInfo]) -> Cart:
    """The checkout as the engine sees it; the plugin's gift lines are left out."""
    checkout = checkout_info.checkout
    paid_lines = tuple(to_cart_line(info) for info in lines if not is_gift_line(info.line) and not info.line.is_gift)
    return Cart(
        channel=checkout_info.channel.slug,
        currency=checkout.currency,
        lines=paid_lines,
        order_discount=Decimal(checkout.discount_amount or 0),
    )
