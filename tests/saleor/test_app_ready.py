"""The Saleor shop adapter is registered when Django starts, without any plugin hook."""

from __future__ import annotations

from django.apps import apps

from saleor_loyalty import shop
from saleor_loyalty.apps import is_inside_saleor
from saleor_loyalty.saleor.shop import SaleorShop, get_saleor_shop


def test_saleor_shop_is_registered_at_startup():
    # the loyalty_plugin fixture is not used: nothing imported the plugin for this test
    assert is_inside_saleor()
    assert isinstance(shop.get_shop(), SaleorShop)


def test_ready_registers_the_saleor_shop_again_after_it_was_unregistered():
    shop.set_shop(None)
    try:
        apps.get_app_config("saleor_loyalty").ready()
        assert shop.get_shop() is get_saleor_shop()
    finally:
        shop.set_shop(get_saleor_shop())
