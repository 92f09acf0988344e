"""The port to the shop platform: what the services need from Saleor (or the demo), as a Protocol.

The services never import Saleor. They ask the registered shop for checkouts, variants and
customers as plain frozen views, and ask it to attach or detach a discount code on a checkout.
The Saleor plugin registers its adapter when it loads (``set_shop``), the demo registers its own
at start, and tests register an in-memory fake. Saleor objects are plain values here: a
checkout token and order id as text, variant/product/category/customer-type ids as ints, the
channel as its slug.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from .engine.values import Cart
from .exceptions import ShopNotConfigured


@dataclass(frozen=True, slots=True)
class CustomerView:
    """A customer's facts from the shop. ``orders_count`` is every order the shop knows of."""

    user_id: int
    email: str
    customer_type_id: int | None
    date_joined: datetime
    birthday: date | None
    orders_count: int


@dataclass(frozen=True, slots=True)
class CheckoutView:
    """A checkout as the program sees it.

    ``cart`` excludes gift lines the plugin added; its ``order_discount`` is the money the
    attached voucher takes off (``voucher_code``, at most one: Saleor allows one per checkout).
    ``customer`` is the signed-in buyer's facts when the shop read them with the checkout (so
    the quote does not ask for them again); None for a guest or when not read.
    ``gift_choices`` (gift rule id -> the variant ids the shopper picked, ``models.GiftChoice``)
    and ``gift_stock`` (gift variant id -> units available in the checkout's channel; variants
    that are not tracked left out) when the shop read them with the checkout; None when it did
    not (the quote then reads the choices itself and asks ``fetch_gift_stock``).
    """

    token: str
    cart: Cart
    user_id: int | None
    email: str | None
    voucher_code: str | None
    customer: CustomerView | None = None
    gift_choices: Mapping[int, tuple[int, ...]] | None = None
    gift_stock: Mapping[int, int] | None = None


@dataclass(frozen=True, slots=True)
class VariantView:
    """A variant's catalogue facts in a channel: its base unit price before any loyalty price."""

    variant_id: int
    product_id: int
    category_ids: tuple[int, ...]
    sku: str | None
    name: str
    base_price: Decimal
    currency: str


@runtime_checkable
class Shop(Protocol):
    """What the shop platform offers the program."""

    def fetch_checkout(self, token: str) -> CheckoutView | None:
        """The checkout with ``token``, or None when there is none."""
        ...

    def fetch_variants(self, channel: str, variant_ids: Collection[int]) -> dict[int, VariantView]:
        """The variants sold in ``channel`` among ``variant_ids`` (unknown ids are left out)."""
        ...

    def fetch_customer(self, user_id: int) -> CustomerView | None:
        """The customer with ``user_id``, or None when there is none."""
        ...

    def attach_discount(
        self, token: str, *, code: str, amount: Decimal, currency: str, percent: Decimal | None = None
    ) -> None:
        """Attach a single-use discount ``code`` worth ``amount`` to the checkout (replacing its voucher).

        ``percent`` (a referral code shared by a referrer's referees): the discount is that
        percentage of the goods, ``amount`` being what it comes to on this checkout now; a shop
        whose voucher is shared between checkouts should let each compute its own.
        """
        ...

    def detach_discount(self, token: str, code: str) -> None:
        """Remove ``code`` from the checkout if it is attached; no error when it is not."""
        ...

    # Optional, not part of the protocol check: ``fetch_variant_ids_by_sku(skus) -> {sku: variant_id}``,
    # the variants of the SKUs the catalogue knows (unknown SKUs left out). The price-list CSV
    # import names variants by SKU through it; a shop without it gets a clear refusal that names
    # the other way (``target_kind`` and ``target_id`` columns). Saleor's and the demo's shops have it.
    #
    # Optional too: ``channel_exists(slug) -> bool``, whether the shop sells in an active channel
    # of that slug; queries that take a channel refuse an unknown one with ``CHANNEL_NOT_FOUND``.
    # A shop without it accepts any slug. Saleor's, the demo's and the tests' shops have it.
    #
    # Optional too: ``issue_voucher(code, *, amount, currency, name, company_id) -> None``, a
    # standalone fixed-amount discount ``code`` worth ``amount`` in ``currency``, usable once, for a
    # volume rebate paid as a code (``services.rebate_codes``). Idempotent: issuing a code again
    # creates nothing new. Without it, rebate codes stay recorded and unissued (logged).
    #
    # Optional too: ``fetch_channel_currency(channel) -> str | None``, the ISO code of the currency
    # the channel sells in (None for an unknown channel). ``loyaltyProgram.currency`` reads it so a
    # storefront can format the points' money value; without it that field is null.
    #
    # Optional too: ``fetch_gift_stock(channel, variant_ids) -> {variant_id: units}``, the units of
    # each variant available in the channel's warehouses (quantity less quantity allocated, summed;
    # 0 when none), variants whose stock is not tracked left out. A gift short of stock is not
    # offered (``engine.gifts``). A shop that reads checkouts with ``CheckoutView.gift_stock``
    # filled is not asked on the checkout path; a shop without it offers every gift.
    # Saleor's, the demo's and the tests' shops have it.
    #
    # Optional too: ``refresh_checkout_gifts(token, *, config) -> None``, bring the checkout's gift lines in
    # line with a fresh quote after a shopper's gift choice changed (``services.gift_choices``):
    # Saleor's shop runs its checkout sync; a shop that adds gifts only when the order is placed
    # (the demo) needs none.


_lock = threading.Lock()
_shop: Shop | None = None


def set_shop(shop: Shop | None) -> None:
    """Register the process's shop adapter (None unregisters it, for tests)."""
    global _shop
    if shop is not None and not isinstance(shop, Shop):
        raise TypeError(f"{type(shop).__name__} does not implement the Shop protocol")
    with _lock:
        _shop = shop


def get_shop() -> Shop:
    """The registered shop adapter; raises ``ShopNotConfigured`` when none was registered."""
    shop = _shop
    if shop is None:
        raise ShopNotConfigured(
            "no shop adapter is registered: the Saleor plugin registers one when it loads, the demo "
            "at start; call saleor_loyalty.shop.set_shop(...) first"
        )
    return shop
