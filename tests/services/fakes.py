"""An in-memory shop for the service tests: the port's fake, not a database mock."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from saleor_loyalty.engine.values import Cart, CartLine
from saleor_loyalty.shop import CheckoutView, CustomerView, VariantView


@dataclass
class FakeCheckout:
    token: str
    channel: str
    currency: str
    user_id: int | None
    email: str | None
    lines: list[tuple[int, int]]  # (variant id, quantity)
    shipping: Decimal = Decimal("0")
    voucher: tuple[str, Decimal] | None = None  # (code, amount)


@dataclass
class FakeShop:
    """Variants, customers and checkouts held in dicts; discounts recorded as attached."""

    variants: dict[tuple[str, int], VariantView] = field(default_factory=dict)
    customers: dict[int, CustomerView] = field(default_factory=dict)
    checkouts: dict[str, FakeCheckout] = field(default_factory=dict)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    # (channel, variant id) -> units available; a variant left out is not tracked.
    stock: dict[tuple[str, int], int] = field(default_factory=dict)

    def add_variant(
        self, variant_id: int, price: str, *, channel: str = "default", currency: str = "EUR",
        product_id: int | None = None, category_ids: Sequence[int] = (), sku: str | None = None,
    ) -> VariantView:
        view = VariantView(
            variant_id, product_id or variant_id * 10, tuple(category_ids), sku or f"SKU-{variant_id}",
            f"Variant {variant_id}", Decimal(price), currency,
        )
        self.variants[(channel, variant_id)] = view
        return view

    def add_customer(
        self, user: Any, *, customer_type_id: int | None = None, orders_count: int = 0,
        date_joined: datetime | None = None, birthday: date | None = None, email: str | None = None,
    ) -> CustomerView:
        view = CustomerView(
            user.pk, email or user.email or f"user{user.pk}@example.com", customer_type_id,
            date_joined or datetime(2024, 1, 1, tzinfo=UTC), birthday, orders_count,
        )
        self.customers[user.pk] = view
        return view

    def add_checkout(
        self, token: str, lines: list[tuple[int, int]], *, user: Any = None, channel: str = "default",
        currency: str = "EUR", shipping: str = "0", email: str | None = None,
    ) -> FakeCheckout:
        user_id = user.pk if user is not None else None
        if email is None and user_id in self.customers:
            email = self.customers[user_id].email
        checkout = FakeCheckout(token, channel, currency, user_id, email, lines, Decimal(shipping))
        self.checkouts[token] = checkout
        return checkout

    # --- the Shop protocol ---

    def fetch_checkout(self, token: str) -> CheckoutView | None:
        checkout = self.checkouts.get(token)
        if checkout is None:
            return None
        cart_lines = []
        for index, (variant_id, quantity) in enumerate(checkout.lines):
            view = self.variants[(checkout.channel, variant_id)]
            cart_lines.append(
                CartLine(f"line-{index}", variant_id, view.product_id, view.category_ids, view.sku, quantity, view.base_price)
            )
        discount = checkout.voucher[1] if checkout.voucher else Decimal("0")
        cart = Cart(checkout.channel, checkout.currency, tuple(cart_lines), checkout.shipping, discount)
        code = checkout.voucher[0] if checkout.voucher else None
        return CheckoutView(token, cart, checkout.user_id, checkout.email, code)

    def channel_exists(self, slug: str) -> bool:
        """"default", and every channel a variant or checkout was added in."""
        known = {"default"} | {channel for channel, _ in self.variants} | {c.channel for c in self.checkouts.values()}
        return slug in known

    def fetch_variants(self, channel: str, variant_ids: Collection[int]) -> dict[int, VariantView]:
        return {vid: self.variants[(channel, vid)] for vid in variant_ids if (channel, vid) in self.variants}

    def fetch_customer(self, user_id: int) -> CustomerView | None:
        return self.customers.get(user_id)

    def fetch_channel_currency(self, channel: str) -> str | None:
        # The currency of the channel's variants; None for a channel that sells nothing.
        return next((view.currency for (slug, _), view in self.variants.items() if slug == channel), None)

    def attach_discount(
        self, token: str, *, code: str, amount: Decimal, currency: str, percent: Decimal | None = None
    ) -> None:
        self.calls.append(("attach", (token, code, amount, currency)))
        self.checkouts[token].voucher = (code, amount)

    def detach_discount(self, token: str, code: str) -> None:
        self.calls.append(("detach", (token, code)))
        checkout = self.checkouts.get(token)
        if checkout is not None and checkout.voucher and checkout.voucher[0] == code:
            checkout.voucher = None

    def fetch_gift_stock(self, channel: str, variant_ids: Collection[int]) -> dict[int, int]:
        self.calls.append(("gift_stock", (channel, tuple(sorted(variant_ids)))))
        return {vid: self.stock[(channel, vid)] for vid in variant_ids if (channel, vid) in self.stock}

    def refresh_checkout_gifts(self, token: str, *, config: Any) -> None:
        self.calls.append(("refresh_gifts", token))
