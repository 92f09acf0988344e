"""Fixtures for the GraphQL API: clients per requestor, going through the real URL and view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group

from saleor_loyalty import shop as shop_port
from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.services.rules import versions as rule_version
from tests.services.fakes import FakeShop

from .client import ApiClient


@pytest.fixture
def grant() -> Callable[..., None]:
    """Give a user loyalty permissions the way the demo does: membership of a named group."""

    def grant(user: Any, *permissions: LoyaltyPermission) -> None:
        for permission in permissions:
            group, _ = Group.objects.get_or_create(name=permission.name)
            user.groups.add(group)

    return grant


@pytest.fixture
def staff_user(create_user: Callable[..., Any], grant: Callable[..., None]) -> Any:
    """A staff member who manages customers (MANAGE_USERS) and nothing else."""
    user = create_user(username="staff", is_staff=True)
    grant(user, LoyaltyPermission.MANAGE_USERS)
    return user


@pytest.fixture
def api_client(db: None) -> ApiClient:
    return ApiClient()


@pytest.fixture
def customer_api_client(customer: Any) -> ApiClient:
    return ApiClient(customer)


@pytest.fixture
def staff_api_client(staff_user: Any) -> ApiClient:
    return ApiClient(staff_user)


@pytest.fixture
def shop() -> Iterator[FakeShop]:
    """The in-memory shop registered as the port, with the compiled-rules cache forgotten around it."""
    rule_version.forget_compiled_rules()
    fake = FakeShop()
    shop_port.set_shop(fake)
    yield fake
    shop_port.set_shop(None)
    rule_version.forget_compiled_rules()


@pytest.fixture
def shopper(customer: Any, shop: FakeShop) -> Any:
    """The ``customer`` fixture, known to the shop."""
    shop.add_customer(customer)
    return customer
