"""Credits (earn, bonus): pending points, lots, idempotency keys and their fingerprints, debt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from saleor_loyalty import ledger
from saleor_loyalty.exceptions import AccountNotFound, IdempotencyKeyReused, InvalidInput
from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.models import LedgerEntry, LedgerTransaction, PointLot, SystemCode
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

Balances = Callable[..., tuple[int, int, int, int]]


def test_earned_points_wait_out_the_return_window_as_pending(owner: Owner, now: datetime, balance_of: Balances) -> None:
    # when
    posted = points.credit_points_for_order(
        owner, "o-1", points=125, available_at=now + timedelta(days=14), expires_at=now + timedelta(days=365), now=now
    )

    # then
    assert posted.created and posted.points == 125 and posted.kind == "earn"
    assert balance_of() == (0, 125, 0, 0)
    assert sorted((p.bucket, p.points) for p in posted.postings) == [("pending", 125), ("system", -125)]
    lot = PointLot.objects.get(transaction_id=posted.transaction_id)
    assert (lot.points, lot.remaining, lot.matured) == (125, 125, False)
    assert lot.expires_at == now + timedelta(days=365)


def test_points_available_now_skip_the_pending_bucket(owner: Owner, now: datetime, balance_of: Balances) -> None:
    points.credit_points_for_order(owner, "o-1", points=40, now=now)

    assert balance_of() == (40, 0, 0, 0)
    assert points.get_balance(owner).lifetime_earned == 40


def test_same_key_twice_returns_the_first_result_and_writes_nothing(
    owner: Owner, now: datetime, balance_of: Balances
) -> None:
    # given
    first = points.credit_points_for_order(owner, "o-1", points=40, now=now)
    rows = (LedgerTransaction.objects.count(), LedgerEntry.objects.count(), PointLot.objects.count())

    # when: the hook fires again an hour later (``now`` differs, the arguments do not)
    again = points.credit_points_for_order(owner, "o-1", points=40, now=now + timedelta(hours=1))

    # then
    assert not again.created
    assert (again.transaction_id, again.points, again.postings) == (first.transaction_id, 40, first.postings)
    assert (LedgerTransaction.objects.count(), LedgerEntry.objects.count(), PointLot.objects.count()) == rows
    assert balance_of() == (40, 0, 0, 0)


def test_same_key_with_a_different_request_is_refused(owner: Owner, now: datetime, balance_of: Balances) -> None:
    # given
    points.credit_points_for_order(owner, "o-1", points=40, now=now)

    # then
    with pytest.raises(IdempotencyKeyReused) as caught:
        points.credit_points_for_order(owner, "o-1", points=41, now=now)
    assert caught.value.code == "IDEMPOTENCY_KEY_REUSED"
    assert balance_of() == (40, 0, 0, 0)


def test_bonus_comes_from_the_named_system_account(owner: Owner, now: datetime) -> None:
    posted = points.credit_bonus(
        owner, "referral:7:reward", points=50, reason="referral reward", system_code=SystemCode.REFERRAL_REWARDS,
        now=now,
    )

    system_leg = next(p for p in posted.postings if p.bucket == "system")
    assert ledger.get_system_account_id(SystemCode.REFERRAL_REWARDS) == system_leg.account_id
    assert posted.kind == "bonus"
    with pytest.raises(InvalidInput):
        points.credit_bonus(owner, "k", points=5, reason="x", system_code=SystemCode.EXPIRED, now=now)


def test_earnings_pay_a_debt_first(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given: 100 earned and spent, then the order refunded in full: a debt of 100
    credit(100, order_id="o-1")
    points.redeem_points(owner, "r-1", points=100, reason="voucher", now=now)
    points.reverse_points_for_cancellation("o-1", now=now)
    assert balance_of() == (0, 0, 0, 100)

    # when
    paying = credit(30)
    beyond = credit(100)

    # then
    assert balance_of() == (30, 0, 0, 0)
    assert PointLot.objects.get(transaction_id=paying.transaction_id).remaining == 0
    assert PointLot.objects.get(transaction_id=beyond.transaction_id).remaining == 30


def test_pending_points_pay_the_debt_when_they_mature(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given
    credit(100, order_id="o-1")
    points.redeem_points(owner, "r-1", points=100, reason="voucher", now=now)
    points.reverse_points_for_refund("o-1", refunded_amount=Decimal("50"), order_total=Decimal("100"), now=now)
    pending = credit(80, available_at=now + timedelta(days=14))
    assert balance_of() == (0, 80, 0, 50)

    # when
    points.mature_due_points(now=now + timedelta(days=14))

    # then
    assert balance_of() == (30, 0, 0, 0)
    assert PointLot.objects.get(transaction_id=pending.transaction_id).remaining == 30


def test_unknown_customer_has_no_account(db: None, now: datetime) -> None:
    with pytest.raises(AccountNotFound):
        points.credit_points_for_order(Owner.customer(987654), "o-1", points=5, now=now)
