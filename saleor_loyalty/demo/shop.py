"""``DemoShop``: the shop port for the demo, an in-memory coffee shop standing in for Saleor.

Two channels - ``default-channel`` in USD and ``demo-pln`` in PLN (each item at four times its
dollar price in zloty) - a small catalogue of variants with products,
categories, SKUs and prices, customers with an optional customer type, and checkouts with
lines owned by a customer. The program attaches and detaches its discount codes here as it
would on a Saleor checkout's voucher. It holds facts only: prices, discounts, points and tiers
are the services' business (``demo.events`` plays the shop's order events).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from ..engine.values import Cart, CartLine
from ..exceptions import CheckoutNotFound, InvalidInput
from ..shop import CheckoutView, CustomerView, VariantView

CHANNEL = "default-channel"
CURRENCY = "USD"
# The second channel: the same catalogue in zloty, at four zloty for each dollar of the USD price.
PLN_CHANNEL = "demo-pln"
CHANNELS: dict[str, tuple[str, Decimal]] = {CHANNEL: (CURRENCY, Decimal("1")), PLN_CHANNEL: ("PLN", Decimal("4"))}
WHOLESALE = 7  # the Saleor customer type id of B2B buyers
CUSTOMER_TYPES = {WHOLESALE: "Wholesale"}
CATEGORIES = {1: "Coffee", 2: "Brewing gear", 3: "Accessories"}


@dataclass(frozen=True, slots=True)
class Item:
    """A catalogue variant: its product and category, SKU, name and base price in USD."""

    variant_id: int
    product_id: int
    category_id: int
    sku: str
    name: str
    price: Decimal


CATALOG: tuple[Item, ...] = (
    Item(101, 11, 1, "COF-ESP-1KG", "Espresso beans 1 kg", Decimal("24.00")),
    Item(102, 12, 1, "COF-FLT-1KG", "Filter roast 1 kg", Decimal("22.00")),
    Item(201, 21, 2, "EQ-KETTLE", "Pour-over kettle", Decimal("65.00")),
    Item(202, 22, 2, "EQ-GRINDER", "Burr grinder", Decimal("149.00")),
    Item(301, 31, 3, "ACC-FILTERS", "Paper filters x100", Decimal("6.50")),
    Item(302, 32, 3, "ACC-MUG", "Logo mug", Decimal("12.00")),
)


@dataclass
class DemoCheckout:
    token: str
    user_id: int | None
    email: str | None
    lines: dict[int, int] = field(default_factory=dict)  # variant id -> quantity, in the order added
    voucher: tuple[str, Decimal] | None = None  # (code, amount): Saleor allows one voucher per checkout
    channel: str = CHANNEL

    @property
    def currency(self) -> str:
        return CHANNELS[self.channel][0]


class DemoShop:
    """The in-memory shop; every method is safe to call from the server's and the story's thread."""

    def __init__(self, catalog: Collection[Item] = CATALOG, *, numbers_after: int = 0) -> None:
        """``numbers_after``: the last checkout number used on this database (checkout ``n`` becomes
        order ``demo-n``), so a second run on a kept database places new orders, not old ones again."""
        self._lock = threading.RLock()
        self.items = {item.variant_id: item for item in catalog}
        self.customers: dict[int, CustomerView] = {}
        self.checkouts: dict[str, DemoCheckout] = {}
        self.issued_vouchers: dict[str, tuple[Decimal, int]] = {}  # code -> (amount, company id)
        self.used_vouchers: set[str] = set()  # single-use codes spent by an order
        # Variant id -> units in stock; the demo tracks only what is set here (every item is
        # otherwise in plenty), so a story can sell a gift out.
        self.stock: dict[int, int] = {}
        self._checkout_numbers = numbers_after

    # --- what the shop's own screens do ---

    def fetch_channel_currency(self, channel: str) -> str | None:
        """USD in ``default-channel``, PLN in ``demo-pln``."""
        return CHANNELS[channel][0] if channel in CHANNELS else None

    def item(self, sku: str) -> Item:
        for item in self.items.values():
            if item.sku == sku:
                return item
        raise InvalidInput(f"no variant with SKU {sku!r}", field="sku")

    def register_customer(
        self, user_id: int, email: str, *, customer_type_id: int | None = None, date_joined: datetime | None = None
    ) -> CustomerView:
        """Add (or update) a customer; ``customer_type_id`` must be one of ``CUSTOMER_TYPES``."""
        if customer_type_id is not None and customer_type_id not in CUSTOMER_TYPES:
            raise InvalidInput(f"no customer type {customer_type_id}", field="customer_type_id")
        with self._lock:
            known = self.customers.get(user_id)
            view = CustomerView(
                user_id, email, customer_type_id, date_joined or (known.date_joined if known else timezone.now()),
                None, known.orders_count if known else 0,
            )
            self.customers[user_id] = view
            return view

    def create_checkout(self, user_id: int, lines: Mapping[str, int], *, channel: str = CHANNEL) -> str:
        """A checkout of the customer with ``{sku: quantity}`` in ``channel``; returns its token."""
        if channel not in CHANNELS:
            raise InvalidInput(f"no channel {channel!r}", field="channel")
        with self._lock:
            customer = self.customers.get(user_id)
            if customer is None:
                raise InvalidInput(f"no customer {user_id} in the shop", field="user_id")
            self._checkout_numbers += 1
            token = f"00000000-0000-4000-8000-{self._checkout_numbers:012d}"
            checkout = DemoCheckout(token, user_id, customer.email, channel=channel)
            self.checkouts[token] = checkout
        self.set_lines(token, lines)
        return token

    def set_lines(self, token: str, lines: Mapping[str, int]) -> None:
        """Set quantities by SKU (0 removes the line); all checked before any changes."""
        resolved = {}
        for sku, quantity in lines.items():
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                raise InvalidInput(f"quantity of {sku} must be a whole number >= 0, got {quantity!r}", field="quantity")
            resolved[self.item(sku).variant_id] = quantity
        with self._lock:
            checkout = self._checkout(token)
            for variant_id, quantity in resolved.items():
                if quantity:
                    checkout.lines[variant_id] = quantity
                else:
                    checkout.lines.pop(variant_id, None)

    def complete_checkout(self, token: str) -> DemoCheckout:
        """The checkout became an order: it is gone, and the customer has one more order."""
        with self._lock:
            checkout = self._checkout(token)
            del self.checkouts[token]
            if checkout.voucher is not None:
                self.used_vouchers.add(checkout.voucher[0])
            customer = self.customers.get(checkout.user_id) if checkout.user_id is not None else None
            if customer is not None:
                self.customers[customer.user_id] = CustomerView(
                    customer.user_id, customer.email, customer.customer_type_id, customer.date_joined,
                    customer.birthday, customer.orders_count + 1,
                )
            return checkout

    def _checkout(self, token: str) -> DemoCheckout:
        checkout = self.checkouts.get(token)
        if checkout is None:
            raise CheckoutNotFound(f"no checkout {token}", field="token")
        return checkout

    # --- the Shop protocol ---

    def fetch_checkout(self, token: str) -> CheckoutView | None:
        with self._lock:
            checkout = self.checkouts.get(token)
            if checkout is None:
                return None
            currency, factor = CHANNELS[checkout.channel]
            lines = tuple(
                CartLine(f"{token}:{variant_id}", variant_id, item.product_id, (item.category_id,), item.sku, quantity,
                         item.price * factor)
                for variant_id, quantity in checkout.lines.items()
                for item in (self.items[variant_id],)
            )
            code, discount = checkout.voucher if checkout.voucher else (None, Decimal("0"))
            cart = Cart(checkout.channel, currency, lines, Decimal("0"), discount)
            return CheckoutView(token, cart, checkout.user_id, checkout.email, code)

    def channel_exists(self, slug: str) -> bool:
        return slug in CHANNELS

    def fetch_variants(self, channel: str, variant_ids: Collection[int]) -> dict[int, VariantView]:
        if channel not in CHANNELS:
            return {}
        currency, factor = CHANNELS[channel]
        return {
            item.variant_id: VariantView(
                item.variant_id, item.product_id, (item.category_id,), item.sku, item.name, item.price * factor, currency
            )
            for variant_id in variant_ids
            if (item := self.items.get(variant_id)) is not None
        }

    def fetch_variant_ids_by_sku(self, skus: Collection[str]) -> dict[str, int]:
        """For the price-list CSV import: the variant of each known SKU."""
        by_sku = {item.sku: item.variant_id for item in self.items.values()}
        return {sku: by_sku[sku] for sku in skus if sku in by_sku}

    def fetch_gift_stock(self, channel: str, variant_ids: Collection[int]) -> dict[int, int]:
        """Units in stock of the tracked variants among ``variant_ids`` (one channel: any slug)."""
        with self._lock:
            return {variant_id: self.stock[variant_id] for variant_id in variant_ids if variant_id in self.stock}

    def fetch_customer(self, user_id: int) -> CustomerView | None:
        with self._lock:
            return self.customers.get(user_id)

    def attach_discount(
        self, token: str, *, code: str, amount: Decimal, currency: str, percent: Decimal | None = None
    ) -> None:
        with self._lock:
            checkout = self._checkout(token)
            if currency != checkout.currency:
                raise InvalidInput(f"the checkout is in {checkout.currency}, not {currency}", field="currency")
            checkout.voucher = (code, amount)

    def issue_voucher(self, code: str, *, amount: Decimal, currency: str, name: str, company_id: int) -> None:
        """A volume rebate paid as a code; issuing it again changes nothing."""
        if currency != CURRENCY:
            raise InvalidInput(f"the shop sells in {CURRENCY}, not {currency}", field="currency")
        with self._lock:
            self.issued_vouchers.setdefault(code, (amount, company_id))

    def redeem_issued_voucher(self, token: str, code: str) -> None:
        """The buyer types an issued code at checkout (Saleor's ``checkoutAddPromoCode``)."""
        with self._lock:
            if code not in self.issued_vouchers or code in self.used_vouchers:
                raise InvalidInput(f"no usable voucher {code!r}", field="code")
            self._checkout(token).voucher = (code, self.issued_vouchers[code][0])

    def detach_discount(self, token: str, code: str) -> None:
        with self._lock:
            checkout = self.checkouts.get(token)
            if checkout is not None and checkout.voucher is not None and checkout.voucher[0] == code:
                checkout.voucher = None
