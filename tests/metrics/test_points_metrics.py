"""Points metrics (issued, reversed, redeemed, expired, outstanding, liability, cost) from the ledger.

The ledger, written through the points services with explicit times:

    A   2025-01-01 bonus 30, expiring 2025-03-15        (January: before the period)
        2025-02-10 earn 100 on order a-feb              (February: before the period)
        2025-03-06 earn 150 on order a-mar (web)
        2025-03-16 the 30 bonus points expire
        2025-03-21 redeem 80 on order a-mar
        2025-04-05 earn 500 on order a-apr              (after the period)
    B   2025-03-11 earn 85 on order b-mar (web)
        2025-03-12 refund of half the order: floor(85 x 42.50 / 85.00) = 42 reversed
        2025-03-13 staff correction -10
    Acme (company account) 2025-03-12 earn 40 on order acme-mar (channel b2b)

By hand, March, all channels:
    issued 150 + 85 + 40 = 275; reversed 42 + 10 = 52 (net 223); redeemed 80; expired 30
    outstanding at 1 April: A 30 + 100 + 150 - 30 - 80 = 170, B 85 - 42 - 10 = 33, Acme 40 = 243
    liability 243 x 0.01 = 2.43 EUR; redemption rate 80 / 223 = 35.87 %; breakage 30 / 223 = 13.45 %
    program cost = redeemed value 80 x 0.01 = 0.80 (no tier prices or gifts recorded)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.models import CustomerLoyalty, Tier, TierChangeRecord
from saleor_loyalty.services import points
from saleor_loyalty.services.metrics import GroupBy, calculate_program_metrics, parse_period
from saleor_loyalty.services.points import Owner

from .conftest import at

MARCH = parse_period("2025-03")
D = Decimal


@pytest.fixture
def people(create_user: Callable[..., Any], db: None) -> dict[str, Any]:
    return {name: create_user() for name in "AB"}


@pytest.fixture
def ledger(people: dict[str, Any], company: Any, make_order: Callable[..., Any]) -> dict[str, Any]:
    a, b = Owner.customer(people["A"].pk), Owner.customer(people["B"].pk)
    make_order(people["A"], "2025-02-10", "100.00", order_id="a-feb")
    make_order(people["A"], "2025-03-06", "150.00", order_id="a-mar")
    make_order(people["B"], "2025-03-11", "85.00", order_id="b-mar")
    make_order(None, "2025-03-12", "40.00", order_id="acme-mar", channel="b2b", company=company)
    points.credit_bonus(a, "signup:A", points=30, reason="welcome", now=at("2025-01-01"), expires_at=at("2025-03-15"))
    points.credit_points_for_order(a, "a-feb", points=100, now=at("2025-02-10"))
    points.credit_points_for_order(a, "a-mar", points=150, now=at("2025-03-06"))
    points.expire_due_points(now=at("2025-03-16"))
    points.redeem_points(a, "redeem:a-mar", points=80, reason="paid with points", order_id="a-mar", now=at("2025-03-21"))
    points.credit_points_for_order(a, "a-apr", points=500, now=at("2025-04-05"))
    points.credit_points_for_order(b, "b-mar", points=85, now=at("2025-03-11"))
    points.reverse_points_for_refund("b-mar", refunded_amount=D("42.50"), order_total=D("85.00"), now=at("2025-03-12"))
    points.adjust_points(b, -10, reason="correction", staff_user_id=1, now=at("2025-03-13"))
    points.credit_points_for_order(Owner.company(company.pk), "acme-mar", points=40, now=at("2025-03-12"))
    return people


def report(**options: Any) -> Any:
    options.setdefault("point_value", D("0.01"))
    options.setdefault("currency", "EUR")
    return calculate_program_metrics(MARCH, **options)


def test_points_flows_and_liability_match_the_hand_computed_figures(ledger: dict[str, Any]) -> None:
    row = report().overall

    assert (row.points_issued, row.points_reversed, row.points_redeemed, row.points_expired) == (275, 52, 80, 30)
    assert (row.outstanding_points, row.liability) == (243, D("2.43"))
    assert (row.redemption_rate, row.breakage_rate) == (D("35.87"), D("13.45"))
    assert (row.redeemed_value, row.program_cost) == (D("0.80"), D("0.80"))


def test_per_channel_only_that_channels_orders_count(ledger: dict[str, Any]) -> None:
    # web: earn 150 (a-mar) + 85 (b-mar); reversal 42 (b-mar); redeem 80 (a-mar). The staff
    # correction, the expiry and the balances belong to no order: left out / undefined.
    row = report(channel="web", currency=None).overall

    assert (row.points_issued, row.points_reversed, row.points_redeemed) == (235, 42, 80)
    assert (row.points_expired, row.outstanding_points, row.liability, row.breakage_rate) == (None, None, None, None)
    assert row.redemption_rate == D("41.45")  # 80 / 193 = 41.4507


def test_company_accounts_form_their_own_group(ledger: dict[str, Any]) -> None:
    groups = {row.label: row for row in report(group_by=GroupBy.COMPANY).groups}

    assert (groups["Acme Supplies"].points_issued, groups["Acme Supplies"].outstanding_points) == (40, 40)
    none = groups["No company"]
    assert (none.points_issued, none.points_reversed, none.points_redeemed, none.points_expired) == (235, 52, 80, 30)
    assert none.outstanding_points == 203


def test_tier_groups_use_the_tier_held_at_the_end_of_the_period(
    ledger: dict[str, Any], make_order: Callable[..., Any]
) -> None:
    # given: A is Gold now but was upgraded from Silver only on 10 April; B has held Silver since
    # February (no later change); the company account has no tier.
    silver = Tier.objects.create(name="Silver", slug="silver", rank=1, metric="spend", threshold=D("100"))
    gold = Tier.objects.create(name="Gold", slug="gold", rank=2, metric="spend", threshold=D("1000"))
    a, b = ledger["A"], ledger["B"]
    CustomerLoyalty.objects.create(user=a, tier=gold, tier_since=at("2025-04-10"))
    CustomerLoyalty.objects.create(user=b, tier=silver, tier_since=at("2025-02-01"))
    TierChangeRecord.objects.create(user=a, from_tier=None, to_tier=silver, change="upgrade", changed_at=at("2025-01-05"))
    TierChangeRecord.objects.create(user=a, from_tier=silver, to_tier=gold, change="upgrade", changed_at=at("2025-04-10"))

    # when
    rows = {row.label: row for row in report(group_by=GroupBy.TIER).groups}

    # then: A's and B's figures both land in Silver; A's March orders too
    assert set(rows) == {"Silver", "No tier"}
    assert (rows["Silver"].points_issued, rows["Silver"].points_reversed) == (235, 52)
    assert (rows["Silver"].outstanding_points, rows["No tier"].outstanding_points) == (203, 40)
    assert (rows["Silver"].orders, rows["Silver"].revenue) == (2, D("235.00"))


def test_a_customer_downgraded_after_the_period_counts_in_the_tier_they_had(
    people: dict[str, Any], make_order: Callable[..., Any]
) -> None:
    gold = Tier.objects.create(name="Gold", slug="gold", rank=2, metric="spend", threshold=D("1000"))
    CustomerLoyalty.objects.create(user=people["A"], tier=None)
    TierChangeRecord.objects.create(
        user=people["A"], from_tier=gold, to_tier=None, change="downgrade", changed_at=at("2025-04-02")
    )
    make_order(people["A"], "2025-03-02", "10.00")

    rows = {row.label: row for row in report(group_by=GroupBy.TIER).groups}

    assert set(rows) == {"Gold"}


def test_the_last_change_before_the_end_wins_over_the_tier_held_now(
    people: dict[str, Any], make_order: Callable[..., Any]
) -> None:
    # given: A moved to Silver in February; the Gold held now was set without a recorded change
    silver = Tier.objects.create(name="Silver", slug="silver", rank=1, metric="spend", threshold=D("100"))
    gold = Tier.objects.create(name="Gold", slug="gold", rank=2, metric="spend", threshold=D("1000"))
    CustomerLoyalty.objects.create(user=people["A"], tier=gold, tier_since=at("2025-04-20"))
    TierChangeRecord.objects.create(
        user=people["A"], from_tier=None, to_tier=silver, change="upgrade", changed_at=at("2025-02-01")
    )
    make_order(people["A"], "2025-03-02", "10.00")

    rows = {row.label: row for row in report(group_by=GroupBy.TIER).groups}

    assert set(rows) == {"Silver"}


def test_program_cost_adds_tier_prices_and_gifts_when_the_lines_record_them(
    people: dict[str, Any], make_order: Callable[..., Any]
) -> None:
    # given: 2 x (30.00 -> 25.00) = 10.00 of tier prices, a gift of 12.50, 3 x (10.00 -> 9.99) = 0.03,
    # a line without prices (costs nothing), and a price above the base (not a discount)
    make_order(people["A"], "2025-03-05", "62.50", lines=[
        {"quantity": 2, "base_unit_price": "30.00", "unit_price": "25.00"},
        {"quantity": 1, "base_unit_price": "12.50", "unit_price": "0", "is_gift": True},
        {"quantity": 1, "paid_total": "7.00"},
    ])
    make_order(people["B"], "2025-03-06", "29.97", lines=[
        {"quantity": 3, "base_unit_price": 10, "unit_price": 9.99},
        {"quantity": 1, "base_unit_price": "5.00", "unit_price": "6.00"},
    ])

    row = report().overall

    assert (row.tier_price_discount, row.gift_cost, row.program_cost) == (D("10.03"), D("12.50"), D("22.53"))


def test_program_cost_from_lines_recorded_by_the_order_service(people: dict[str, Any]) -> None:
    # given an order recorded through the service: 3 x (20.00 -> 17.50) = 7.50 of tier prices,
    # 2 gifts listed at 4.25 = 8.50, a line sold at its list price and one without prices
    from saleor_loyalty.services.orders import OrderFacts, OrderLineFacts, record_order

    def facts_line(number: int, quantity: int, paid: str, base: str | None = None, unit: str | None = None,
                   gift: bool = False) -> OrderLineFacts:
        return OrderLineFacts(f"l{number}", number, number * 10, (1,), quantity, D(paid),
                              base_unit_price=None if base is None else D(base),
                              unit_price=None if unit is None else D(unit), is_gift=gift)

    record_order(OrderFacts(
        order_id="svc-1", user_id=people["A"].pk, email="a@example.com", channel="web", currency="EUR",
        goods_total=D("67.50"), shipping=D("0"), placed_at=at("2025-03-05"),
        lines=(facts_line(1, 3, "52.50", "20.00", "17.50"), facts_line(2, 2, "0", "4.25", "0", gift=True),
               facts_line(3, 1, "10.00", "10.00", "10.00"), facts_line(4, 1, "5.00")),
    ))

    row = report().overall

    assert (row.tier_price_discount, row.gift_cost, row.program_cost) == (D("7.50"), D("8.50"), D("16.00"))


@pytest.mark.parametrize(
    ("group_by", "expected"), [(GroupBy.NONE, 4), (GroupBy.TIER, 5), (GroupBy.COMPANY, 5), (GroupBy.MEMBERSHIP, 4)]
)
def test_the_number_of_queries_does_not_grow_with_the_orders(
    group_by: GroupBy, expected: int, people: dict[str, Any], company: Any, make_order: Callable[..., Any]
) -> None:
    # currency, orders, points, NPS, and the names of tiers or companies (membership needs none)
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            calculate_program_metrics(MARCH, point_value=D("0.01"), group_by=group_by)
        return len(captured.captured_queries)

    gold = Tier.objects.create(name="Gold", slug="gold", rank=2, metric="spend", threshold=D("1000"))
    CustomerLoyalty.objects.create(user=people["A"], tier=gold, tier_since=at("2025-01-01"))
    make_order(people["A"], "2025-03-02", "10.00", company=company)
    few = count_queries()
    for day in range(1, 29):
        make_order(people["A"], f"2025-03-{day:02d}", "10.00", company=company)
        make_order(people["B"], f"2025-02-{day:02d}", "20.00")
        make_order(None, f"2025-03-{day:02d}", "5.00", email=f"guest{day}@example.com")

    many = count_queries()

    assert few == many == expected


def test_volume_rebates_count_as_issued_points(ledger: dict[str, Any], company: Any) -> None:
    # given: a 60-point rebate for the company, from the rebates system account, in March
    from saleor_loyalty.models import SystemCode

    points.credit_bonus(Owner.company(company.pk), "rebate:1:2025-02", points=60, reason="volume rebate",
                        system_code=SystemCode.REBATES, now=at("2025-03-05"))

    # then: issued 40 (its order) + 60, outstanding too; the overall row grows by the same 60
    groups = {row.label: row for row in report(group_by=GroupBy.COMPANY).groups}
    assert (groups["Acme Supplies"].points_issued, groups["Acme Supplies"].outstanding_points) == (100, 100)
    assert report().overall.points_issued == 275 + 60
