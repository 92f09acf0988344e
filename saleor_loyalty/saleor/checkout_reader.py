"""Read a checkout for the program in one narrow query: its lines with what a quote needs.

Saleor's ``fetch_checkout_lines`` loads collections, listings of every channel, promotions,
translations and line discounts (about 14 statements); a quote needs each line's variant,
product, category, quantity, this channel's listing price and our own override, plus the buyer.
One query over ``CheckoutLine`` joins them (the listing through a filtered relation, the buyer
through the checkout), so a checkout of 30 lines costs what one of 1 line costs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..engine.values import Cart, CartLine
from ..shop import CheckoutView, CustomerView
from .mappers import is_gift_line, is_loyalty_override

if TYPE_CHECKING:
    from saleor.checkout.models import Checkout


@dataclass(frozen=True, slots=True)
class LineRow:
    """One checkout line as read: enough to quote it and to write our fields back."""

    line_id: Any  # Saleor's UUID
    variant_id: int
    product_id: int
    category_id: int | None
    sku: str | None
    quantity: int
    listing_price: Decimal | None
    prior_price: Decimal | None
    undiscounted_unit_price: Decimal | None
    price_override: Decimal | None
    price_override_reason: str | None
    metadata: dict[str, Any]
    is_gift: bool  # Saleor's own order-promotion gift, never ours

    @property
    def base_unit_price(self) -> Decimal:
        """The unit price before any loyalty price: a foreign override, else this channel's
        listing price (a line whose variant lost its listing keeps the price Saleor stored)."""
        if self.price_override is not None and not is_loyalty_override(self):
            return Decimal(self.price_override)
        if self.listing_price is not None:
            return Decimal(self.listing_price)
        return Decimal(self.undiscounted_unit_price or 0)

    @property
    def is_ours_gift(self) -> bool:
        return is_gift_line(self)

    def to_cart_line(self) -> CartLine:
        return CartLine(
            line_id=str(self.line_id), variant_id=self.variant_id, product_id=self.product_id,
            category_ids=(self.category_id,) if self.category_id is not None else (), sku=self.sku,
            quantity=self.quantity, base_unit_price=self.base_unit_price,
        )


@dataclass(frozen=True, slots=True)
class CheckoutRead:
    """The checkout as the program sees it (``view``) and the rows it was built from."""

    view: CheckoutView
    rows: tuple[LineRow, ...]


# Written out rather than built by the ORM on every call: building this join costs more than
# running it. The columns follow ``LineRow``, then the channel and the buyer; the listing is
# the one of the checkout's own channel. Saleor-tier tests run it against Saleor's schema.
_READ_SQL = """
SELECT line.id, line.variant_id, variant.product_id, product.category_id, variant.sku, line.quantity,
       listing.price_amount, listing.prior_price_amount, line.undiscounted_unit_price_amount,
       line.price_override, line.price_override_reason, line.metadata, line.is_gift,
       channel.slug, buyer.email, buyer.customer_type_id, buyer.date_joined, buyer.number_of_orders
FROM checkout_checkoutline AS line
JOIN checkout_checkout AS checkout ON checkout.token = line.checkout_id
JOIN channel_channel AS channel ON channel.id = checkout.channel_id
JOIN product_productvariant AS variant ON variant.id = line.variant_id
JOIN product_product AS product ON product.id = variant.product_id
LEFT JOIN product_productvariantchannellisting AS listing
       ON listing.variant_id = line.variant_id AND listing.channel_id = checkout.channel_id
LEFT JOIN account_user AS buyer ON buyer.id = checkout.user_id
WHERE line.checkout_id = %s
ORDER BY line.created_at, line.id
"""
_LINE_COLUMNS = 13


def read_checkout(checkout: Checkout) -> CheckoutRead:
    """The checkout's lines, channel and buyer in one query (a second for the channel's slug
    when the checkout has no lines)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, [checkout.pk])
        raw = cursor.fetchall()
    rows = tuple(_line_row(values) for values in raw)
    if not raw:
        return CheckoutRead(to_checkout_view(checkout, rows, channel=checkout.channel.slug, customer=None), rows)
    buyer = raw[0][_LINE_COLUMNS:]
    customer = None
    if checkout.user_id is not None and buyer[1] is not None:
        customer = _customer_view(checkout.user_id, *buyer[1:])
    return CheckoutRead(to_checkout_view(checkout, rows, channel=buyer[0], customer=customer), rows)


def _line_row(values: tuple[Any, ...]) -> LineRow:
    row = values[:_LINE_COLUMNS]
    # Django's PostgreSQL backend hands jsonb over as text for JSONField to decode; so do we.
    metadata = json.loads(row[11]) if isinstance(row[11], str) else row[11]
    return LineRow(*row[:11], metadata or {}, row[12])


def _customer_view(user_id: int, email: str, customer_type_id: int | None, date_joined: datetime,
                   number_of_orders: int | None) -> CustomerView:
    # Saleor keeps no birthday on its user: the program's own record holds it (customers.set_birthday).
    return CustomerView(user_id=user_id, email=email, customer_type_id=customer_type_id, date_joined=date_joined,
                        birthday=None, orders_count=int(number_of_orders or 0))


def to_checkout_view(checkout: Checkout, rows: tuple[LineRow, ...], *, channel: str,
                     customer: CustomerView | None) -> CheckoutView:
    """The engine's checkout: paid lines only (our gift lines and Saleor's own gifts left out)."""
    paid = tuple(row.to_cart_line() for row in rows if not row.is_ours_gift and not row.is_gift)
    cart = Cart(channel=channel, currency=checkout.currency, lines=paid,
                order_discount=Decimal(checkout.discount_amount or 0))
    email = customer.email if customer is not None else checkout.email
    return CheckoutView(token=str(checkout.token), cart=cart, user_id=checkout.user_id, email=email,
                        voucher_code=checkout.voucher_code, customer=customer)
