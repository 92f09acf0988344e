"""Fixtures composing Saleor's own: the plugin enabled, a B2B customer type, loyalty rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

PLUGIN_PATH = "saleor_loyalty.plugin.LoyaltyPlugin"


@pytest.fixture
def loyalty_plugin(settings: Any) -> Any:
    """The plugin on top of the dummy gateways that Saleor's autouse fixture enables."""
    import saleor_loyalty.plugin  # noqa: F401 - registers the Saleor shop port, as Saleor's import does
    from saleor_loyalty.services.rules.versions import forget_compiled_rules

    forget_compiled_rules()
    settings.PLUGINS = [*settings.PLUGINS, PLUGIN_PATH]
    yield settings
    forget_compiled_rules()


@pytest.fixture
def loyalty_config(loyalty_plugin: Any, db: None) -> Any:
    """Change the plugin's configuration for one test: ``loyalty_config(pending_days="0")``."""
    from saleor.plugins.models import PluginConfiguration

    from saleor_loyalty.plugin import LoyaltyPlugin
    from saleor_loyalty.saleor.configuration import DEFAULT_CONFIGURATION

    def configure(**values: Any) -> None:
        items = [{"name": item["name"], "value": values.get(item["name"], item["value"])}
                 for item in DEFAULT_CONFIGURATION]
        PluginConfiguration.objects.update_or_create(
            identifier=LoyaltyPlugin.PLUGIN_ID, channel=None, defaults={"active": True, "configuration": items}
        )

    return configure


@pytest.fixture
def b2b_customer_type(db: None) -> Any:
    from saleor.account.models import CustomerType

    return CustomerType.objects.create(name="B2B", slug="b2b")


@pytest.fixture
def b2b_customer(customer_user: Any, b2b_customer_type: Any) -> Any:
    customer_user.customer_type = b2b_customer_type
    customer_user.save(update_fields=["customer_type"])
    return customer_user


@pytest.fixture
def bulk_stock(product: Any, site_settings: Any) -> Any:
    """B2B quantities: Saleor caps a line at the site's limit_quantity_per_checkout (50 by default)."""
    site_settings.limit_quantity_per_checkout = 1000
    site_settings.save(update_fields=["limit_quantity_per_checkout"])
    product.variants.first().stocks.update(quantity=1000)
    return product


@pytest.fixture
def b2b_price_list(b2b_customer_type: Any, bulk_stock: Any, product: Any) -> Any:
    """For B2B buyers of ``product``'s variant (10.00 USD): 8.50 from 50 units, 9.50 from 10."""
    from saleor_loyalty.services.rules import price_lists
    from saleor_loyalty.services import rules

    price_list = rules.create_price_list({
        "name": "B2B volume", "currency": "USD", "audience_kind": "customer_type",
        "customer_type_id": b2b_customer_type.pk,
    })
    rules.create_price_list_entry(price_list.pk, {
        "target_kind": "variant", "target_id": product.variants.first().pk,
        "breaks": [{"min_quantity": 10, "fixed_price": "9.50"}, {"min_quantity": 50, "fixed_price": "8.50"}],
    })
    return price_list


@pytest.fixture
def gift_variant(product_list: Any) -> Any:
    """A variant sold in the channel that the gift rule gives away."""
    return product_list[0].variants.first()


@pytest.fixture
def gift_rule(gift_variant: Any, db: None) -> Any:
    """Everyone spending 50.00 USD or more gets one ``gift_variant`` free."""
    from saleor_loyalty.services import rules

    return rules.create_gift_rule({
        "name": "Free gift from 50", "threshold": Decimal("50"), "currency": "USD",
        "variant_id": gift_variant.pk, "quantity": 1, "audience_kind": "everyone",
    })


@pytest.fixture
def overhead_shop(loyalty_plugin: Any, user_api_client: Any, b2b_customer: Any, b2b_customer_type: Any,
                  product: Any, channel_USD: Any, warehouse: Any, site_settings: Any) -> Any:
    """30 variants of ``product`` at 10.00; B2B buyers pay 9.50 from 10 units of any of them."""
    from saleor_loyalty.services import rules

    from .overhead import Shop, make_variants

    site_settings.limit_quantity_per_checkout = 100_000
    site_settings.save(update_fields=["limit_quantity_per_checkout"])
    variants = make_variants(product, channel_USD, warehouse, 30)
    price_list = rules.create_price_list({
        "name": "B2B", "currency": "USD", "audience_kind": "customer_type", "customer_type_id": b2b_customer_type.pk})
    rules.create_price_list_entry(price_list.pk, {
        "target_kind": "product", "target_id": product.pk, "breaks": [{"min_quantity": 10, "fixed_price": "9.50"}]})
    return Shop(user_api_client, variants, email=b2b_customer.email)
