"""Pending points mature after the return window; lots expire oldest first, what is left of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from saleor_loyalty import ledger
from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.models import LedgerEntry, PointLot, SystemCode
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

Balances = Callable[..., tuple[int, int, int, int]]
DAY = timedelta(days=1)


def lot_of(posted: PostedTransaction) -> PointLot:
    return PointLot.objects.get(transaction_id=posted.transaction_id)


def test_only_points_past_their_return_window_mature(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given
    due = credit(30, available_at=now + 14 * DAY)
    not_yet = credit(20, available_at=now + 30 * DAY)

    # when
    result = points.mature_due_points(now=now + 14 * DAY)

    # then
    assert (result.processed, result.skipped_accounts, result.has_more) == (1, 0, False)
    assert balance_of() == (30, 20, 0, 0)
    assert lot_of(due).matured and not lot_of(not_yet).matured


def test_maturing_twice_moves_points_once(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    credit(30, available_at=now + DAY)

    assert points.mature_due_points(now=now + 2 * DAY).processed == 1
    assert points.mature_due_points(now=now + 2 * DAY).processed == 0
    assert balance_of() == (30, 0, 0, 0)


def test_expiry_writes_off_what_is_left_of_each_lot(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given: two lots, the sooner one partly spent, and one that never expires
    sooner = credit(50, expires_at=now + 30 * DAY)
    later = credit(50, expires_at=now + 60 * DAY)
    never = credit(50)
    points.redeem_points(owner, "r-1", points=70, reason="voucher", now=now)  # 50 from sooner, 20 from later

    # when
    first = points.expire_due_points(now=now + 30 * DAY)
    second = points.expire_due_points(now=now + 60 * DAY)

    # then
    assert (first.processed, second.processed) == (0, 1)  # the sooner lot had nothing left
    assert balance_of() == (50, 0, 0, 0)
    assert [(lot_of(p).remaining, lot_of(p).expired) for p in (sooner, later, never)] == [(0, 0), (0, 30), (50, 0)]
    expired_account = ledger.get_system_account_id(SystemCode.EXPIRED)
    assert sum(LedgerEntry.objects.filter(account_id=expired_account).values_list("points", flat=True)) == 30


def test_held_points_do_not_expire_under_the_hold(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given
    credit(50, expires_at=now + 30 * DAY)
    points.hold_points_for_checkout(owner, "c-1", points=20, expires_at=now + 40 * DAY, now=now)

    # when
    points.expire_due_points(now=now + 30 * DAY)
    points.capture_hold_for_order("c-1", "o-2", now=now + 31 * DAY)

    # then
    assert balance_of() == (0, 0, 0, 0)


def test_points_still_pending_at_their_expiry_expire_from_pending(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given: the maturing task did not run before the expiry
    posted = credit(10, available_at=now + DAY, expires_at=now + 2 * DAY)

    # when
    assert points.mature_due_points(now=now + 3 * DAY).processed == 0
    points.expire_due_points(now=now + 3 * DAY)

    # then
    assert balance_of() == (0, 0, 0, 0)
    assert (lot_of(posted).remaining, lot_of(posted).expired) == (0, 10)


def test_batches_stop_at_their_size_and_say_there_is_more(
    create_user: Callable[..., object], now: datetime
) -> None:
    # given: three customers with due points
    for index in range(3):
        user = create_user()
        points.credit_points_for_order(
            Owner.customer(user.pk), f"o-{index}", points=5, available_at=now + DAY, now=now  # type: ignore[attr-defined]
        )

    # when
    first = points.mature_due_points(now=now + DAY, batch_size=2)
    second = points.mature_due_points(now=now + DAY, batch_size=2)

    # then
    assert (first.processed, first.has_more) == (2, True)
    assert (second.processed, second.has_more) == (1, False)
