"""Service tests: a real database, the in-memory ``FakeShop`` registered as the shop port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from saleor_loyalty import shop as shop_port
from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.services import rules

from .fakes import FakeShop


@pytest.fixture(autouse=True)
def _fresh_rule_cache() -> Iterator[None]:
    rules.forget_compiled_rules()
    yield
    rules.forget_compiled_rules()


@pytest.fixture
def shop() -> Iterator[FakeShop]:
    fake = FakeShop()
    shop_port.set_shop(fake)
    yield fake
    shop_port.set_shop(None)


@pytest.fixture
def config() -> ProgramConfig:
    """Points available at once (no return window) unless a test says otherwise."""
    return ProgramConfig(pending_days=0, base_currency="EUR")  # the fake shop sells in EUR


@pytest.fixture
def shopper(customer: Any, shop: FakeShop) -> Any:
    """A customer the shop knows."""
    shop.add_customer(customer)
    return customer
