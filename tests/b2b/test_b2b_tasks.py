"""The B2B Celery tasks, run eagerly (tests/celery_app.py): rebate periods and company tiers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty import tasks
from saleor_loyalty.models import Company, RebateStatement, Tier
from saleor_loyalty.services.b2b import companies, rebates
from saleor_loyalty.services import points
from saleor_loyalty.services.b2b.rebate_periods import get_period_end, get_period_start
from tests.celery_app import app

pytestmark = pytest.mark.django_db


def test_the_rebate_task_closes_last_month_once(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[rebates.Band]
):
    # given a program that started last month, and 10,000 spent then
    today = timezone.now().date()
    last_month = get_period_start("month", get_period_start("month", today) - timedelta(days=1))
    rebates.create_rebate_program(name="Monthly", period="month", currency="EUR", bands=volume_bands,
                                  starts_on=last_month, point_value=Decimal("0.01"))
    make_order(acme.company_id, "10000", placed_at=timezone.now().replace(
        year=last_month.year, month=last_month.month, day=1))
    assert app.conf.task_always_eager

    # when the task runs twice
    first = tasks.close_rebate_periods_task.delay().get()
    second = tasks.close_rebate_periods_task.delay().get()

    # then one period was closed and paid once
    assert (first, second) == (1, 0)
    statement = RebateStatement.objects.get()
    assert (statement.period_start, statement.period_end) == (last_month, get_period_end("month", last_month))
    assert points.get_balance(points.Owner.company(acme.company_id)).available == 20_000


def test_the_company_tier_tasks(acme: companies.CompanyInfo, make_order: Callable[..., Any]):
    silver = Tier.objects.create(name="Silver", slug="silver", rank=1, metric="spend", threshold=Decimal(100),
                                 window_days=30)
    make_order(acme.company_id, "150", placed_at=timezone.now() - timedelta(days=1))

    assert tasks.evaluate_company_tier_task.delay(acme.company_id).get() == silver.pk
    assert tasks.evaluate_company_tiers_task.delay().get() == 0  # nothing changed since
    assert Company.objects.get(pk=acme.company_id).tier_id == silver.pk


def test_a_period_is_not_closed_before_it_ends(monthly_program: Any):
    today = timezone.now().date()
    rebates.update_rebate_program(monthly_program.pk, settle_days=0)
    current = get_period_start("month", today)

    tasks.close_rebate_periods_task.delay().get()

    assert not RebateStatement.objects.filter(period_start__gte=current).exists()
    assert monthly_program.closed_periods.filter(period_start=current).count() == 0
    assert monthly_program.closed_periods.filter(period_start=date(2025, 1, 1)).exists()
