"""Birthdays: recorded once by the shopper, corrected by staff, and the daily bonus job."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import InvalidInput
from saleor_loyalty.models import BirthdayChange, CustomerLoyalty, LedgerEntry
from saleor_loyalty.services import birthdays, points, rules

pytestmark = pytest.mark.django_db

JAN = datetime(2025, 1, 10, 9, tzinfo=UTC)


@pytest.fixture
def birthday_rule() -> Any:
    return rules.create_earn_rule({"name": "Birthday", "kind": "birthday_bonus", "points": 300})


def balance(user: Any) -> int:
    return points.get_balance(points.Owner.customer(user.pk)).available


@pytest.mark.parametrize("bad", [date(2999, 1, 1), date(1890, 1, 1), datetime(1990, 3, 1, tzinfo=UTC), "1990-03-01"])
def test_a_bad_birthday_is_refused_and_nothing_is_recorded(shopper: Any, bad: Any) -> None:
    with pytest.raises(InvalidInput):
        birthdays.set_own_birthday(shopper.pk, bad, now=JAN)
    assert not CustomerLoyalty.objects.filter(user=shopper, birthday__isnull=False).exists()


def test_a_shopper_sets_the_birthday_once(shopper: Any) -> None:
    # given
    info = birthdays.set_own_birthday(shopper.pk, date(1990, 3, 1), now=JAN)
    assert info.birthday == date(1990, 3, 1)

    # when / then: the same date again is fine, another one is refused and changes nothing
    assert birthdays.set_own_birthday(shopper.pk, date(1990, 3, 1), now=JAN).birthday == date(1990, 3, 1)
    with pytest.raises(birthdays.BirthdayAlreadySet):
        birthdays.set_own_birthday(shopper.pk, date(1990, 1, 10), now=JAN)
    state = CustomerLoyalty.objects.get(user=shopper)
    assert (state.birthday, state.birthday_source, state.birthday_set_at) == (date(1990, 3, 1), "customer", JAN)


def test_staff_correct_a_birthday_and_a_shop_birthday_never_overwrites(shopper: Any, other_customer: Any) -> None:
    birthdays.set_own_birthday(shopper.pk, date(1990, 3, 1), now=JAN)

    assert birthdays.import_shop_birthday(shopper.pk, date(1985, 5, 5), now=JAN) is False
    info = birthdays.correct_birthday(shopper.pk, date(1990, 3, 2), staff_user_id=other_customer.pk,
                                      reason="typo on the form", now=JAN)

    assert info.birthday == date(1990, 3, 2)
    assert CustomerLoyalty.objects.get(user=shopper).birthday_source == "staff"
    # every change is kept: who, from what to what, why
    changes = list(BirthdayChange.objects.filter(user=shopper).order_by("id").values_list(
        "source", "old_birthday", "new_birthday", "changed_by_user_id", "reason"))
    assert changes == [("customer", None, date(1990, 3, 1), None, ""),
                       ("staff", date(1990, 3, 1), date(1990, 3, 2), other_customer.pk, "typo on the form")]
    with pytest.raises(InvalidInput):
        birthdays.correct_birthday(shopper.pk, date(1990, 3, 3), staff_user_id=other_customer.pk, reason="x" * 256)
    assert CustomerLoyalty.objects.get(user=shopper).birthday == date(1990, 3, 2)


def test_the_daily_job_credits_each_birthday_once(shop: Any, customer: Any, other_customer: Any,
                                                   birthday_rule: Any) -> None:
    # given: two customers, one born on 1 March, one on 2 March
    config = ProgramConfig(pending_days=0)
    for user, born in ((customer, date(1990, 3, 1)), (other_customer, date(1991, 3, 2))):
        shop.add_customer(user)
        birthdays.set_own_birthday(user.pk, born, now=JAN)

    # when: the job runs on 1 March, twice (a re-run after a worker died)
    first = birthdays.grant_birthday_bonuses(date(2025, 3, 1), config=config)
    again = birthdays.grant_birthday_bonuses(date(2025, 3, 1), config=config)

    # then: one credit of 300, for the one whose birthday it is
    assert (first.due, first.credited, again.credited, again.already_credited) == (1, 1, 0, 1)
    assert (balance(customer), balance(other_customer)) == (300, 0)
    assert LedgerEntry.objects.filter(transaction__idempotency_key=f"birthday:{customer.pk}:2025").count() == 2

    # and next year it pays again
    assert birthdays.grant_birthday_bonuses(date(2026, 3, 1), config=config).credited == 1
    assert balance(customer) == 600


def test_a_leap_day_birthday_is_celebrated_on_28_february_in_other_years(shopper: Any, birthday_rule: Any) -> None:
    birthdays.set_own_birthday(shopper.pk, date(2000, 2, 29), now=JAN)
    config = ProgramConfig(pending_days=0)

    assert birthdays.grant_birthday_bonuses(date(2025, 2, 28), config=config).credited == 1
    assert birthdays.grant_birthday_bonuses(date(2028, 2, 28), config=config).due == 0
    assert birthdays.grant_birthday_bonuses(date(2028, 2, 29), config=config).credited == 1


def test_a_birthday_recorded_shortly_before_it_falls_earns_nothing_that_year(shopper: Any, birthday_rule: Any) -> None:
    # given: the shopper records "1 March" on 20 February (notice: 30 days)
    birthdays.set_own_birthday(shopper.pk, date(1990, 3, 1), now=datetime(2025, 2, 20, tzinfo=UTC))
    config = ProgramConfig(pending_days=0)

    # then: nothing this year, the bonus next year
    run = birthdays.grant_birthday_bonuses(date(2025, 3, 1), config=config)
    assert (run.due, run.credited, run.skipped) == (1, 0, 1)
    assert balance(shopper) == 0
    assert birthdays.grant_birthday_bonuses(date(2026, 3, 1), config=config).credited == 1
    # with the rule off the same shopper would have been paid at once
    other = birthdays.award_birthday_bonus(
        shopper.pk, config=ProgramConfig(pending_days=0, birthday_notice_days=0), now=datetime(2027, 3, 1, 12, tzinfo=UTC))
    assert other.points == 300


def test_without_a_birthday_rule_the_job_writes_nothing(shopper: Any) -> None:
    birthdays.set_own_birthday(shopper.pk, date(1990, 3, 1), now=JAN)

    run = birthdays.grant_birthday_bonuses(date(2025, 3, 1), config=ProgramConfig())

    assert (run.due, run.credited, run.skipped) == (1, 0, 1)
    assert not LedgerEntry.objects.exists()
