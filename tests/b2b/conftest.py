"""B2B fixtures: companies with members, order records, rebate programs.

Every ``db`` test here also fires the deferred constraint triggers before the rollback, so a
rebate credit that would leave the ledger unbalanced fails the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.models import (
    CompanyMember,
    CompanyRole,
    OrderRecord,
    OrderStatus,
    RebateProgram,
)
from saleor_loyalty.services.b2b import companies, rebates
from saleor_loyalty.services.b2b.companies import Actor

_orders = itertools.count(1)


@pytest.fixture(autouse=True)
def _deferred_constraints(check_deferred_constraints: None) -> Iterator[None]:
    yield


@pytest.fixture
def staff() -> Actor:
    return Actor.staff(user_id=None)


@pytest.fixture
def acme(db: None, now: datetime) -> companies.CompanyInfo:
    return companies.create_company("Acme Supplies", now=now)


@pytest.fixture
def add_member(create_user: Callable[..., Any]) -> Callable[..., Any]:
    """Make a customer and put them in a company (a buyer unless told), bypassing the services."""

    def add(company_id: int, *, role: str = CompanyRole.BUYER, limit: int | None = None, **user_fields: Any) -> Any:
        user = create_user(**user_fields)
        CompanyMember.objects.create(company_id=company_id, user=user, role=role, redemption_limit=limit)
        return user

    return add


@pytest.fixture
def acme_admin(acme: companies.CompanyInfo, add_member: Callable[..., Any]) -> Any:
    return add_member(acme.company_id, role=CompanyRole.ADMIN, email="admin@acme.test")


@pytest.fixture
def acme_buyer(acme: companies.CompanyInfo, acme_admin: Any, add_member: Callable[..., Any]) -> Any:
    return add_member(acme.company_id, email="buyer@acme.test")


@pytest.fixture
def make_order(now: datetime) -> Callable[..., OrderRecord]:
    """An order record as the orders service leaves it: paid unless told, in EUR, placed ``now``."""

    def make(
        company_id: int | None,
        goods_total: str,
        *,
        user: Any = None,
        placed_at: datetime | None = None,
        refunded: str = "0",
        status: str = OrderStatus.PAID,
        currency: str = "EUR",
        channel: str = "default",
        points_earned: int = 0,
    ) -> OrderRecord:
        placed_at = placed_at or now
        paid = status in (OrderStatus.PAID, OrderStatus.REFUNDED)
        return OrderRecord.objects.create(
            order_id=f"order-{next(_orders)}", user=user, company_id=company_id, channel=channel, currency=currency,
            goods_total=Decimal(goods_total), refunded_amount=Decimal(refunded), status=status,
            placed_at=placed_at, paid_at=placed_at if paid else None, points_earned=points_earned,
        )

    return make


@pytest.fixture
def volume_bands() -> list[rebates.Band]:
    """The issue's example: from 10,000 spent 2% comes back, from 50,000 4%."""
    return [rebates.Band(Decimal(10000), Decimal(2)), rebates.Band(Decimal(50000), Decimal(4))]


@pytest.fixture
def monthly_program(db: None, volume_bands: list[rebates.Band], now: datetime) -> RebateProgram:
    """A monthly EUR program from January 2025 paying points at 0.01 EUR a point."""
    return rebates.create_rebate_program(
        name="Volume rebate", period="month", currency="EUR", bands=volume_bands,
        starts_on=datetime(2025, 1, 1).date(), point_value=Decimal("0.01"), now=now,
    )
