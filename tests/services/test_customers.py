"""Customer snapshot, birthday and bonuses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import NotFound
from saleor_loyalty.models import CompanyMember, CustomerLoyalty
from saleor_loyalty.services import customers, points, rules

from .fakes import FakeShop

pytestmark = pytest.mark.django_db


def test_snapshot_combines_shop_facts_company_tier_and_points(shop: FakeShop, customer: Any, company: Any, now: datetime):
    # given
    shop.add_customer(customer, customer_type_id=7, orders_count=3, date_joined=datetime(2023, 5, 2, tzinfo=UTC))
    CompanyMember.objects.create(company=company, user=customer)
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "orders", "threshold": "1"})
    CustomerLoyalty.objects.create(user=customer, tier=tier, tier_since=now, birthday=date(1990, 3, 1))
    points.credit_bonus(points.Owner.customer(customer.pk), "seed", points=40, reason="test", now=now)

    # when
    snapshot = customers.build_customer_snapshot(customer.pk, now=now)

    # then: a member's points are the company's pool
    assert (snapshot.customer_type_id, snapshot.company_id, snapshot.tier_id) == (7, company.pk, tier.pk)
    assert (snapshot.orders_count, snapshot.signed_up_on, snapshot.birthday) == (3, date(2023, 5, 2), date(1990, 3, 1))
    assert snapshot.available_points == 40


def test_a_member_buys_with_the_company_type_and_the_better_tier(
    shop: FakeShop, customer: Any, company: Any, now: datetime
):
    # given: the member holds Silver, the company Gold and its own customer type
    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "orders", "threshold": "1"})
    gold = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 2, "metric": "orders", "threshold": "5"})
    shop.add_customer(customer, customer_type_id=7)
    CustomerLoyalty.objects.create(user=customer, tier=silver, tier_since=now)
    company.customer_type_id, company.tier, company.tier_since = 42, gold, now
    company.save()
    CompanyMember.objects.create(company=company, user=customer)

    # then: the company's type and tier
    snapshot = customers.build_customer_snapshot(customer.pk, now=now, with_points=False)
    assert (snapshot.company_id, snapshot.customer_type_id, snapshot.tier_id) == (company.pk, 42, gold.pk)

    # when: the company is deactivated, the member buys as themselves again
    company.is_active = False
    company.save()
    snapshot = customers.build_customer_snapshot(customer.pk, now=now, with_points=False)
    assert (snapshot.company_id, snapshot.customer_type_id, snapshot.tier_id) == (None, 7, silver.pk)


def test_unknown_customer_is_not_found(shop: FakeShop, now: datetime):
    with pytest.raises(NotFound):
        customers.build_customer_snapshot(123456, now=now)




def test_signup_bonus_is_given_once(shopper: Any, config: ProgramConfig, now: datetime):
    rules.create_earn_rule({"name": "Welcome", "kind": "signup_bonus", "points": 150})
    first = customers.award_signup_bonus(shopper.pk, config=config, now=now)
    again = customers.award_signup_bonus(shopper.pk, config=config, now=now)
    assert (first.points, first.created, again.points) == (150, True, 0)
    assert points.get_balance(points.Owner.customer(shopper.pk)).available == 150


def test_no_signup_rule_writes_nothing(shopper: Any, config: ProgramConfig, now: datetime):
    result = customers.award_signup_bonus(shopper.pk, config=config, now=now)
    assert result.points == 0
    assert not CustomerLoyalty.objects.get(user=shopper).signup_bonus_given


