"""The daily liability snapshots: exact to the point, append-only, reconciled, exported as CSV."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import InvalidInput
from saleor_loyalty.ledger.checks import find_ledger_problems
from saleor_loyalty.models import LiabilitySnapshot
from saleor_loyalty.services import liability, points

pytestmark = pytest.mark.django_db

DAY1, DAY2 = date(2026, 3, 1), date(2026, 3, 2)
CONFIG = ProgramConfig(point_value=Decimal("0.01"))


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def two_days(customer: Any, other_customer: Any) -> None:
    """Day 1: an order earns 1,000 (available at once), a bonus 200, a staff adjustment +50.
    Day 2: 300 redeemed, 100 expire, a refund reverses 250 of the order, a hold of 40 stays open."""
    ann, ben = points.Owner.customer(customer.pk), points.Owner.customer(other_customer.pk)
    points.credit_points_for_order(ann, "o-1", points=1000, available_at=at(DAY1, 9), now=at(DAY1, 9))
    points.credit_bonus(ben, "bonus:ben", points=200, reason="welcome", expires_at=at(DAY2, 12), now=at(DAY1, 10))
    points.adjust_points(ann, 50, reason="goodwill", staff_user_id=customer.pk, idempotency_key="adj-1", now=at(DAY1, 11))
    points.redeem_points(ann, "redeem-1", points=300, reason="paid with points", now=at(DAY2, 8))
    points.expire_due_points(now=at(DAY2, 13))
    points.reverse_points_for_refund("o-1", refunded_amount=Decimal("25"), order_total=Decimal("100"), now=at(DAY2, 14))
    points.hold_points_for_checkout(ann, "checkout-1", points=40, expires_at=at(DAY2, 23), now=at(DAY2, 15))


def test_snapshots_reconcile_to_the_point(two_days: None) -> None:
    # when
    (first,) = liability.take_liability_snapshot(DAY1, config=CONFIG, now=at(DAY2, 23))
    (second,) = liability.take_liability_snapshot(DAY2, config=CONFIG, now=at(DAY2 + timedelta(days=1), 1))

    # then: day 1 holds what was credited, day 2 what is left, and the movements explain the change
    assert (first.available, first.pending, first.held, first.earned, first.adjusted) == (1250, 0, 0, 1200, 50)
    assert (second.redeemed, second.expired, second.reversed) == (-300, -200, -250)
    assert (second.available, second.held) == (1250 - 300 - 200 - 250 - 40, 40)
    assert first.outstanding + second.earned + second.redeemed + second.expired + second.reversed + second.adjusted \
        == second.outstanding == 500
    assert second.value == Decimal("5.00") and second.point_value == Decimal("0.01")
    # breakage: 200 expired and 300 redeemed in the window -> 0.4 of the 500 outstanding
    assert (second.breakage_rate, second.expected_breakage) == (Decimal("0.400000"), 200)
    assert not [p for p in find_ledger_problems(now=at(DAY2, 23)) if p.check.startswith("liability")]


def test_a_day_is_written_once_and_never_changed(two_days: None) -> None:
    first = liability.take_liability_snapshot(DAY1, config=CONFIG, now=at(DAY2, 23))
    again = liability.take_liability_snapshot(DAY1, config=ProgramConfig(point_value=Decimal("1")),
                                              now=at(DAY2, 23))

    assert [row.pk for row in again] == [row.pk for row in first] and again[0].value == first[0].value
    with pytest.raises(IntegrityError), transaction.atomic():
        LiabilitySnapshot.objects.filter(day=DAY1).update(available=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiabilitySnapshot.objects.filter(day=DAY1).delete()


def test_a_day_not_over_is_refused(db: None) -> None:
    with pytest.raises(InvalidInput):
        liability.take_liability_snapshot(DAY1, config=CONFIG, now=at(DAY1, 20))
    assert not LiabilitySnapshot.objects.exists()


def test_reconcile_finds_a_snapshot_that_does_not_explain_its_day(two_days: None) -> None:
    liability.take_liability_snapshot(DAY1, config=CONFIG, now=at(DAY2, 23))
    # given: a day-2 row written around the service, with a wrong movement
    with connection.cursor() as cursor:
        cursor.execute("""INSERT INTO loyalty_liability_snapshot (day, as_of, channel, currency, available, pending,
            held, earned, redeemed, expired, reversed, adjusted, point_value, value, breakage_rate,
            breakage_window_days, expected_breakage, created_at)
            VALUES (%s, %s, '', 'USD', 470, 0, 40, 0, -300, -200, -200, 0, 0.01, 5, 0, 365, 0, now())""",
                       [DAY2, at(DAY2 + timedelta(days=1), 0)])

    problems = [p.check for p in find_ledger_problems(now=at(DAY2, 23))]

    assert "liability movements" in problems  # 1250 - 700 is not the 510 it claims
    assert "liability snapshot" in problems   # the ledger says 460 available, not 470


def test_missing_days_are_filled_in_and_exported_as_csv(two_days: None, tmp_path: Any) -> None:
    liability.take_liability_snapshot(DAY1, config=CONFIG, now=at(DAY2, 23))

    written = liability.take_missing_snapshots(config=CONFIG, now=at(DAY2 + timedelta(days=2), 6))

    assert written == 2  # day 2 and day 3
    out = tmp_path / "liability.csv"
    call_command("loyalty_liability", "--from", "2026-03-01", "--to", "2026-03-03", "--currency", "USD",
                 "--output", str(out), stderr=io.StringIO())
    lines = out.read_text().splitlines()
    assert lines[0].startswith("day,channel,currency,available,pending,held,outstanding,earned")
    assert [line.split(",")[0] for line in lines[1:]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    assert lines[3].split(",")[6] == "500"  # day 3: nothing moved


def test_the_command_refuses_bad_dates(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("loyalty_liability", "--from", "2026-02-30")
    with pytest.raises(CommandError):
        call_command("loyalty_liability", "--from", "2026-03-05", "--to", "2026-03-01")


def test_each_channel_gets_its_own_row_at_its_own_point_value(customer: Any, other_customer: Any) -> None:
    from saleor_loyalty.models import OrderRecord
    from saleor_loyalty.services import channels

    # given: a PLN channel whose point is worth 0.04, an order in each channel, a bonus in none
    channels.set_channel_terms(channels.ChannelTermsInput(channel="pl", currency="PLN", point_value=Decimal("0.04")))
    for order_id, user, channel, currency in (("w-1", customer, "web", "USD"), ("p-1", other_customer, "pl", "PLN")):
        OrderRecord.objects.create(order_id=order_id, user=user, email=user.email, channel=channel, currency=currency,
                                   goods_total=Decimal("100"), status="paid", placed_at=at(DAY1, 8), paid_at=at(DAY1, 8))
    ann, ben = points.Owner.customer(customer.pk), points.Owner.customer(other_customer.pk)
    points.credit_points_for_order(ann, "w-1", points=100, available_at=at(DAY1, 9), now=at(DAY1, 9))
    points.credit_points_for_order(ben, "p-1", points=500, available_at=at(DAY1, 9), now=at(DAY1, 9))
    points.credit_bonus(ann, "bonus:ann", points=30, reason="welcome", now=at(DAY1, 10))

    # when
    rows = liability.take_liability_snapshot(DAY1, config=CONFIG, now=at(DAY2, 1))

    # then: one row per channel, each valued in its own currency at its own point value
    figures = {(row.channel, row.currency): (row.outstanding, row.point_value, row.value_in_currency) for row in rows}
    assert figures == {
        ("", "USD"): (30, Decimal("0.01"), Decimal("0.30")),       # the bonus: tied to no order
        ("pl", "PLN"): (500, Decimal("0.04"), Decimal("20.00")),
        ("web", "USD"): (100, Decimal("0.01"), Decimal("1.00")),
    }
    assert sum(row.outstanding for row in rows) == 630
    assert not [p for p in find_ledger_problems(now=at(DAY2, 1)) if p.check.startswith("liability")]
