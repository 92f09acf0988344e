"""The order and customer Celery tasks, run eagerly (tests/celery_app.py): credit once, then tiers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from saleor_loyalty import tasks
from saleor_loyalty.config import ProgramConfig, config_as_items
from saleor_loyalty.exceptions import OrderNotFound
from saleor_loyalty.models import Company, CompanyMember, CustomerLoyalty, LedgerTransaction
from saleor_loyalty.services import orders, points, rules
from tests.celery_app import app

from .helpers import make_order

pytestmark = pytest.mark.django_db

# What the adapter passes: the plugin's configuration as JSON items (points available at once).
CONFIG = config_as_items(ProgramConfig(pending_days=0, base_currency="EUR"))


@pytest.fixture
def recent() -> datetime:
    return timezone.now() - timedelta(days=1)


@pytest.fixture
def silver(db: None) -> Any:
    """Customers and companies with 100.00 paid in 30 days hold Silver."""
    return rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "100",
                              "window_days": 30})


def _tier_of(user: Any) -> int | None:
    return CustomerLoyalty.objects.filter(user=user).values_list("tier_id", flat=True).first()


def test_credit_order_task_credits_once_then_moves_the_customer_up(shopper: Any, silver: Any, recent: datetime):
    # given a recorded 150.00 order
    orders.record_order(make_order("o1", shopper, placed_at=recent, goods="150.00"))
    assert app.conf.task_always_eager and _tier_of(shopper) is None

    # when the task runs twice (Saleor's events can fire more than once)
    first = tasks.credit_order_task.delay("o1", CONFIG).get()
    second = tasks.credit_order_task.delay("o1", CONFIG).get()

    # then the points were credited once, with the passed configuration (available at once)
    assert (first, second) == (150, 150)
    balance = points.get_balance(points.Owner.customer(shopper.pk))
    assert (balance.available, balance.pending) == (150, 0)
    assert LedgerTransaction.objects.filter(idempotency_key="order:o1:earn").count() == 1
    # and the paid order moved the customer up
    assert _tier_of(shopper) == silver.pk


def test_credit_order_task_re_evaluates_the_company_tier(
    shopper: Any, create_user: Any, shop: Any, silver: Any, recent: datetime
):
    # given two buyers of one company: 60.00 already paid by one, 50.00 recorded for the other
    company = Company.objects.create(name="Acme Supplies", slug="acme")
    colleague = create_user()
    shop.add_customer(colleague)
    for member in (shopper, colleague):
        CompanyMember.objects.create(company=company, user=member)
    orders.record_order(make_order("o1", colleague, placed_at=recent, goods="60.00"))
    tasks.credit_order_task.delay("o1", CONFIG).get()
    orders.record_order(make_order("o2", shopper, placed_at=recent, goods="50.00"))
    company.refresh_from_db()
    assert company.tier_id is None

    # when the second order is credited
    tasks.credit_order_task.delay("o2", CONFIG).get()

    # then the company crossed 100.00 together; neither buyer did alone
    company.refresh_from_db()
    assert company.tier_id == silver.pk
    assert (_tier_of(shopper), _tier_of(colleague)) == (None, None)
    assert points.get_balance(points.Owner.company(company.pk)).available == 110


def test_refresh_customer_task_re_evaluates_the_tier(shopper: Any, silver: Any, recent: datetime):
    # given a paid order credited without the task (no re-evaluation yet)
    orders.record_order(make_order("o1", shopper, placed_at=recent, goods="120.00"))
    orders.credit_order("o1", config=ProgramConfig(pending_days=0, base_currency="EUR"))
    assert _tier_of(shopper) is None

    # when / then
    assert tasks.refresh_customer_task.delay(shopper.pk, CONFIG).get() == silver.pk
    assert _tier_of(shopper) == silver.pk
    # and without a configuration the defaults apply (tiers on)
    assert tasks.refresh_customer_task.delay(shopper.pk).get() == silver.pk


@pytest.mark.parametrize("error", [OperationalError("deadlock detected"),
                                   InterfaceError("connection already closed")])
def test_transient_database_errors_are_retried(shopper: Any, recent: datetime, error: Exception):
    # given a recorded order whose first credit attempt hits a transient error
    orders.record_order(make_order("o1", shopper, placed_at=recent, goods="40.00"))
    real = orders.credit_order
    attempts: list[str] = []

    def flaky(order_id: str, **kwargs: Any) -> orders.CreditResult:
        attempts.append(order_id)
        if len(attempts) == 1:
            raise error
        return real(order_id, **kwargs)

    # when: throw=False lets the eager run go through Celery's retry path
    with mock.patch.object(orders, "credit_order", side_effect=flaky):
        result = tasks.credit_order_task.apply(args=("o1", CONFIG), throw=False)

    # then
    assert result.get() == 40
    assert attempts == ["o1", "o1"]
    assert points.get_balance(points.Owner.customer(shopper.pk)).available == 40


def test_an_order_never_recorded_fails_at_once(db: None):
    with mock.patch.object(orders, "credit_order", wraps=orders.credit_order) as credit:
        result = tasks.credit_order_task.apply(args=("nope", CONFIG), throw=False)

    assert isinstance(result.result, OrderNotFound)
    assert credit.call_count == 1


def test_retry_policy_of_the_order_tasks():
    for task in (tasks.credit_order_task, tasks.refresh_customer_task):
        assert task.autoretry_for == (OperationalError, InterfaceError)
        assert (task.retry_backoff, task.retry_backoff_max, task.max_retries, task.retry_jitter) == (5, 300, 5, True)
