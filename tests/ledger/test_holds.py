"""Holds for checkouts (hold, capture, release, replace, time out) and direct redemptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from saleor_loyalty.exceptions import HoldNotActive, HoldNotFound, InsufficientPoints
from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.models import HoldAllocation, HoldStatus, PointHold, PointLot
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

Balances = Callable[..., tuple[int, int, int, int]]


@pytest.fixture
def lots(credit: Callable[..., PostedTransaction], now: datetime) -> dict[str, int]:
    """Three lots of 10 points, credited in an order that differs from their expiry order."""
    never = credit(10)
    later = credit(10, expires_at=now + timedelta(days=90))
    sooner = credit(10, expires_at=now + timedelta(days=30))
    return {
        name: PointLot.objects.get(transaction_id=posted.transaction_id).pk
        for name, posted in {"never": never, "later": later, "sooner": sooner}.items()
    }


def remaining(lot_id: int) -> int:
    return PointLot.objects.get(pk=lot_id).remaining


def test_hold_reserves_points_from_the_soonest_expiring_lots(
    owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances
) -> None:
    # when
    info = points.hold_points_for_checkout(owner, "c-1", points=15, expires_at=now + timedelta(hours=1), now=now)

    # then
    assert (info.points, info.status, info.checkout_token) == (15, HoldStatus.ACTIVE, "c-1")
    assert balance_of() == (15, 0, 15, 0)
    assert [remaining(lots[name]) for name in ("sooner", "later", "never")] == [0, 5, 10]
    taken = dict(HoldAllocation.objects.filter(hold_id=info.hold_id).values_list("lot_id", "points"))
    assert taken == {lots["sooner"]: 10, lots["later"]: 5}


def test_capture_redeems_the_held_points_once_per_order(
    owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances
) -> None:
    # given
    points.hold_points_for_checkout(owner, "c-1", points=15, expires_at=now + timedelta(hours=1), now=now)

    # when
    captured = points.capture_hold_for_order("c-1", "order-9", now=now)
    again = points.capture_hold_for_order("c-1", "order-9", now=now)

    # then
    assert captured == again
    assert (captured.status, captured.order_id) == (HoldStatus.CAPTURED, "order-9")
    assert balance_of() == (15, 0, 0, 0)
    with pytest.raises(HoldNotActive):
        points.capture_hold_for_order("c-1", "another-order", now=now)
    with pytest.raises(HoldNotFound):
        points.capture_hold_for_order("no-such-checkout", "order-9", now=now)


def test_release_gives_the_points_back_to_their_lots(
    owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances
) -> None:
    # given
    points.hold_points_for_checkout(owner, "c-1", points=15, expires_at=now + timedelta(hours=1), now=now)

    # when
    released = points.release_hold_for_checkout("c-1", now=now)

    # then
    assert released is not None and released.status == HoldStatus.RELEASED
    assert balance_of() == (30, 0, 0, 0)
    assert [remaining(lots[name]) for name in ("sooner", "later", "never")] == [10, 10, 10]
    assert points.release_hold_for_checkout("c-1", now=now) is None
    with pytest.raises(HoldNotActive):
        points.capture_hold_for_order("c-1", "order-9", now=now)


def test_holding_again_keeps_or_replaces_the_hold(
    owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances
) -> None:
    # given
    first = points.hold_points_for_checkout(owner, "c-1", points=15, expires_at=now + timedelta(hours=1), now=now)

    # when: the same points again (a checkout update) extend the hold
    same = points.hold_points_for_checkout(owner, "c-1", points=15, expires_at=now + timedelta(hours=2), now=now)

    # then
    assert same.hold_id == first.hold_id and same.expires_at == now + timedelta(hours=2)

    # when: other points replace it
    other = points.hold_points_for_checkout(owner, "c-1", points=20, expires_at=now + timedelta(hours=2), now=now)

    # then
    assert other.hold_id != first.hold_id
    assert PointHold.objects.get(pk=first.hold_id).status == HoldStatus.RELEASED
    assert balance_of() == (10, 0, 20, 0)


def test_held_points_are_not_available(owner: Owner, lots: dict[str, int], now: datetime) -> None:
    points.hold_points_for_checkout(owner, "c-1", points=25, expires_at=now + timedelta(hours=1), now=now)

    with pytest.raises(InsufficientPoints):
        points.hold_points_for_checkout(owner, "c-2", points=6, expires_at=now + timedelta(hours=1), now=now)
    with pytest.raises(InsufficientPoints):
        points.redeem_points(owner, "r-1", points=6, reason="voucher", now=now)


def test_points_of_a_lot_that_expired_while_held_expire_on_release(
    owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances
) -> None:
    # given: 15 held (10 from the lot expiring in 30 days), and the checkout is left for 31 days
    points.hold_points_for_checkout(owner, "c-1", points=15, expires_at=now + timedelta(days=40), now=now)
    later = now + timedelta(days=31)

    # when
    points.release_hold_for_checkout("c-1", now=later)

    # then
    assert balance_of() == (20, 0, 0, 0)
    sooner = PointLot.objects.get(pk=lots["sooner"])
    assert (sooner.remaining, sooner.expired) == (0, 10)


def test_stale_holds_time_out(owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances) -> None:
    # given
    points.hold_points_for_checkout(owner, "c-old", points=5, expires_at=now + timedelta(minutes=30), now=now)
    points.hold_points_for_checkout(owner, "c-new", points=5, expires_at=now + timedelta(hours=2), now=now)

    # when
    result = points.release_stale_holds(now=now + timedelta(hours=1))
    again = points.release_stale_holds(now=now + timedelta(hours=1))

    # then
    assert (result.processed, again.processed) == (1, 0)
    assert balance_of() == (25, 0, 5, 0)
    assert PointHold.objects.get(checkout_token="c-old").status == HoldStatus.RELEASED


def test_redemption_spends_the_oldest_lots_first_and_is_idempotent(
    owner: Owner, lots: dict[str, int], now: datetime, balance_of: Balances
) -> None:
    # when
    first = points.redeem_points(owner, "redeem-1", points=12, reason="voucher", order_id="o-5", now=now)
    again = points.redeem_points(owner, "redeem-1", points=12, reason="voucher", order_id="o-5", now=now)

    # then
    assert first.transaction_id == again.transaction_id and not again.created
    assert balance_of() == (18, 0, 0, 0)
    assert [remaining(lots[name]) for name in ("sooner", "later", "never")] == [0, 8, 10]
