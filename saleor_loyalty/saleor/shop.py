"""The Saleor implementation of the shop port (``saleor_loyalty.shop.Shop``).

The services ask it for checkouts, variants and customers as plain views, and ask it to attach
or detach a single-use discount on a checkout (``vouchers``). A hook that has already loaded a
checkout's lines hands them over with ``preloaded`` so the quote does not load them again.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..shop import CheckoutView, CustomerView, VariantView
from . import vouchers
from .mappers import to_cart

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo


def to_checkout_view(checkout_info: CheckoutInfo, lines: list[CheckoutLineInfo]) -> CheckoutView:
    checkout = checkout_info.checkout
    return CheckoutView(
        token=str(checkout.token), cart=to_cart(checkout_info, lines), user_id=checkout.user_id,
        email=checkout.get_customer_email(), voucher_code=checkout.voucher_code,
    )


class SaleorShop:
    """Reads Saleor's models; writes only vouchers (through ``vouchers``)."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def preloaded(self, view: CheckoutView) -> Iterator[None]:
        """Answer ``fetch_checkout(view.token)`` with ``view`` inside the block (no queries)."""
        previous = getattr(self._local, "view", None)
        self._local.view = view
        try:
            yield
        finally:
            self._local.view = previous

    def fetch_checkout(self, token: str) -> CheckoutView | None:
        view = getattr(self._local, "view", None)
        if view is not None and view.token == str(token):
            return view
        from .checkout import load_checkout
        from saleor.checkout.models import Checkout

        checkout = Checkout.objects.filter(token=token).first()
        if checkout is None:
            return None
        checkout_info, lines, _ = load_checkout(checkout)
        return to_checkout_view(checkout_info, lines)

    def channel_exists(self, slug: str) -> bool:
        from saleor.channel.models import Channel

        return bool(Channel.objects.filter(slug=slug, is_active=True).exists())

    def fetch_variants(self, channel: str, variant_ids: Collection[int]) -> dict[int, VariantView]:
        from saleor.product.models import ProductVariantChannelListing

        listings = ProductVariantChannelListing.objects.filter(
            channel__slug=channel, variant_id__in=list(variant_ids), price_amount__isnull=False
        ).select_related("variant__product")
        views = {}
        for listing in listings:
            variant, product = listing.variant, listing.variant.product
            views[variant.pk] = VariantView(
                variant_id=variant.pk, product_id=product.pk,
                category_ids=(product.category_id,) if product.category_id is not None else (),
                sku=variant.sku, name=str(variant), base_price=Decimal(listing.price_amount),
                currency=listing.currency,
            )
        return views

    def fetch_variant_ids_by_sku(self, skus: Collection[str]) -> dict[str, int]:
        """SKU -> variant id for the SKUs Saleor knows (one query; unknown SKUs are left out)."""
        from saleor.product.models import ProductVariant

        rows = ProductVariant.objects.filter(sku__in=list(skus)).values_list("sku", "pk")
        return {sku: pk for sku, pk in rows}

    def fetch_customer(self, user_id: int) -> CustomerView | None:
        from saleor.account.models import User

        user = User.objects.filter(pk=user_id).only(
            "id", "email", "customer_type_id", "date_joined", "number_of_orders").first()
        if user is None:
            return None
        return CustomerView(
            user_id=user.pk, email=user.email, customer_type_id=user.customer_type_id,
            date_joined=user.date_joined, birthday=None, orders_count=int(user.number_of_orders or 0),
        )

    def attach_discount(
        self, token: str, *, code: str, amount: Decimal, currency: str, percent: Decimal | None = None
    ) -> None:
        vouchers.attach_voucher(token, code=code, amount=amount, currency=currency, percent=percent)

    def detach_discount(self, token: str, code: str) -> None:
        vouchers.detach_voucher(token, code)

    def issue_voucher(self, code: str, *, amount: Decimal, currency: str, name: str, company_id: int) -> None:
        vouchers.issue_rebate_voucher(code, amount=amount, currency=currency, name=name, company_id=company_id)


_shop = SaleorShop()


def get_saleor_shop() -> SaleorShop:
    return _shop


def register() -> None:
    """Make Saleor the services' shop (idempotent; the plugin calls it when it loads)."""
    from ..shop import _shop as registered, set_shop

    if registered is not _shop:
        set_shop(_shop)


