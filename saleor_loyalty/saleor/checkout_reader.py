"""Read a checkout for the program in one round trip: its lines with what a quote needs, the
buyer, and the buyer's loyalty facts.

Saleor's ``fetch_checkout_lines`` loads collections, listings of every channel, promotions,
translations and line discounts (about 14 statements); a quote needs each line's variant,
product, category, quantity, this channel's listing price and our own override, plus the buyer
and what the program stores about them, and - for gift rules with a choice - the shopper's picks
and the stock of every offered gift in the channel's warehouses. One statement
(``saleor/sql/read_checkout.sql``) returns all of it as one JSON text, so a checkout of 30 lines costs about what one of 1 line
costs. On a connection that outlives a request the statement is prepared once and its plan
kept (``prepared``); a PL/pgSQL function would keep it too, but cost ~1 ms more on each new
connection (Saleor closes its connection after every request by default, ``DB_CONN_MAX_AGE=0``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.values import Cart, CartLine
from ..services.customers import LoyaltyFacts, loyalty_facts_from_values
from ..shop import CheckoutView, CustomerView
from .mappers import is_gift_line, is_loyalty_override

if TYPE_CHECKING:
    from saleor.checkout.models import Checkout

SQL_FILE = Path(__file__).with_name("sql") / "read_checkout.sql"


# The gift picks and the offered gifts' stock: four more tables for PostgreSQL to open and plan
# (~1.8 ms on a new connection, ~0.8 ms unprepared on a kept one) that a shop without gift rules
# never needs.
GIFTS_SECTION = re.compile(r"^ *-- gifts:begin.*?^ *-- gifts:end\n", re.S | re.M)


@cache
def get_read_checkout_sql(*, with_gifts: bool = True) -> str:
    """The read's SQL (read from the package once, on first use); ``with_gifts`` False: without
    the gift picks and stock, which then read as NULL."""
    sql = SQL_FILE.read_text()
    return sql if with_gifts else GIFTS_SECTION.sub("    NULL,\n    NULL\n", sql, count=1)


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
    """The checkout as the program sees it (``view``), the rows it was built from and the buyer's
    loyalty facts (``facts``: None when the checkout is gone). The text it was parsed from is
    what ``get_fingerprint`` digests."""

    view: CheckoutView
    rows: tuple[LineRow, ...]
    facts: LoyaltyFacts | None


def read_checkout(checkout: Checkout) -> CheckoutRead:
    """The checkout's lines, channel, buyer and buyer's facts: one statement."""
    return parse_checkout_read(checkout, fetch_checkout_text(checkout))


def fetch_checkout_text(checkout: Checkout) -> str | None:
    """The read's JSON text as the database returns it (None: the checkout no longer exists)."""
    return fetch_checkout_row(checkout)[0]


def fetch_checkout_row(checkout: Checkout, *, with_gifts: bool = True) -> tuple[str | None, datetime | None]:
    """The read's JSON text and the checkout's ``last_change`` as that read saw it (both None:
    the checkout no longer exists): one statement. ``with_gifts`` False leaves out the gift
    picks and the offered gifts' stock."""
    from django.db import connection

    from .prepared import prepared_reads, prepared_reads_without_gifts

    reads = prepared_reads if with_gifts else prepared_reads_without_gifts
    row = reads.fetch_one(connection, get_read_checkout_sql(with_gifts=with_gifts), [checkout.pk])
    return (None, None) if row is None else (row[0], row[1])


def get_fingerprint(text: str | None) -> bytes:
    """A digest of the read's text: two reads with equal digests saw the same lines, prices,
    overrides, buyer, facts, rules stamp, gift picks and gift stock."""
    return hashlib.blake2b((text or "").encode(), digest_size=16).digest()


def parse_checkout_read(checkout: Checkout, text: str | None) -> CheckoutRead:
    """``CheckoutRead`` from the read's JSON text (None: the checkout no longer exists)."""
    if text is None:
        return CheckoutRead(to_checkout_view(checkout, (), channel="", customer=None), (), None)
    # Amounts come as JSON numbers with their scale ("10.000"): Decimal keeps them exact.
    channel, buyer, facts, lines, choices, stock = json.loads(text, parse_float=Decimal)
    rows = tuple(LineRow(
        line[0], line[1], line[2], line[3], line[4], line[5], _decimal(line[6]), _decimal(line[7]),
        _decimal(line[8]), _decimal(line[9]), line[10], line[11] or {}, bool(line[12]),
    ) for line in lines)
    customer = None
    if checkout.user_id is not None and buyer is not None:
        customer = _customer_view(checkout.user_id, buyer[0], buyer[1], datetime.fromisoformat(buyer[2]), buyer[3])
    if facts[1] is not None:
        facts[1] = date.fromisoformat(facts[1])
    view = to_checkout_view(
        checkout, rows, channel=channel, customer=customer,
        gift_choices={int(rule_id): tuple(int(v) for v in picks) for rule_id, picks in (choices or {}).items()},
        gift_stock={int(variant_id): int(units) for variant_id, units in (stock or {}).items()},
    )
    return CheckoutRead(view, rows, loyalty_facts_from_values(facts))


def _decimal(value: Any) -> Decimal | None:
    # A whole amount ("10") arrives as an int.
    return None if value is None else Decimal(value)


def _customer_view(user_id: int, email: str, customer_type_id: int | None, date_joined: datetime,
                   number_of_orders: int | None) -> CustomerView:
    # Saleor keeps no birthday on its user: the program's own record holds it (the facts).
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
