"""B2B inside Saleor: two buyers of one company earn into its shared pool through real orders,
the company crosses a tier and both buy at its price, and its volume rebate is paid once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_loyalty.models import LoyaltyAccount, RebateStatement
from saleor_loyalty.services.b2b import companies, rebates
from saleor_loyalty.services import points, rules
from saleor_loyalty.services.b2b.rebate_periods import get_period_end, get_period_start
from saleor_loyalty.services.b2b.rebates import Band

from .storefront import amount, create_checkout, get_checkout, pay_and_complete, set_delivery


@pytest.fixture
def acme(db, customer_user, customer_user2):
    company = companies.create_company("Acme Supplies")
    staff = companies.Actor.staff()
    companies.add_member(company.company_id, customer_user.pk, by=staff, role="admin")
    companies.add_member(company.company_id, customer_user2.pk, by=staff)
    return company


@pytest.fixture
def gold_prices(db):
    """Gold: 30.00 spent in a year; its holders pay 10% less on every line."""
    gold = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "30",
                              "window_days": 365})
    price_list = rules.create_price_list(
        {"name": "Gold prices", "currency": "USD", "audience_kind": "tier", "tier_id": gold.pk})
    rules.create_price_list_entry(price_list.pk, {"target_kind": "all", "breaks": [{"min_quantity": 1, "percent_off": "10"}]})
    return gold


@pytest.fixture
def monthly_rebate(db):
    """5% of a month's spend from 10.00, paid in points worth 0.01 USD each."""
    starts_on = get_period_start("month", datetime.now(UTC).date())
    return rebates.create_rebate_program(
        name="Volume rebate", period="month", currency="USD", bands=[Band(Decimal("10"), Decimal("5"))],
        starts_on=starts_on, point_value=Decimal("0.01"),
    )


def buy(client, variant, quantity, email):
    checkout_id = create_checkout(client, [(variant, quantity)], email=email)
    set_delivery(client, checkout_id)
    return pay_and_complete(client, checkout_id)


def company_balance(company):
    return points.get_balance(points.Owner.company(company.company_id))


def test_two_buyers_share_the_pool_reach_the_company_tier_and_get_the_rebate_once(
    loyalty_plugin, user_api_client, user2_api_client, customer_user, customer_user2, acme, gold_prices,
    monthly_rebate, product, shipping_method, channel_USD,
):
    variant = product.variants.first()

    # when: each buyer places and pays an order of 2 x 10.00 (shipping earns nothing)
    buy(user_api_client, variant, 2, customer_user.email)
    assert companies.get_membership(customer_user.pk).tier_id is None  # 20.00: not Gold yet
    buy(user2_api_client, variant, 2, customer_user2.email)

    # then: both orders earned into the company's pool, none into a personal account
    assert company_balance(acme).pending == 40
    assert not LoyaltyAccount.objects.filter(user__in=[customer_user, customer_user2]).exists()

    # and: 40.00 together crossed Gold (neither buyer alone did), so either buyer's next
    # checkout shows the company's tier price on the line and in the total
    assert companies.get_membership(customer_user2.pk).tier_id == gold_prices.pk
    for client, user in ((user_api_client, customer_user), (user2_api_client, customer_user2)):
        checkout = get_checkout(client, create_checkout(client, [(variant, 3)], email=user.email))
        assert amount(checkout["lines"][0]["unitPrice"]) == Decimal("9.00")
        assert amount(checkout["totalPrice"]) == Decimal("27.00")

    # when: the month is over and its rebate period is closed
    after_period = datetime.combine(get_period_end("month", monthly_rebate.starts_on), datetime.min.time(), UTC)
    before = company_balance(acme)
    first = rebates.close_rebate_period(monthly_rebate.pk, monthly_rebate.starts_on, now=after_period + timedelta(hours=1))

    # then: 5% of the company's 40.00 = 2.00 USD = 200 points, credited to the pool
    statement = RebateStatement.objects.get(program=monthly_rebate, company_id=acme.company_id)
    assert (statement.orders_count, statement.spend, statement.points) == (2, Decimal("40.00"), 200)
    assert (first.already_closed, first.credited) == (False, 1)
    credited = company_balance(acme)
    assert credited.available + credited.pending == before.available + before.pending + 200

    # when: the period is closed again (a retried task, a second worker)
    second = rebates.close_rebate_period(monthly_rebate.pk, monthly_rebate.starts_on, now=after_period + timedelta(hours=2))

    # then: nothing more is credited
    assert (second.already_closed, second.credited) == (True, 0)
    assert company_balance(acme) == credited
    assert RebateStatement.objects.filter(program=monthly_rebate).count() == 1
