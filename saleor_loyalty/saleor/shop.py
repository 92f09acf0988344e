"""The Saleor implementation of the shop port (``saleor_loyalty.shop.Shop``).

The services ask it for checkouts, variants and customers as plain views, and ask it to attach
or detach a single-use discount on a checkout (``vouchers``). A checkout is read in one narrow
query (``checkout_reader``); the plugin's own hooks read it themselves and hand the services
the view, so nothing here is asked for a checkout a hook already holds.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from ..config import ProgramConfig
from ..shop import CheckoutView, CustomerView, VariantView
from . import vouchers
from .checkout_reader import read_checkout


class SaleorShop:
    """Reads Saleor's models; writes only vouchers (through ``vouchers``)."""

    def fetch_checkout(self, token: str) -> CheckoutView | None:
        from saleor.checkout.models import Checkout

        checkout = Checkout.objects.filter(token=token).first()
        if checkout is None:
            return None
        return read_checkout(checkout).view

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

    def fetch_channel_currency(self, channel: str) -> str | None:
        """The channel's currency code (one query); None for an unknown channel."""
        from saleor.channel.models import Channel

        return Channel.objects.filter(slug=channel).values_list("currency_code", flat=True).first()

    def fetch_variant_ids_by_sku(self, skus: Collection[str]) -> dict[str, int]:
        """SKU -> variant id for the SKUs Saleor knows (one query; unknown SKUs are left out)."""
        from saleor.product.models import ProductVariant

        rows = ProductVariant.objects.filter(sku__in=list(skus)).values_list("sku", "pk")
        return {sku: pk for sku, pk in rows}

    def fetch_gift_stock(self, channel: str, variant_ids: Collection[int]) -> dict[int, int]:
        """Units available per variant in the channel's warehouses (quantity less allocated,
        summed; 0 without stock), variants whose stock is not tracked left out (one query). The
        checkout read gets the same figures in its own statement (``checkout_reader``)."""
        from django.db.models import F, IntegerField, Q, Sum
        from django.db.models.functions import Coalesce, Greatest
        from saleor.product.models import ProductVariant

        in_channel = Q(stocks__warehouse__channelwarehouse__channel__slug=channel)
        available = Greatest(F("stocks__quantity") - F("stocks__quantity_allocated"), 0)
        rows = (
            ProductVariant.objects.filter(pk__in=list(variant_ids), track_inventory=True)
            .annotate(units=Coalesce(Sum(available, filter=in_channel), 0, output_field=IntegerField()))
            .values_list("pk", "units")
        )
        return {pk: int(units) for pk, units in rows}

    def refresh_checkout_gifts(self, token: str, *, config: ProgramConfig) -> None:
        """Bring the checkout's gift lines (and prices) in line with a fresh quote: the checkout
        sync the hooks run, for a gift choice made through the plugin's own API."""
        from saleor.checkout.models import Checkout

        from .checkout import sync_checkout

        checkout = Checkout.objects.filter(token=token).first()
        if checkout is not None:
            sync_checkout(checkout, config, force=True)

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


