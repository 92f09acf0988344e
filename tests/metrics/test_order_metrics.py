"""Order metrics (RCR, RPR, CRR, churn, AOV, frequency, CLV) on a small dataset checked by hand.

The dataset, period March 2025 (lookback 365 days: "at start" = an order in [2024-03-01,
2025-03-01)), channel "web", EUR:

    customer  before March                  in March                         notes
    A (user)  2025-01-10 50.00              03-05 100.00, 03-20 60.00-10.00  refund of 10.00
    B (user)  2024-12-01 40.00              03-10 80.00 + 5.00 shipping
    C (user)  2024-02-01 30.00 (too old)    03-15 20.00                      "new" to the base
    D (user)  2025-02-15 70.00              -                                churned
    E (guest) -                             03-25 45.00 (E@x.com),
                                            03-26 55.00 (e@x.com)             one customer
    anonymous -                             03-12 25.00                      no email
    ignored: A cancelled 999.00 (03-06), B fully refunded 30.00 (03-07), A in April 10.00,
             B in channel "b2b" 500.00 (03-08), A in channel "us" 70.00 USD (03-09)

By hand:
    orders 7 (A 2, B 1, C 1, E 2, anon 1); revenue 100 + 50 + 85 + 20 + 45 + 55 + 25 = 380.00
    AOV 380 / 7 = 54.2857 -> 54.29
    customers 4 (A, B, C, E); repeat customers 2 (A, E); RCR 2 / 4 = 50.00 %
    identified orders 6; repeat orders (not the customer's first ever): A 2, B 1, C 1, E 1 = 5;
    RPR 5 / 6 = 83.33 %; purchase frequency 6 / 4 = 1.50
    at start 3 (A, B, D); retained 2 (A, B); new 2 (C, E): CRR (4 - 2) / 3 = 66.67 %, churn 33.33 %
    CLV at margin 0.40: 380/7 x 6/4 x 0.40 / (1/3) = 684/7 = 97.714 -> 97.71
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.exceptions import InvalidInput
from saleor_loyalty.models import OrderStatus
from saleor_loyalty.services.metrics import GroupBy, calculate_program_metrics, parse_period

MARCH = parse_period("2025-03")
D = Decimal


@pytest.fixture
def people(create_user: Callable[..., Any], db: None) -> dict[str, Any]:
    return {name: create_user(email=f"{name.lower()}@example.com") for name in "ABCD"}


@pytest.fixture
def dataset(people: dict[str, Any], make_order: Callable[..., Any]) -> dict[str, Any]:
    a, b, c, d = (people[name] for name in "ABCD")
    make_order(a, "2025-01-10", "50.00")
    make_order(a, "2025-03-05", "100.00")
    make_order(a, "2025-03-20", "60.00", refunded="10.00")
    make_order(b, "2024-12-01", "40.00")
    make_order(b, "2025-03-10", "80.00", shipping="5.00")
    make_order(c, "2024-02-01", "30.00")
    make_order(c, "2025-03-15", "20.00")
    make_order(d, "2025-02-15", "70.00")
    make_order(None, "2025-03-25", "45.00", email="E@x.com")
    make_order(None, "2025-03-26", "55.00", email="e@x.com")
    make_order(None, "2025-03-12", "25.00")
    # ignored
    make_order(a, "2025-03-06", "999.00", status=OrderStatus.CANCELLED)
    make_order(b, "2025-03-07", "30.00", refunded="30.00", status=OrderStatus.REFUNDED)
    make_order(a, "2025-04-02", "10.00")
    make_order(b, "2025-03-08", "500.00", channel="b2b")
    make_order(a, "2025-03-09", "70.00", channel="us", currency="USD")
    return people


def metrics(**options: Any) -> Any:
    options.setdefault("point_value", D("0.01"))
    options.setdefault("channel", "web")
    return calculate_program_metrics(MARCH, **options)


def test_order_metrics_match_the_hand_computed_figures(dataset: dict[str, Any]) -> None:
    # when
    row = metrics(gross_margin=D("0.40")).overall

    # then
    assert (row.orders, row.revenue, row.average_order_value) == (7, D("380.00"), D("54.29"))
    assert (row.customers, row.repeat_customers, row.repeat_customer_rate) == (4, 2, D("50.00"))
    assert (row.repeat_orders, row.repeat_purchase_rate, row.purchase_frequency) == (5, D("83.33"), D("1.50"))
    assert (row.customers_at_start, row.retained_customers, row.new_customers) == (3, 2, 2)
    assert (row.retention_rate, row.churn_rate) == (D("66.67"), D("33.33"))
    assert row.customer_lifetime_value == D("97.71")


def test_all_time_lookback_makes_an_old_customer_part_of_the_start_base(dataset: dict[str, Any]) -> None:
    # C's order of 2024-02-01 now counts: at start A, B, C, D (4); retained A, B, C (3); new E.
    row = metrics(lookback_days=None).overall

    assert (row.customers_at_start, row.retained_customers, row.new_customers) == (4, 3, 1)
    assert (row.retention_rate, row.churn_rate) == (D("75.00"), D("25.00"))


def test_a_short_lookback_leaves_december_customers_out(dataset: dict[str, Any]) -> None:
    # 60 days before 1 March is 31 December: A (Jan) and D (Feb) are at start, B (1 Dec) is not.
    row = metrics(lookback_days=60).overall

    assert (row.customers_at_start, row.retained_customers, row.new_customers) == (2, 1, 3)
    assert (row.retention_rate, row.churn_rate) == (D("50.00"), D("50.00"))


def test_without_a_channel_every_channel_of_the_currency_counts(dataset: dict[str, Any]) -> None:
    # B's b2b order (500.00) joins: 8 orders, 880.00; B now has 2 March orders (repeat customer).
    row = metrics(channel=None, currency="EUR").overall

    assert (row.orders, row.revenue, row.repeat_customers) == (8, D("880.00"), 3)
    assert row.repeat_customer_rate == D("75.00")


def test_several_currencies_without_a_channel_are_refused(dataset: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="several currencies .*EUR, USD"):
        metrics(channel=None)


def test_the_currency_is_the_only_one_of_the_channel(dataset: dict[str, Any]) -> None:
    assert metrics().currency == "EUR"


def test_members_and_guests_are_compared_side_by_side(dataset: dict[str, Any]) -> None:
    # members: A 100 + 50, B 85, C 20 -> 4 orders, 255.00, AOV 63.75; customers A, B, C, repeat A
    # guests: E 45 + 55, anonymous 25 -> 3 orders, 125.00, AOV 41.67; customer E (repeat)
    report = metrics(group_by=GroupBy.MEMBERSHIP)

    groups = {row.key: row for row in report.groups}
    assert [row.label for row in report.groups] == ["Guests (non-members)", "Members"]
    member, guest = groups["member"], groups["guest"]
    assert (member.orders, member.revenue, member.average_order_value) == (4, D("255.00"), D("63.75"))
    assert (member.customers, member.repeat_customers, member.repeat_customer_rate) == (3, 1, D("33.33"))
    assert (guest.orders, guest.revenue, guest.average_order_value) == (3, D("125.00"), D("41.67"))
    assert (guest.customers, guest.repeat_customer_rate) == (1, D("100.00"))
    # D (member, churned) is at start among members: 3 at start, A and B retained.
    assert (member.customers_at_start, member.retention_rate) == (3, D("66.67"))
    assert report.overall.orders == 7


def test_company_groups_follow_the_company_recorded_on_each_order(
    people: dict[str, Any], company: Any, make_order: Callable[..., Any]
) -> None:
    # given: A buys for Acme in March, B buys twice without a company, A once more for Acme
    make_order(people["A"], "2025-03-02", "10.00", company=company)
    make_order(people["A"], "2025-03-03", "30.00", company=company)
    make_order(people["B"], "2025-03-04", "20.00")

    # when
    report = metrics(group_by=GroupBy.COMPANY)

    # then
    rows = {row.label: row for row in report.groups}
    assert set(rows) == {"Acme Supplies", "No company"}
    assert (rows["Acme Supplies"].orders, rows["Acme Supplies"].revenue) == (2, D("40.00"))
    assert rows["Acme Supplies"].repeat_customers == 1
    assert (rows["No company"].orders, rows["No company"].customers) == (1, 1)


def test_an_empty_period_reports_zero_and_undefined_rates(dataset: dict[str, Any]) -> None:
    row = calculate_program_metrics(parse_period("2023-06"), point_value=D("0.01"), channel="web").overall

    assert (row.orders, row.customers, row.revenue) == (0, 0, D("0.00"))
    assert row.average_order_value is None and row.repeat_customer_rate is None
    assert row.retention_rate is None and row.customer_lifetime_value is None


def test_no_churn_leaves_the_clv_undefined(people: dict[str, Any], make_order: Callable[..., Any]) -> None:
    make_order(people["A"], "2025-02-01", "10.00")
    make_order(people["A"], "2025-03-01", "10.00")

    row = metrics().overall

    assert (row.churn_rate, row.customer_lifetime_value) == (D("0.00"), None)


def test_bad_parameters_are_all_reported(dataset: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        metrics(gross_margin=D("1.5"), point_value=D("0"), lookback_days=0)

    assert [field for field, _ in caught.value.problems] == ["gross_margin", "point_value", "lookback_days"]


def test_customer_types_need_saleors_user_model(dataset: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="needs Saleor's User.customer_type"):
        metrics(group_by=GroupBy.CUSTOMER_TYPE)


def test_customer_type_groups_read_the_user_tables_column(
    dataset: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the column Saleor's account_user has, added to the test user table (rolled back)
    from django.db import connection

    from saleor_loyalty.services.metrics import queries

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE auth_user ADD COLUMN customer_type_id bigint")
        cursor.execute("UPDATE auth_user SET customer_type_id = 7 WHERE id IN (%s, %s)",
                       [dataset["A"].pk, dataset["B"].pk])
    monkeypatch.setattr(queries, "get_customer_type_column", lambda: "customer_type_id")

    # when
    rows = {row.key: row for row in metrics(group_by=GroupBy.CUSTOMER_TYPE).groups}

    # then: type 7 has A (100 + 50) and B (85); C, the guest E and the anonymous order have none
    assert (rows["7"].label, rows["7"].orders, rows["7"].revenue) == ("Customer type 7", 3, D("235.00"))
    assert (rows[""].label, rows[""].orders, rows[""].revenue) == ("No customer type", 4, D("145.00"))
