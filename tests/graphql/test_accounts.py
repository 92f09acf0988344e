"""loyaltyAccount's tier fields and statement orders; loyaltyAccounts, the staff list: filters,
paging, refusals, and a page of 50 costing the same queries as a page of 1."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.queries.accounts import MAX_FILTER_IDS
from saleor_loyalty.models import CustomerLoyalty
from saleor_loyalty.services import orders, points, rules, tiers
from tests.services.fakes import FakeShop
from tests.services.helpers import make_order

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

CONFIG = ProgramConfig(pending_days=0, base_currency="EUR")  # orders in EUR count as spend

ACCOUNT_QUERY = """
query ($customerId: ID) {
  loyaltyAccount(customerId: $customerId) {
    available debt
    tier { name rank pointsMultiplier }
    nextTier { name }
    tierProgress { nextTier { name } metric windowDays have need missing }
    tierGraceUntil
    entries(first: 5) { edges { node { kind points orderId } } }
  }
}
"""

ACCOUNTS_QUERY = """
query ($filter: LoyaltyAccountFilterInput, $first: Int = 100, $after: String) {
  loyaltyAccounts(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { customerId available pending held debt lifetimeEarned tier { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def gid(user: Any) -> str:
    return to_global_id("User", user.pk)


@pytest.fixture
def ladder() -> tuple[Any, Any]:
    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "500", "window_days": 365})
    gold = rules.create_tier(
        {"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "1000", "window_days": 365, "multiplier": "1.5"}
    )
    return silver, gold


def paid_order(user: Any, goods: str, *, days_ago: int = 1) -> str:
    order_id = str(uuid.uuid4())
    orders.record_order(make_order(order_id, user, placed_at=timezone.now() - timedelta(days=days_ago), goods=goods))
    orders.credit_order(order_id, config=CONFIG)
    return order_id


def test_customer_sees_their_tier_the_next_one_and_what_is_missing(shopper: Any, ladder: Any) -> None:
    # given 600.00 spent: Silver, 400.00 short of Gold
    order_id = paid_order(shopper, "600.00")
    tiers.reevaluate_tier(shopper.pk, config=CONFIG)

    # when
    account = get_graphql_content(ApiClient(shopper).post_graphql(ACCOUNT_QUERY))["data"]["loyaltyAccount"]

    # then
    tier = account["tier"]
    assert (tier["name"], tier["rank"], Decimal(tier["pointsMultiplier"])) == ("Silver", 1, Decimal(1))
    assert account["nextTier"] == {"name": "Gold"}
    progress = account["tierProgress"]
    assert (progress["nextTier"], progress["metric"], progress["windowDays"]) == ({"name": "Gold"}, "SPEND", 365)
    assert (Decimal(progress["have"]), Decimal(progress["need"]), Decimal(progress["missing"])) == (
        Decimal(600), Decimal(1000), Decimal(400),
    )
    assert account["tierGraceUntil"] is None
    [entry] = [edge["node"] for edge in account["entries"]["edges"]]
    assert (entry["kind"], entry["points"], entry["orderId"]) == ("EARN", 600, to_global_id("Order", order_id))


def test_a_customer_without_orders_works_towards_the_lowest_tier(shopper: Any, ladder: Any) -> None:
    account = get_graphql_content(ApiClient(shopper).post_graphql(ACCOUNT_QUERY))["data"]["loyaltyAccount"]
    assert (account["tier"], account["nextTier"]) == (None, {"name": "Silver"})
    assert Decimal(account["tierProgress"]["missing"]) == Decimal(500)


def test_at_the_top_tier_nothing_is_next(shopper: Any, ladder: Any) -> None:
    paid_order(shopper, "1200.00")
    tiers.reevaluate_tier(shopper.pk, config=CONFIG)
    account = get_graphql_content(ApiClient(shopper).post_graphql(ACCOUNT_QUERY))["data"]["loyaltyAccount"]
    assert (account["tier"]["name"], account["nextTier"], account["tierProgress"]) == ("Gold", None, None)


def test_staff_read_a_customers_tier_progress(shopper: Any, ladder: Any, staff_api_client: ApiClient) -> None:
    paid_order(shopper, "750.00")
    tiers.reevaluate_tier(shopper.pk, config=CONFIG)
    content = get_graphql_content(staff_api_client.post_graphql(ACCOUNT_QUERY, {"customerId": gid(shopper)}))
    account = content["data"]["loyaltyAccount"]
    assert (account["tier"]["name"], account["nextTier"]["name"], account["tierProgress"]["missing"]) == ("Silver", "Gold", "250")


def test_a_customer_cannot_read_anothers_tier(shopper: Any, other_customer: Any, ladder: Any) -> None:
    errors = get_graphql_errors(ApiClient(shopper).post_graphql(ACCOUNT_QUERY, {"customerId": gid(other_customer)}))
    assert error_codes(errors) == ["PermissionDenied"]


# --- the staff list ---


@pytest.fixture
def customers(shop: FakeShop, create_user: Any, staff_user: Any, ladder: Any) -> list[Any]:
    """Three customers with points: ann (Silver, 600), bob (100), cat (in debt 500)."""
    silver, _ = ladder
    ann = create_user(email="ann@example.com")
    bob = create_user(email="bob@example.com")
    cat = create_user(email="cat@example.com")
    for user in (ann, bob, cat):
        shop.add_customer(user)
    paid_order(ann, "600.00")
    tiers.reevaluate_tier(ann.pk, config=CONFIG)
    points.adjust_points(points.Owner.customer(bob.pk), 100, reason="goodwill", staff_user_id=staff_user.pk)
    # cat spends 500 of 600 earned, then the order is cancelled: the 500 spent become debt
    cat_order = paid_order(cat, "600.00")
    points.adjust_points(points.Owner.customer(cat.pk), -500, reason="spent", staff_user_id=staff_user.pk)
    orders.cancel_order(cat_order, config=CONFIG)
    assert CustomerLoyalty.objects.get(user=ann).tier_id == silver.pk
    return [ann, bob, cat]


def list_accounts(client: ApiClient, **variables: Any) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(ACCOUNTS_QUERY, variables))["data"]["loyaltyAccounts"]  # type: ignore[no-any-return]


def customer_ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["customerId"] for edge in page["edges"]]


def test_staff_list_accounts_newest_first_with_balances_and_tiers(customers: list[Any], staff_api_client: ApiClient) -> None:
    ann, bob, cat = customers

    page = list_accounts(staff_api_client)

    assert page["totalCount"] == 3
    assert customer_ids(page) == [gid(cat), gid(bob), gid(ann)]
    nodes = {edge["node"]["customerId"]: edge["node"] for edge in page["edges"]}
    assert (nodes[gid(ann)]["available"], nodes[gid(ann)]["tier"]) == (600, {"name": "Silver"})
    assert (nodes[gid(bob)]["available"], nodes[gid(bob)]["tier"]) == (100, None)
    assert (nodes[gid(cat)]["available"], nodes[gid(cat)]["debt"]) == (0, 500)


@pytest.mark.parametrize(
    ("make_filter", "expected"),
    [
        (lambda users, silver: {"search": "ANN@"}, [0]),
        (lambda users, silver: {"hasDebt": True}, [2]),
        (lambda users, silver: {"hasDebt": False}, [1, 0]),
        (lambda users, silver: {"tier": to_global_id("LoyaltyTier", silver.pk)}, [0]),
        (lambda users, silver: {"customerIds": [gid(users[0]), gid(users[2])]}, [2, 0]),
        (lambda users, silver: {"customerIds": [], "search": "bob"}, []),
        (lambda users, silver: {"search": "example", "hasDebt": False, "customerIds": [gid(users[1])]}, [1]),
    ],
)
def test_filters(customers: list[Any], ladder: Any, staff_api_client: ApiClient, make_filter: Any, expected: list[int]) -> None:
    page = list_accounts(staff_api_client, filter=make_filter(customers, ladder[0]))
    assert customer_ids(page) == [gid(customers[index]) for index in expected]
    assert page["totalCount"] == len(expected)


def test_pages_follow_on_without_repeats(customers: list[Any], staff_api_client: ApiClient) -> None:
    first = list_accounts(staff_api_client, first=2)
    second = list_accounts(staff_api_client, first=2, after=first["pageInfo"]["endCursor"])
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    assert customer_ids(first) + customer_ids(second) == [gid(user) for user in reversed(customers)]


def test_customers_and_anonymous_callers_are_refused(customers: list[Any], grant: Any, create_user: Any) -> None:
    discounts_only = create_user(is_staff=True)
    grant(discounts_only, LoyaltyPermission.MANAGE_DISCOUNTS)
    for client in (ApiClient(customers[0]), ApiClient(), ApiClient(discounts_only)):
        errors = get_graphql_errors(client.post_graphql(ACCOUNTS_QUERY))
        assert error_codes(errors) == ["PermissionDenied"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"filter": {"tier": to_global_id("User", 1)}}, "Expected: LoyaltyTier"),
        ({"filter": {"customerIds": ["nope"]}}, "Invalid ID"),
        ({"filter": {"customerIds": [to_global_id("User", 1)] * (MAX_FILTER_IDS + 1)}}, f"at most {MAX_FILTER_IDS}"),
        ({"filter": {"search": "x" * 101}}, "at most 100"),
        ({"first": 101}, "exceeds the `first` limit of 100"),
        ({"first": 0}, "must be a positive integer"),
        ({"after": "not-a-cursor"}, "cursor is invalid"),
    ],
)
def test_bad_arguments_are_refused(customers: list[Any], staff_api_client: ApiClient, variables: dict[str, Any], message: str) -> None:
    errors = get_graphql_errors(staff_api_client.post_graphql(ACCOUNTS_QUERY, variables))
    assert message in errors[0]["message"]


def test_a_page_of_fifty_costs_the_same_queries_as_a_page_of_one(
    shop: FakeShop, create_user: Any, staff_user: Any, staff_api_client: ApiClient, ladder: Any
) -> None:
    # given 50 customers with points, every other one holding Silver
    silver, _ = ladder
    for index in range(50):
        user = create_user()
        points.adjust_points(points.Owner.customer(user.pk), index + 1, reason="seed", staff_user_id=staff_user.pk)
        if index % 2:
            CustomerLoyalty.objects.create(user=user, tier=silver, tier_since=timezone.now())
    list_accounts(staff_api_client, first=1)  # warm the per-process caches a running server has

    # when
    with CaptureQueriesContext(connection) as one:
        single = list_accounts(staff_api_client, first=1)
    with CaptureQueriesContext(connection) as fifty:
        page = list_accounts(staff_api_client, first=50)

    # then
    assert len(single["edges"]) == 1 and len(page["edges"]) == 50
    assert sum(1 for edge in page["edges"] if edge["node"]["tier"]) == 25
    assert sorted(edge["node"]["available"] for edge in page["edges"]) == list(range(1, 51))
    assert len(fifty) == len(one), [query["sql"] for query in fifty]


STANDING_QUERY = """
query ($first: Int) {
  loyaltyAccounts(first: $first) {
    edges { node { customerId nextTier { name } tierProgress { missing } tierGraceUntil } }
  }
}
"""


def test_tier_standings_of_a_page_load_in_one_batch(
    shop: FakeShop, create_user: Any, staff_user: Any, staff_api_client: ApiClient, ladder: Any
) -> None:
    # given 30 customers known to the shop; customer i spent 10 * i
    users = []
    for index in range(30):
        user = create_user()
        shop.add_customer(user)
        points.adjust_points(points.Owner.customer(user.pk), 1, reason="seed", staff_user_id=staff_user.pk)
        if index:
            paid_order(user, str(10 * index))
        users.append(user)
    query = lambda first: get_graphql_content(  # noqa: E731
        staff_api_client.post_graphql(STANDING_QUERY, {"first": first}))["data"]["loyaltyAccounts"]["edges"]
    query(1)  # warm the per-process caches a running server has

    # when
    with CaptureQueriesContext(connection) as one:
        single = query(1)
    with CaptureQueriesContext(connection) as thirty:
        page = query(30)

    # then: three fields per row ask for the standing, one batch answers them all
    assert len(thirty) == len(one), [entry["sql"] for entry in thirty]
    missing = {edge["node"]["customerId"]: Decimal(edge["node"]["tierProgress"]["missing"]) for edge in page}
    assert missing[gid(users[0])] == Decimal(500) and missing[gid(users[29])] == Decimal(210)  # 500 - 290
    assert {edge["node"]["nextTier"]["name"] for edge in page} == {"Silver"}
    assert len(single) == 1
