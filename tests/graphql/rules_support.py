"""Helpers of the rule API tests: callers of each kind, a shop that looks SKUs up, and a
snapshot of every rule table to prove a refused request changed nothing."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.forms.models import model_to_dict

from saleor_loyalty import shop as shop_port
from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.models import (
    EarnRule,
    GiftRule,
    PriceBreak,
    PriceList,
    PriceListEntry,
    ReferralProgram,
    RulesVersion,
    Tier,
)
from tests.services.fakes import FakeShop

from .client import ApiClient, get_graphql_content

RULE_MODELS = (Tier, PriceList, PriceListEntry, PriceBreak, EarnRule, GiftRule, ReferralProgram, RulesVersion)


def rules_snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every rule table (and the rules version), to compare before and after."""
    return {
        model.__name__: [model_to_dict(row) for row in model.objects.order_by("pk")] for model in RULE_MODELS
    }


def rules_version() -> int:
    row = RulesVersion.objects.filter(pk=1).first()
    return 0 if row is None else row.version


@dataclass
class Callers:
    """A rules manager (MANAGE_DISCOUNTS), a staff member with MANAGE_USERS only, a customer, nobody."""

    manager: ApiClient
    users_staff: ApiClient
    customer: ApiClient
    anonymous: ApiClient

    def refused(self) -> list[tuple[str, ApiClient]]:
        return [("users_staff", self.users_staff), ("customer", self.customer), ("anonymous", self.anonymous)]


@pytest.fixture
def callers(create_user: Callable[..., Any], grant: Callable[..., None]) -> Callers:
    manager = create_user(username="rules-manager", is_staff=True)
    grant(manager, LoyaltyPermission.MANAGE_DISCOUNTS)
    users_staff = create_user(username="users-staff", is_staff=True)
    grant(users_staff, LoyaltyPermission.MANAGE_USERS, LoyaltyPermission.MANAGE_ORDERS)
    customer = create_user(username="rules-customer")
    return Callers(ApiClient(manager), ApiClient(users_staff), ApiClient(customer), ApiClient())


class SkuShop(FakeShop):
    """The fake shop with the optional SKU lookup the CSV import uses; counts its calls."""

    def fetch_variant_ids_by_sku(self, skus: Collection[str]) -> dict[str, int]:
        self.calls.append(("skus", sorted(skus)))
        by_sku = {view.sku: view.variant_id for view in self.variants.values() if view.sku}
        return {sku: by_sku[sku] for sku in skus if sku in by_sku}


@pytest.fixture
def sku_shop() -> Iterator[SkuShop]:
    shop = SkuShop()
    shop.add_variant(55, "9.99", sku="BOLT-M8")
    shop.add_variant(56, "4.20", sku="NUT-M8")
    shop_port.set_shop(shop)
    yield shop
    shop_port.set_shop(None)


def run_ok(client: ApiClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``data`` of a response that ran without any top-level error."""
    return get_graphql_content(client.post_graphql(query, variables))["data"]  # type: ignore[no-any-return]


def payload(client: ApiClient, query: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
    """The named mutation's payload."""
    return run_ok(client, query, variables)[name]  # type: ignore[no-any-return]


def assert_refused(response: Any) -> None:
    """A top-level PermissionDenied naming MANAGE_DISCOUNTS, and no data."""
    import json

    assert response.status_code == 200, response.content
    content = json.loads(response.content)
    errors = content.get("errors") or []
    assert [e["extensions"]["exception"]["code"] for e in errors] == ["PermissionDenied"], content
    assert errors[0]["extensions"]["exception"]["permissions"] == ["MANAGE_DISCOUNTS"]
    assert all(value is None for value in (content.get("data") or {}).values()), content
