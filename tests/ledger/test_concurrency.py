"""Real threads on real connections: the account row lock and the idempotency key hold up.

Each thread has its own database connection (Django's are per thread) and closes it at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from django.db import connection

from saleor_loyalty.exceptions import InsufficientPoints
from saleor_loyalty.ledger.checks import find_ledger_problems
from saleor_loyalty.models import LedgerTransaction, LoyaltyAccount
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

T = TypeVar("T")
pytestmark = pytest.mark.django_db(transaction=True)


def run_concurrently(count: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Start ``count`` threads at once (a barrier) and return each result or exception."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("did not run")] * count

    def thread_main(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test, which asserts on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_main, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class LowestAvailable:
    """Samples the account's available balance from another connection while the threads run."""

    def __init__(self, account_id: int) -> None:
        self.account_id = account_id
        self.lowest: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def __enter__(self) -> LowestAvailable:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _watch(self) -> None:
        try:
            while not self._stop.is_set():
                available = LoyaltyAccount.objects.values_list("available", flat=True).get(pk=self.account_id)
                self.lowest = available if self.lowest is None else min(self.lowest, available)
        finally:
            connection.close()


@pytest.fixture
def owner_with_ten_points(create_user: Callable[..., Any], now: datetime) -> Owner:
    owner = Owner.customer(create_user().pk)
    points.credit_points_for_order(owner, "o-1", points=10, now=now)
    return owner


@pytest.mark.parametrize("operation", ["hold", "redeem"])
def test_fifty_spends_on_room_for_ten_give_exactly_ten(
    owner_with_ten_points: Owner, now: datetime, operation: str
) -> None:
    # given
    owner = owner_with_ten_points
    account_id = points.get_account_for_customer(owner.user_id or 0).account_id

    def spend_one(index: int) -> object:
        if operation == "hold":
            return points.hold_points_for_checkout(owner, f"c-{index}", points=1, expires_at=now + timedelta(hours=1),
                                                   now=now)
        return points.redeem_points(owner, f"redeem-{index}", points=1, reason="voucher", now=now)

    # when
    with LowestAvailable(account_id) as watcher:
        results = run_concurrently(50, spend_one)

    # then
    failures = [result for result in results if isinstance(result, BaseException)]
    assert len(results) - len(failures) == 10
    assert all(isinstance(failure, InsufficientPoints) for failure in failures), failures[:3]
    balance = points.get_balance(owner)
    assert (balance.available, balance.debt) == (0, 0)
    assert balance.held == (10 if operation == "hold" else 0)
    assert watcher.lowest is not None and watcher.lowest >= 0
    assert find_ledger_problems(now=now) == []


def test_the_same_key_sent_concurrently_credits_once(create_user: Callable[..., Any], now: datetime) -> None:
    # given
    owner = Owner.customer(create_user().pk)

    # when
    results = run_concurrently(
        20, lambda index: points.credit_points_for_order(owner, "o-same", points=25, now=now)
    )

    # then
    assert not [result for result in results if isinstance(result, BaseException)]
    assert sum(1 for result in results if result.created) == 1  # type: ignore[union-attr]
    assert len({result.transaction_id for result in results}) == 1  # type: ignore[union-attr]
    # the ones that waited on the account lock and then met the key replay the same entries
    assert len({result.postings for result in results}) == 1  # type: ignore[union-attr]
    assert points.get_balance(owner).available == 25
    assert LedgerTransaction.objects.filter(idempotency_key="o-same").count() == 0
    assert LedgerTransaction.objects.filter(kind="earn").count() == 1


def test_batch_jobs_running_concurrently_move_points_once(create_user: Callable[..., Any], now: datetime) -> None:
    # given: 20 customers with points due to mature
    owners = [Owner.customer(create_user().pk) for _ in range(20)]
    for index, owner in enumerate(owners):
        points.credit_points_for_order(owner, f"o-{index}", points=10, available_at=now + timedelta(days=1), now=now)

    # when: four runs at once
    results = run_concurrently(4, lambda index: points.mature_due_points(now=now + timedelta(days=1), batch_size=50))

    # then
    assert not [result for result in results if isinstance(result, BaseException)]
    assert sum(result.processed for result in results) == 20  # type: ignore[union-attr]
    assert all(points.get_balance(owner).available == 10 for owner in owners)
    assert find_ledger_problems(now=now + timedelta(days=1)) == []
