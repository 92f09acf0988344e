"""Ledger tests: every ``db`` test also runs the deferred constraint triggers before rollback."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.models import LoyaltyAccount
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner


@pytest.fixture(autouse=True)
def _deferred_constraints(check_deferred_constraints: None) -> Iterator[None]:
    yield


@pytest.fixture
def owner(customer: Any) -> Owner:
    return Owner.customer(customer.pk)


@pytest.fixture
def account(owner: Owner) -> LoyaltyAccount:
    return LoyaltyAccount.objects.get(pk=points.get_account_for_customer(owner.user_id).account_id)


@pytest.fixture
def credit(owner: Owner, now: datetime) -> Callable[..., PostedTransaction]:
    """Credit points for a made-up order (available now, no expiry unless told)."""
    orders = itertools.count(1)

    def credit_points(
        amount: int, *, order_id: str | None = None, who: Owner | None = None, **options: Any
    ) -> PostedTransaction:
        options.setdefault("now", now)
        order_id = order_id or f"order-{next(orders)}"
        return points.credit_points_for_order(who or owner, order_id, points=amount, **options)

    return credit_points


@pytest.fixture
def earned(credit: Callable[..., PostedTransaction]) -> PostedTransaction:
    """100 points available now."""
    return credit(100)


@pytest.fixture
def balance_of(owner: Owner) -> Callable[..., tuple[int, int, int, int]]:
    """(available, pending, held, debt) of an owner (the fixture's by default)."""

    def read(who: Owner | None = None) -> tuple[int, int, int, int]:
        balance = points.get_balance(who or owner)
        return balance.available, balance.pending, balance.held, balance.debt

    return read

