"""Tier re-evaluation from the order records: upgrades, grace, downgrades, history, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.engine.rules import TierMetric
from saleor_loyalty.engine.outcomes import TierChange
from saleor_loyalty.engine.values import StatKey
from saleor_loyalty.models import CustomerLoyalty, TierChangeRecord
from saleor_loyalty.services import orders, rules, tiers

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder() -> tuple[Any, Any]:
    """Silver from 500 and Gold from 1000 spent in 365 days; Gold keeps for 30 days below."""
    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "500", "window_days": 365})
    gold = rules.create_tier(
        {"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "1000", "window_days": 365, "grace_days": 30}
    )
    return silver, gold


def _paid_order(order_id: str, user: Any, goods: str, placed_at: datetime, config: ProgramConfig) -> None:
    orders.record_order(make_order(order_id, user, placed_at=placed_at, goods=goods))
    orders.credit_order(order_id, config=config, now=placed_at)


def test_stats_count_paid_orders_in_the_window_net_of_refunds(shopper: Any, config: ProgramConfig, now: datetime):
    # given
    _paid_order("old", shopper, "900", now - timedelta(days=400), config)
    _paid_order("a", shopper, "300", now - timedelta(days=10), config)
    _paid_order("b", shopper, "200", now - timedelta(days=5), config)
    orders.refund_order("b", refunded_amount=Decimal("50"), now=now)
    orders.record_order(make_order("unpaid", shopper, placed_at=now, goods="999"))
    _paid_order("gone", shopper, "700", now - timedelta(days=1), config)
    orders.cancel_order("gone", config=config, now=now)

    # when
    keys = [StatKey(TierMetric.SPEND, 365), StatKey(TierMetric.ORDERS, 365), StatKey(TierMetric.POINTS, None)]
    stats = tiers.get_customer_stats(shopper.pk, keys, now=now)

    # then
    today = now.date()
    assert stats.get(TierMetric.SPEND, 365, today=today) == Decimal("450")
    assert stats.get(TierMetric.ORDERS, 365, today=today) == 2
    assert stats.get(TierMetric.POINTS, None, today=today) == 900 + 300 + 200 - 50


def test_upgrade_is_immediate_and_recorded(shopper: Any, ladder: Any, config: ProgramConfig, now: datetime):
    _, gold = ladder
    _paid_order("a", shopper, "1200", now, config)
    decision = tiers.reevaluate_tier(shopper.pk, config=config, now=now)
    assert (decision.tier_id, decision.change) == (gold.pk, TierChange.UPGRADE)
    state = CustomerLoyalty.objects.get(user=shopper)
    assert (state.tier_id, state.tier_since) == (gold.pk, now)
    change = TierChangeRecord.objects.get()
    assert (change.change, change.to_tier_name, change.from_tier_id) == ("upgrade", "Gold", None)


def test_downgrade_waits_for_the_grace_period(shopper: Any, ladder: Any, config: ProgramConfig, now: datetime):
    # given: Gold a year ago, then a smaller order
    silver, gold = ladder
    start = now - timedelta(days=360)
    _paid_order("big", shopper, "1200", start, config)
    tiers.reevaluate_tier(shopper.pk, config=config, now=start)
    _paid_order("small", shopper, "700", now - timedelta(days=1), config)

    # when: the big order leaves the window
    later = now + timedelta(days=10)
    during = tiers.reevaluate_tier(shopper.pk, config=config, now=later)
    still = tiers.reevaluate_tier(shopper.pk, config=config, now=later + timedelta(days=29))
    after = tiers.reevaluate_tier(shopper.pk, config=config, now=later + timedelta(days=30))

    # then
    assert (during.tier_id, during.change, during.below_since) == (gold.pk, TierChange.KEEP, later.date())
    assert still.tier_id == gold.pk
    assert (after.tier_id, after.change) == (silver.pk, TierChange.DOWNGRADE)
    assert CustomerLoyalty.objects.get(user=shopper).below_since is None
    assert [c.change for c in TierChangeRecord.objects.filter(user=shopper)] == ["downgrade", "upgrade"]


def test_deactivated_tier_is_left(shopper: Any, ladder: Any, config: ProgramConfig, now: datetime):
    silver, gold = ladder
    _paid_order("a", shopper, "1200", now, config)
    tiers.reevaluate_tier(shopper.pk, config=config, now=now)
    rules.update_tier(gold.pk, {"is_active": False})
    decision = tiers.reevaluate_tier(shopper.pk, config=config, now=now)
    assert decision.tier_id == silver.pk
    assert CustomerLoyalty.objects.get(user=shopper).tier_id == silver.pk
    assert list(CustomerLoyalty.objects.filter(tier=silver).values_list("user_id", flat=True)) == [shopper.pk]


def test_tenure_tiers_use_the_shop_sign_up_date(shop: FakeShop, customer: Any, config: ProgramConfig, now: datetime):
    shop.add_customer(customer, date_joined=datetime(2020, 1, 1, tzinfo=UTC))
    veteran = rules.create_tier({"name": "Veteran", "slug": "veteran", "rank": 1, "metric": "tenure", "threshold": "1000"})
    assert tiers.reevaluate_tier(customer.pk, config=config, now=now).tier_id == veteran.pk


def test_tiers_switched_off_change_nothing(shopper: Any, ladder: Any, now: datetime):
    config = ProgramConfig(pending_days=0, tiers_enabled=False)
    _paid_order("a", shopper, "1200", now, config)
    tiers.reevaluate_tier(shopper.pk, config=config, now=now)
    assert CustomerLoyalty.objects.get(user=shopper).tier_id is None
