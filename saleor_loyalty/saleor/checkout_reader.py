"""Read a checkout for the program in one narrow query: its lines with what a quote needs.

The same statement reads the shopper's gift picks and the stock of every gift in the
checkout's channel, so gift choices cost the checkout path no statement of its own.

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
# running it. The columns follow ``LineRow``, then the channel and the buyer, then the gift facts;
# the listing is the one of the checkout's own channel. The gift facts are computed once per
# checkout (a MATERIALIZED CTE, so not once per line): the shopper's picks
# (``loyalty_gift_choice``) as {rule id: [variant ids]}, and for every variant an active gift rule
# offers (its own variant and its options) whose stock Saleor tracks, the units available in the
# warehouses of the checkout's channel (quantity less allocated, summed; 0 without stock rows)
# as {variant id: units}. Options are read defensively: a malformed row must not break checkouts.
# Saleor-tier tests run it against Saleor's schema.
_READ_SQL = """
WITH gift AS MATERIALIZED (
    SELECT
        (SELECT json_object_agg(choice.rule_id, choice.variant_ids)
           FROM loyalty_gift_choice AS choice
          WHERE choice.checkout_token = %s) AS choices,
        (SELECT json_object_agg(variant.id, COALESCE(available.units, 0))
           FROM product_productvariant AS variant
           LEFT JOIN LATERAL (
                SELECT SUM(GREATEST(stock.quantity - stock.quantity_allocated, 0)) AS units
                  FROM warehouse_stock AS stock
                  JOIN warehouse_channelwarehouse AS channel_warehouse
                    ON channel_warehouse.warehouse_id = stock.warehouse_id
                 WHERE channel_warehouse.channel_id = gift_checkout.channel_id
                   AND stock.product_variant_id = variant.id
           ) AS available ON TRUE
          WHERE variant.track_inventory
            AND variant.id IN (
                SELECT gift_rule.variant_id FROM loyalty_gift_rule AS gift_rule WHERE gift_rule.is_active
                UNION
                SELECT (gift_option ->> 'variant_id')::bigint
                  FROM loyalty_gift_rule AS gift_rule,
                       jsonb_array_elements(CASE WHEN jsonb_typeof(gift_rule.options) = 'array'
                                                 THEN gift_rule.options ELSE '[]'::jsonb END) AS gift_option
                 WHERE gift_rule.is_active AND gift_option ->> 'variant_id' ~ '^[0-9]{1,18}$'
            )) AS stock
      FROM checkout_checkout AS gift_checkout
     WHERE gift_checkout.token = %s
)
SELECT line.id, line.variant_id, variant.product_id, product.category_id, variant.sku, line.quantity,
       listing.price_amount, listing.prior_price_amount, line.undiscounted_unit_price_amount,
       line.price_override, line.price_override_reason, line.metadata, line.is_gift,
       channel.slug, buyer.email, buyer.customer_type_id, buyer.date_joined, buyer.number_of_orders,
       gift.choices, gift.stock
FROM checkout_checkoutline AS line
JOIN checkout_checkout AS checkout ON checkout.token = line.checkout_id
JOIN channel_channel AS channel ON channel.id = checkout.channel_id
JOIN product_productvariant AS variant ON variant.id = line.variant_id
JOIN product_product AS product ON product.id = variant.product_id
LEFT JOIN product_productvariantchannellisting AS listing
       ON listing.variant_id = line.variant_id AND listing.channel_id = checkout.channel_id
LEFT JOIN account_user AS buyer ON buyer.id = checkout.user_id
CROSS JOIN gift
WHERE line.checkout_id = %s
ORDER BY line.created_at, line.id
"""
_LINE_COLUMNS = 13
_BUYER_COLUMNS = 5  # channel slug, email, customer type, date joined, number of orders


def read_checkout(checkout: Checkout) -> CheckoutRead:
    """The checkout's lines, channel, buyer and gift facts (picks, stock) in one query (a second
    for the channel's slug when the checkout has no lines)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_READ_SQL, [str(checkout.pk), checkout.pk, checkout.pk])
        raw = cursor.fetchall()
    rows = tuple(_line_row(values) for values in raw)
    if not raw:
        return CheckoutRead(to_checkout_view(checkout, rows, channel=checkout.channel.slug, customer=None), rows)
    buyer = raw[0][_LINE_COLUMNS:_LINE_COLUMNS + _BUYER_COLUMNS]
    choices, stock = raw[0][_LINE_COLUMNS + _BUYER_COLUMNS:]
    customer = None
    if checkout.user_id is not None and buyer[1] is not None:
        customer = _customer_view(checkout.user_id, *buyer[1:])
    view = to_checkout_view(checkout, rows, channel=buyer[0], customer=customer,
                            gift_choices=_gift_choices(choices), gift_stock=_gift_stock(stock))
    return CheckoutRead(view, rows)


def _json(value: Any) -> Any:
    # Django's PostgreSQL backend hands json over as text; a bare psycopg cursor decodes it.
    return json.loads(value) if isinstance(value, str) else value


def _gift_choices(value: Any) -> dict[int, tuple[int, ...]]:
    return {int(rule_id): tuple(int(variant_id) for variant_id in picks) for rule_id, picks in (_json(value) or {}).items()}


def _gift_stock(value: Any) -> dict[int, int]:
    return {int(variant_id): int(units) for variant_id, units in (_json(value) or {}).items()}


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
                     customer: CustomerView | None, gift_choices: dict[int, tuple[int, ...]] | None = None,
                     gift_stock: dict[int, int] | None = None) -> CheckoutView:
    """The engine's checkout: paid lines only (our gift lines and Saleor's own gifts left out)."""
    paid = tuple(row.to_cart_line() for row in rows if not row.is_ours_gift and not row.is_gift)
    cart = Cart(channel=channel, currency=checkout.currency, lines=paid,
                order_discount=Decimal(checkout.discount_amount or 0))
    email = customer.email if customer is not None else checkout.email
    return CheckoutView(token=str(checkout.token), cart=cart, user_id=checkout.user_id, email=email,
                        voucher_code=checkout.voucher_code, customer=customer, gift_choices=gift_choices,
                        gift_stock=gift_stock)
