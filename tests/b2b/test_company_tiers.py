"""Company tiers: qualified on the combined orders of the company's members."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.engine import rules as engine
from saleor_loyalty.engine.rules import TierMetric
from saleor_loyalty.models import Company, CompanyTierChange, OrderStatus, Tier
from saleor_loyalty.services.b2b import companies, company_tiers
from saleor_loyalty.services.b2b.company_tiers import get_company_stats
from saleor_loyalty.services.rules.loader import to_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def silver(db: None) -> Tier:
    return Tier.objects.create(name="Silver", slug="silver", rank=1, metric="spend", threshold=Decimal(10_000), window_days=365)


@pytest.fixture
def gold(db: None) -> Tier:
    return Tier.objects.create(
        name="Gold", slug="gold", rank=2, metric="spend", threshold=Decimal(50_000), window_days=365, grace_days=30
    )


def test_stats_combine_the_members_paid_orders_net_of_refunds(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, make_order: Callable[..., Any], now: datetime
):
    # given the docstring's orders, plus orders that must not count
    make_order(acme.company_id, "6000.00", user=acme_admin)
    make_order(acme.company_id, "5000.00", user=acme_buyer, refunded="1500.00")
    make_order(acme.company_id, "700.00", status=OrderStatus.CANCELLED)
    make_order(acme.company_id, "800.00", status=OrderStatus.REFUNDED, refunded="800.00")
    make_order(acme.company_id, "900.00", status=OrderStatus.PLACED)
    make_order(acme.company_id, "400.00", placed_at=now - timedelta(days=400))
    make_order(None, "9999.00", user=acme_buyer)
    tiers = [
        engine.Tier(1, "a", 1, TierMetric.SPEND, Decimal(1), window_days=365),
        engine.Tier(2, "b", 2, TierMetric.ORDERS, Decimal(1), window_days=365),
        engine.Tier(3, "c", 3, TierMetric.SPEND, Decimal(1)),
    ]

    # when
    stats = get_company_stats([acme.company_id], tiers, now=now)[acme.company_id]

    # then
    today = now.date()
    assert stats.get(TierMetric.SPEND, 365, today=today) == Decimal("9500.00")
    assert stats.get(TierMetric.ORDERS, 365, today=today) == 2
    assert stats.get(TierMetric.SPEND, None, today=today) == Decimal("9900.00")


def test_stats_for_every_company_take_one_query(acme: companies.CompanyInfo, make_order: Callable[..., Any],
                                                silver: Tier, now: datetime):
    other = companies.create_company("Globex")
    make_order(acme.company_id, "100")
    make_order(other.company_id, "250")

    with CaptureQueriesContext(connection) as queries:
        stats = get_company_stats(None, [to_tier(silver)], now=now)

    assert len(queries) == 2  # the companies, then one aggregate over all their orders
    assert stats[other.company_id].get(TierMetric.SPEND, 365, today=now.date()) == Decimal(250)


def test_a_company_crossing_a_threshold_moves_up_at_once_and_its_members_buy_with_it(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, make_order: Callable[..., Any],
    silver: Tier, gold: Tier, now: datetime,
):
    # given two buyers whose orders only together pass Silver
    make_order(acme.company_id, "6000", user=acme_admin)
    make_order(acme.company_id, "4000", user=acme_buyer)

    # when
    result = company_tiers.evaluate_company_tier(acme.company_id, now=now)

    # then
    assert (result.tier_id, result.previous_tier_id, result.change) == (silver.pk, None, "upgrade")
    assert result.progress is not None and result.progress.missing == Decimal(40000)
    company = Company.objects.get(pk=acme.company_id)
    assert (company.tier_id, company.tier_since) == (silver.pk, now)
    change = CompanyTierChange.objects.get(company_id=acme.company_id)
    assert (change.to_tier_name, change.change) == ("Silver", "upgrade")
    context = companies.get_buyer_context(acme_buyer.pk, own_tier_id=None, own_customer_type_id=None)
    assert context.tier_id == silver.pk


def test_a_company_below_its_tier_keeps_it_for_the_grace_days_then_moves_down(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], silver: Tier, gold: Tier, now: datetime
):
    # given Gold reached a year ago with 60,000, and 12,000 spent recently
    make_order(acme.company_id, "60000", placed_at=now - timedelta(days=360))
    make_order(acme.company_id, "12000", placed_at=now - timedelta(days=10))
    assert company_tiers.evaluate_company_tier(acme.company_id, now=now).tier_id == gold.pk

    # when the big order leaves the 365-day window
    later = now + timedelta(days=10)
    kept = company_tiers.evaluate_company_tier(acme.company_id, now=later)

    # then Gold is kept for 30 days, and lost to Silver after them
    assert (kept.tier_id, kept.change, kept.grace_until) == (gold.pk, "keep", later.date() + timedelta(days=30))
    assert Company.objects.get(pk=acme.company_id).tier_below_since == later.date()
    moved = company_tiers.evaluate_company_tier(acme.company_id, now=later + timedelta(days=30))
    assert (moved.tier_id, moved.change) == (silver.pk, "downgrade")
    assert Company.objects.get(pk=acme.company_id).tier_below_since is None
    assert CompanyTierChange.objects.filter(company_id=acme.company_id).count() == 2


def test_evaluate_all_reports_only_companies_that_changed(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], silver: Tier, now: datetime
):
    quiet = companies.create_company("Quiet")
    asleep = companies.create_company("Asleep")
    companies.update_company(asleep.company_id, is_active=False)
    make_order(acme.company_id, "10000")
    make_order(asleep.company_id, "10000")

    changed = company_tiers.evaluate_company_tiers(now=now)

    assert [(result.company_id, result.tier_id) for result in changed] == [(acme.company_id, silver.pk)]
    assert Company.objects.get(pk=quiet.company_id).tier_id is None
    assert Company.objects.get(pk=asleep.company_id).tier_id is None


def test_progress_names_the_next_tier(acme: companies.CompanyInfo, make_order: Callable[..., Any],
                                      silver: Tier, gold: Tier, now: datetime):
    make_order(acme.company_id, "12500.50")
    company_tiers.evaluate_company_tier(acme.company_id, now=now)

    hint = company_tiers.get_company_tier_progress(acme.company_id, now=now)

    assert hint is not None
    assert (hint.tier_id, hint.have, hint.missing) == (gold.pk, Decimal("12500.50"), Decimal("37499.50"))
