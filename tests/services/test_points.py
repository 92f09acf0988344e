"""The points services as adapters call them: owners (customer or company), balance, statement,
staff adjustments. The ledger's own rules are tested in tests/ledger/."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from saleor_loyalty.exceptions import AccountNotFound, InsufficientPoints, InvalidInput, PointsNotPositive
from saleor_loyalty.models import CompanyMember, LoyaltyAccount, PointLot
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Balance, Owner

pytestmark = pytest.mark.usefixtures("check_deferred_constraints")
DAY = timedelta(days=1)


def test_a_customer_has_one_account_of_their_own(customer: Any) -> None:
    first = points.get_account_for_customer(customer.pk)
    again = points.get_account_for_customer(customer.pk)

    assert first == again
    assert (first.owner_kind, first.user_id, first.company_id) == ("customer", customer.pk, None)


def test_company_buyers_share_the_company_pool(
    company: Any, company_buyer: Any, create_user: Any, now: datetime
) -> None:
    # given: a second buyer
    colleague = create_user()
    CompanyMember.objects.create(company=company, user=colleague)

    # when: one earns, the other redeems
    points.credit_points_for_order(Owner.customer(company_buyer.pk), "o-1", points=100, now=now)
    points.redeem_points(Owner.customer(colleague.pk), "r-1", points=30, reason="voucher", now=now)

    # then
    account = points.get_account_for_customer(colleague.pk)
    assert (account.owner_kind, account.company_id) == ("company", company.pk)
    assert LoyaltyAccount.objects.get(company=company).pk == account.account_id
    for owner in (Owner.customer(company_buyer.pk), Owner.customer(colleague.pk), Owner.company(company.pk)):
        assert points.get_balance(owner) == Balance(account.account_id, 70, 0, 0, 0, 100)
    assert not LoyaltyAccount.objects.filter(user__in=[company_buyer, colleague]).exists()


def test_a_customer_who_leaves_a_company_uses_their_own_account_again(
    company_buyer: Any, now: datetime
) -> None:
    # given
    points.credit_points_for_order(Owner.customer(company_buyer.pk), "o-1", points=100, now=now)

    # when
    CompanyMember.objects.filter(user=company_buyer).delete()

    # then: the points stay with the company
    assert points.get_balance(Owner.customer(company_buyer.pk)).available == 0
    assert points.get_account_for_customer(company_buyer.pk).owner_kind == "customer"


def test_balance_of_an_owner_without_an_account_is_zero_and_creates_nothing(customer: Any) -> None:
    assert points.get_balance(Owner.customer(customer.pk)) == Balance(None, 0, 0, 0, 0, 0)
    assert not LoyaltyAccount.objects.filter(user=customer).exists()


@pytest.mark.parametrize("count", [1, 50])
def test_balances_of_many_owners_take_one_query_whatever_their_number(
    create_user: Any, company: Any, company_buyer: Any, now: datetime, django_assert_num_queries: Any, count: int
) -> None:
    # given: customers with accounts and credits, one without an account, a company member, the company
    users = [create_user() for _ in range(count)]
    for index, user in enumerate(users):
        points.credit_bonus(Owner.customer(user.pk), f"welcome-{user.pk}", points=index + 1, reason="welcome", now=now)
    points.credit_points_for_order(Owner.customer(company_buyer.pk), "o-1", points=40, now=now)
    points.redeem_points(Owner.company(company.pk), "r-1", points=15, reason="voucher", now=now)
    no_account = create_user()
    owners = [Owner.customer(user.pk) for user in users] + [
        Owner.customer(no_account.pk), Owner.customer(company_buyer.pk), Owner.company(company.pk)]

    # when
    with django_assert_num_queries(1):
        balances = points.get_balances(owners)

    # then: the same as one get_balance per owner
    assert balances == {owner: points.get_balance(owner) for owner in owners}
    assert [balances[Owner.customer(user.pk)].available for user in users] == list(range(1, count + 1))
    assert balances[Owner.customer(no_account.pk)] == Balance(None, 0, 0, 0, 0, 0)
    company_balance = balances[Owner.company(company.pk)]
    assert balances[Owner.customer(company_buyer.pk)] == company_balance
    assert (company_balance.available, company_balance.lifetime_earned) == (25, 40)
    assert not LoyaltyAccount.objects.filter(user=no_account).exists()


def test_customer_balances_are_keyed_by_customer_id(
    customer: Any, other_customer: Any, now: datetime, django_assert_num_queries: Any
) -> None:
    points.credit_bonus(Owner.customer(customer.pk), "welcome", points=7, reason="welcome", now=now)

    with django_assert_num_queries(1):
        balances = points.get_customer_balances([customer.pk, other_customer.pk, customer.pk])

    assert {user_id: balance.available for user_id, balance in balances.items()} == {
        customer.pk: 7, other_customer.pk: 0}
    with django_assert_num_queries(0):
        assert points.get_balances([]) == {}


def test_unknown_owners_are_refused(db: None, now: datetime) -> None:
    with pytest.raises(AccountNotFound):
        points.credit_bonus(Owner.company(424242), "k", points=5, reason="welcome", now=now)
    with pytest.raises(AccountNotFound):
        points.credit_bonus(Owner.customer(424242), "k", points=5, reason="welcome", now=now)


def test_statement_lists_entries_newest_first_with_their_story(customer: Any, now: datetime) -> None:
    # given
    owner = Owner.customer(customer.pk)
    points.credit_points_for_order(
        owner, "o-1", points=120, available_at=now + 14 * DAY, expires_at=now + 365 * DAY, rule_id="rule-7", now=now
    )
    points.mature_due_points(now=now + 14 * DAY)
    points.redeem_points(owner, "r-1", points=20, reason="voucher", order_id="o-2", now=now + 15 * DAY)

    # when
    statement = points.get_statement(owner)

    # then
    assert statement.balance.available == 100 and statement.next_before_id is None
    assert [(line.kind, line.bucket, line.points) for line in statement.lines] == [
        ("redeem", "available", -20),
        ("mature", "available", 120),
        ("mature", "pending", -120),
        ("earn", "pending", 120),
    ]
    earn = statement.lines[-1]
    assert (earn.reason, earn.source, earn.created_at) == ("points for order", "order:o-1 rule:rule-7", now)
    assert (earn.available_at, earn.expires_at) == (now + 14 * DAY, now + 365 * DAY)
    assert statement.lines[0].source == "order:o-2" and statement.lines[0].expires_at is None
    assert [line.order_id for line in statement.lines] == ["o-2", "", "", "o-1"]  # maturing names no order


def test_statement_lines_name_their_order_without_a_query_per_line(
    customer: Any, now: datetime, django_assert_num_queries: Any
) -> None:
    # given: order credits and a bonus (no order)
    owner = Owner.customer(customer.pk)
    for index in range(6):
        points.credit_points_for_order(owner, f"o-{index}", points=index + 1, now=now)
    points.credit_bonus(owner, "birthday", points=3, reason="birthday", now=now)

    # when: balance, page of entries, their lots
    with django_assert_num_queries(3):
        statement = points.get_statement(owner)

    # then
    assert [line.order_id for line in statement.lines] == ["", "o-5", "o-4", "o-3", "o-2", "o-1", "o-0"]


def test_statement_pages(customer: Any, now: datetime) -> None:
    # given: five credits, so five entries on the customer's account
    owner = Owner.customer(customer.pk)
    for index in range(5):
        points.credit_points_for_order(owner, f"o-{index}", points=index + 1, now=now)

    # when
    first = points.get_statement(owner, limit=2)
    second = points.get_statement(owner, limit=2, before_entry_id=first.next_before_id)
    last = points.get_statement(owner, limit=2, before_entry_id=second.next_before_id)

    # then
    assert [line.points for line in first.lines + second.lines + last.lines] == [5, 4, 3, 2, 1]
    assert last.next_before_id is None


def test_staff_adjustments_credit_and_debit(customer: Any, now: datetime) -> None:
    # given
    owner = Owner.customer(customer.pk)

    # when
    credit = points.adjust_points(owner, 50, reason="goodwill", staff_user_id=9, expires_at=now + 30 * DAY, now=now)
    debit = points.adjust_points(owner, -20, reason="duplicate order", staff_user_id=9, now=now)

    # then
    assert (credit.kind, credit.points, debit.points) == ("adjust", 50, 20)
    assert points.get_balance(owner).available == 30
    lot = PointLot.objects.get(transaction_id=credit.transaction_id)
    assert (lot.remaining, lot.expires_at) == (30, now + 30 * DAY)
    assert points.get_statement(owner).lines[0].source == "staff:9"


def test_staff_debit_beyond_the_balance_needs_allow_debt(customer: Any, now: datetime) -> None:
    owner = Owner.customer(customer.pk)
    points.adjust_points(owner, 10, reason="goodwill", staff_user_id=9, now=now)

    with pytest.raises(InsufficientPoints):
        points.adjust_points(owner, -25, reason="fraud", staff_user_id=9, now=now)
    points.adjust_points(owner, -25, reason="fraud", staff_user_id=9, allow_debt=True, now=now)

    assert points.get_balance(owner).debt == 15


@pytest.mark.parametrize(
    ("amount", "reason", "error"),
    [(0, "x", PointsNotPositive), (True, "x", PointsNotPositive), (5, " ", InvalidInput)],
)
def test_adjustment_needs_points_and_a_reason(
    customer: Any, now: datetime, amount: Any, reason: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        points.adjust_points(Owner.customer(customer.pk), amount, reason=reason, staff_user_id=9, now=now)


def test_adjustment_with_a_key_is_idempotent(customer: Any, now: datetime) -> None:
    owner = Owner.customer(customer.pk)

    first = points.adjust_points(owner, 10, reason="goodwill", staff_user_id=9, idempotency_key="req-1", now=now)
    again = points.adjust_points(owner, 10, reason="goodwill", staff_user_id=9, idempotency_key="req-1", now=now)

    assert again.transaction_id == first.transaction_id and not again.created
    assert points.get_balance(owner).available == 10
