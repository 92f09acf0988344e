"""GraphQL: ``loyaltyMetrics`` for staff with MANAGE_ORDERS, ``loyaltyNpsSubmit`` for customers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.graphql.core.ids import to_global_id
from tests.graphql.client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

ORDER_ID = "6a1c2a3e-57c5-4c2f-8a4b-0d2b1c9e7f10"

METRICS_QUERY = """
query Metrics($period: String!, $channel: String, $groupBy: LoyaltyMetricsGroupBy, $lookbackDays: Int) {
  loyaltyMetrics(period: $period, channel: $channel, groupBy: $groupBy, grossMargin: 0.5,
                 lookbackDays: $lookbackDays) {
    period start channel currency groupBy grossMargin pointValue lookbackDays
    overall { label orders revenue averageOrderValue customers repeatCustomerRate retentionRate
              customerLifetimeValue pointsIssued liability nps npsResponses }
    groups { key label orders revenue }
  }
}
"""

NPS_MUTATION = """
mutation Nps($score: Int!, $comment: String, $orderId: ID, $channel: String) {
  loyaltyNpsSubmit(score: $score, comment: $comment, orderId: $orderId, channel: $channel) {
    response { id score comment orderId channel periodStart }
    errors { field code message }
  }
}
"""


def staff_with(create_user: Callable[..., Any], *permissions: LoyaltyPermission) -> ApiClient:
    user = create_user(is_staff=True)
    for permission in permissions:
        group, _ = Group.objects.get_or_create(name=permission.name)
        user.groups.add(group)
    return ApiClient(user)


@pytest.fixture
def march_orders(customer: Any, make_order: Callable[..., Any]) -> Any:
    # before: one order in February; March: 30.00 and 50.00 by the customer, 20.00 by a guest
    make_order(customer, "2025-02-10", "40.00")
    make_order(customer, "2025-03-02", "30.00")
    make_order(customer, "2025-03-03", "50.00", order_id=ORDER_ID)
    make_order(None, "2025-03-04", "20.00", email="guest@example.com")
    return customer


def test_staff_with_manage_orders_read_the_metrics(create_user: Callable[..., Any], march_orders: Any) -> None:
    # given
    client = staff_with(create_user, LoyaltyPermission.MANAGE_ORDERS)

    # when
    content = get_graphql_content(client.post_graphql(
        METRICS_QUERY, {"period": "2025-03", "channel": "web", "groupBy": "MEMBERSHIP"}))

    # then: 3 orders, 100.00, AOV 33.33; customers: the member (2 orders) and the guest: RCR 50 %
    metrics = content["data"]["loyaltyMetrics"]
    assert (metrics["period"], metrics["start"], metrics["channel"], metrics["currency"]) == (
        "2025-03", "2025-03-01T00:00:00+00:00", "web", "EUR")
    assert (metrics["groupBy"], metrics["grossMargin"], metrics["pointValue"], metrics["lookbackDays"]) == (
        "MEMBERSHIP", 0.5, 0.01, 365)
    overall = metrics["overall"]
    assert (overall["label"], overall["orders"], overall["revenue"], overall["averageOrderValue"]) == (
        "All", 3, 100.0, 33.33)
    assert (overall["customers"], overall["repeatCustomerRate"], overall["retentionRate"]) == (2, 50.0, 100.0)
    assert overall["customerLifetimeValue"] is None  # nobody churned
    assert (overall["pointsIssued"], overall["liability"], overall["nps"], overall["npsResponses"]) == (0, None, None, 0)
    assert [(group["key"], group["orders"], group["revenue"]) for group in metrics["groups"]] == [
        ("guest", 1, 20.0), ("member", 2, 80.0)]


def test_zero_lookback_days_mean_all_time(create_user: Callable[..., Any], march_orders: Any) -> None:
    client = staff_with(create_user, LoyaltyPermission.MANAGE_ORDERS)

    content = get_graphql_content(client.post_graphql(METRICS_QUERY, {"period": "2025-03", "lookbackDays": 0}))

    assert content["data"]["loyaltyMetrics"]["lookbackDays"] is None


@pytest.mark.parametrize("permissions", [(), (LoyaltyPermission.MANAGE_USERS,)])
def test_the_metrics_need_manage_orders(
    create_user: Callable[..., Any], march_orders: Any, permissions: tuple[LoyaltyPermission, ...]
) -> None:
    client = staff_with(create_user, *permissions)

    errors = get_graphql_errors(client.post_graphql(METRICS_QUERY, {"period": "2025-03"}))

    assert error_codes(errors) == ["PermissionDenied"]
    assert "MANAGE_ORDERS" in errors[0]["message"]


def test_customers_cannot_read_the_metrics(march_orders: Any) -> None:
    errors = get_graphql_errors(ApiClient(march_orders).post_graphql(METRICS_QUERY, {"period": "2025-03"}))

    assert error_codes(errors) == ["PermissionDenied"]


def test_a_bad_period_is_an_invalid_input_error(create_user: Callable[..., Any], march_orders: Any) -> None:
    client = staff_with(create_user, LoyaltyPermission.MANAGE_ORDERS)

    errors = get_graphql_errors(client.post_graphql(METRICS_QUERY, {"period": "last month"}))

    assert error_codes(errors) == ["INVALID"]
    assert "is not one of YYYY" in errors[0]["message"]


def test_a_customer_answers_about_their_order(march_orders: Any) -> None:
    # when
    content = get_graphql_content(ApiClient(march_orders).post_graphql(
        NPS_MUTATION, {"score": 9, "comment": "Great", "orderId": to_global_id("Order", ORDER_ID)}))

    # then
    payload = content["data"]["loyaltyNpsSubmit"]
    assert payload["errors"] == []
    assert payload["response"]["score"] == 9 and payload["response"]["channel"] == "web"
    assert payload["response"]["orderId"] == to_global_id("Order", ORDER_ID)


def test_a_second_answer_comes_back_as_an_error_in_the_payload(march_orders: Any) -> None:
    client = ApiClient(march_orders)
    client.post_graphql(NPS_MUTATION, {"score": 9, "channel": "web"})

    content = client.post_graphql(NPS_MUTATION, {"score": 2, "channel": "web"})

    payload = get_graphql_content(content)["data"]["loyaltyNpsSubmit"]
    assert payload["response"] is None
    assert [error["code"] for error in payload["errors"]] == ["NPS_ALREADY_SUBMITTED"]


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"score": 11}, "score", "INVALID"),
        ({"score": 5, "orderId": to_global_id("Order", "00000000-0000-4000-8000-000000000000")},
         "orderId", "NPS_ORDER_NOT_FOUND"),
        ({"score": 5, "orderId": to_global_id("User", 1)}, "orderId", "GRAPHQL_ERROR"),
        ({"score": 5, "comment": "x" * 2001}, "comment", "INVALID"),
    ],
)
def test_refused_answers_name_the_field_and_code(
    march_orders: Any, variables: dict[str, Any], field: str, code: str
) -> None:
    payload = get_graphql_content(ApiClient(march_orders).post_graphql(NPS_MUTATION, variables))[
        "data"]["loyaltyNpsSubmit"]

    assert [(error["field"], error["code"]) for error in payload["errors"]] == [(field, code)]


def test_anonymous_callers_cannot_answer(db: None) -> None:
    errors = get_graphql_errors(ApiClient().post_graphql(NPS_MUTATION, {"score": 10}))

    assert error_codes(errors) == ["PermissionDenied"]
