"""loyaltyAccount and loyaltyPointsAdjust: who may read and adjust, and bad input changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory

from saleor_loyalty.graphql.auth import LoyaltyPermission, Requestor
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.mutations.points_adjust import MAX_ADJUSTMENT_POINTS
from saleor_loyalty.graphql.view import graphql_view
from saleor_loyalty.models import LedgerTransaction

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

ACCOUNT_QUERY = """
query ($customerId: ID, $first: Int = 10, $after: String) {
  loyaltyAccount(customerId: $customerId) {
    id customerId available pending held debt lifetimeEarned
    entries(first: $first, after: $after) {
      edges { cursor node { id kind bucket points reason createdAt availableAt expiresAt } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}
"""

ADJUST_MUTATION = """
mutation ($customerId: ID!, $points: Int!, $reason: String!, $key: String) {
  loyaltyPointsAdjust(customerId: $customerId, points: $points, reason: $reason, idempotencyKey: $key) {
    account { customerId available lifetimeEarned }
    transaction { id kind points isReplay }
    errors { field message code }
  }
}
"""


def gid(user: Any) -> str:
    return to_global_id("User", user.pk)


@pytest.fixture
def adjust(staff_api_client: ApiClient) -> Callable[..., dict[str, Any]]:
    """Run loyaltyPointsAdjust as the MANAGE_USERS staff member; returns the payload."""

    def adjust(customer: Any, points: int, reason: str = "goodwill", key: str | None = None) -> dict[str, Any]:
        variables = {"customerId": gid(customer), "points": points, "reason": reason, "key": key}
        content = get_graphql_content(staff_api_client.post_graphql(ADJUST_MUTATION, variables))
        return content["data"]["loyaltyPointsAdjust"]  # type: ignore[no-any-return]

    return adjust


def read_account(client: ApiClient, customer: Any | None = None, **variables: Any) -> dict[str, Any] | None:
    if customer is not None:
        variables["customerId"] = gid(customer)
    content = get_graphql_content(client.post_graphql(ACCOUNT_QUERY, variables))
    return content["data"]["loyaltyAccount"]  # type: ignore[no-any-return]


# --- reading ---


def test_customer_without_points_sees_zeros(customer: Any, customer_api_client: ApiClient) -> None:
    account = read_account(customer_api_client)
    assert account == {
        "id": None,
        "customerId": gid(customer),
        "available": 0,
        "pending": 0,
        "held": 0,
        "debt": 0,
        "lifetimeEarned": 0,
        "entries": {"edges": [], "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None}},
    }


def test_customer_reads_their_own_statement(customer: Any, customer_api_client: ApiClient, adjust: Any) -> None:
    adjust(customer, 120, "welcome gift")
    adjust(customer, -20, "correction")
    account = read_account(customer_api_client, customer)
    assert account is not None
    assert (account["available"], account["lifetimeEarned"]) == (100, 120)
    assert account["id"] is not None
    nodes = [edge["node"] for edge in account["entries"]["edges"]]
    assert [(n["kind"], n["bucket"], n["points"], n["reason"]) for n in nodes] == [
        ("ADJUST", "AVAILABLE", -20, "correction"),
        ("ADJUST", "AVAILABLE", 120, "welcome gift"),
    ]
    assert nodes[1]["availableAt"] is not None and nodes[1]["expiresAt"] is None


def test_statement_pages_forward(customer: Any, customer_api_client: ApiClient, adjust: Any) -> None:
    for points in (1, 2, 3, 4, 5):
        adjust(customer, points)
    seen, after = [], None
    while True:
        account = read_account(customer_api_client, first=2, after=after)
        assert account is not None
        seen += [edge["node"]["points"] for edge in account["entries"]["edges"]]
        info = account["entries"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == [5, 4, 3, 2, 1]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 101}, "exceeds the `first` limit of 100 records"),
        ({"after": "bm9wZQ=="}, "Received cursor is invalid."),
    ],
)
def test_statement_paging_errors(customer_api_client: ApiClient, variables: dict[str, Any], message: str) -> None:
    errors = get_graphql_errors(customer_api_client.post_graphql(ACCOUNT_QUERY, variables))
    assert message in errors[0]["message"]


def test_statement_needs_first(customer_api_client: ApiClient) -> None:
    query = "{ loyaltyAccount { available entries { edges { node { points } } } } }"
    errors = get_graphql_errors(customer_api_client.post_graphql(query))
    assert errors[0]["message"] == "You must provide a `first` value to properly paginate the `entries` connection."


def test_staff_reads_any_customers_account(customer: Any, staff_api_client: ApiClient, adjust: Any) -> None:
    adjust(customer, 50)
    account = read_account(staff_api_client, customer)
    assert account is not None and account["available"] == 50


def test_unknown_customer_is_null_for_staff(staff_api_client: ApiClient) -> None:
    content = get_graphql_content(staff_api_client.post_graphql(ACCOUNT_QUERY, {"customerId": to_global_id("User", 10**9)}))
    assert content["data"]["loyaltyAccount"] is None


def test_customer_cannot_read_another_customers_account(
    customer_api_client: ApiClient, other_customer: Any, adjust: Any
) -> None:
    adjust(other_customer, 50)
    response = customer_api_client.post_graphql(ACCOUNT_QUERY, {"customerId": gid(other_customer)})
    errors = get_graphql_errors(response)
    assert error_codes(errors) == ["PermissionDenied"]
    assert json.loads(response.content)["data"] == {"loyaltyAccount": None}


def test_anonymous_caller_has_no_account(api_client: ApiClient) -> None:
    errors = get_graphql_errors(api_client.post_graphql(ACCOUNT_QUERY))
    assert error_codes(errors) == ["PermissionDenied"]
    assert "signed in" in errors[0]["message"]


@pytest.mark.parametrize(
    "customer_id", ["nonsense", to_global_id("Product", 1), to_global_id("User", "abc")], ids=["garbage", "product", "bad pk"]
)
def test_bad_customer_id_is_a_clean_error(staff_api_client: ApiClient, customer_id: str) -> None:
    errors = get_graphql_errors(staff_api_client.post_graphql(ACCOUNT_QUERY, {"customerId": customer_id}))
    assert error_codes(errors) == ["GraphQLError"]
    assert errors[0]["message"].startswith(f"Invalid ID: {customer_id}. Expected: User")


def test_company_buyers_share_the_company_account(
    company_buyer: Any, create_user: Any, company: Any, adjust: Any
) -> None:
    from saleor_loyalty.models import CompanyMember, CompanyRole

    colleague = create_user()
    CompanyMember.objects.create(company=company, user=colleague, role=CompanyRole.BUYER)
    adjust(company_buyer, 70)
    account = read_account(ApiClient(colleague))
    assert account is not None and account["available"] == 70


# --- adjusting ---


def test_staff_adjusts_points(customer: Any, adjust: Any) -> None:
    payload = adjust(customer, 250, "apology for a late delivery")
    assert payload["errors"] == []
    assert payload["account"] == {"customerId": gid(customer), "available": 250, "lifetimeEarned": 250}
    assert payload["transaction"]["kind"] == "ADJUST"
    assert payload["transaction"]["points"] == 250
    assert payload["transaction"]["isReplay"] is False


def test_same_key_and_arguments_replay_the_first_adjustment(customer: Any, adjust: Any) -> None:
    first = adjust(customer, 40, key="ticket-17")
    again = adjust(customer, 40, key="ticket-17")
    assert again["errors"] == []
    assert again["transaction"]["isReplay"] is True
    assert again["transaction"]["id"] == first["transaction"]["id"]
    assert again["account"]["available"] == 40


def test_same_key_with_other_arguments_is_refused(customer: Any, adjust: Any) -> None:
    adjust(customer, 40, key="ticket-17")
    payload = adjust(customer, 41, key="ticket-17")
    assert [error["code"] for error in payload["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert payload["account"] is None


def test_client_keys_cannot_take_the_systems_keys(customer: Any, adjust: Any) -> None:
    adjust(customer, 5, key="order:1:earn")
    assert not LedgerTransaction.objects.filter(idempotency_key="order:1:earn").exists()


def test_removing_more_than_available_is_refused(customer: Any, adjust: Any) -> None:
    adjust(customer, 30)
    payload = adjust(customer, -31)
    assert [error["code"] for error in payload["errors"]] == ["INSUFFICIENT_POINTS"]


@pytest.mark.parametrize(
    ("points", "reason", "key", "errors"),
    [
        (0, "x", None, [("points", "INVALID")]),
        (MAX_ADJUSTMENT_POINTS + 1, "x", None, [("points", "INVALID")]),
        (-MAX_ADJUSTMENT_POINTS - 1, "x", None, [("points", "INVALID")]),
        (5, "   ", None, [("reason", "INVALID")]),
        (5, "r" * 256, None, [("reason", "INVALID")]),
        (5, "x", "k" * 101, [("idempotencyKey", "INVALID")]),
        (0, "", "", [("points", "INVALID"), ("reason", "INVALID"), ("idempotencyKey", "INVALID")]),
    ],
)
def test_bad_input_is_reported_and_changes_nothing(
    customer: Any, adjust: Any, points: int, reason: str, key: str | None, errors: list[tuple[str, str]]
) -> None:
    before = LedgerTransaction.objects.count()
    payload = adjust(customer, points, reason, key)
    assert [(error["field"], error["code"]) for error in payload["errors"]] == errors
    assert all(error["message"] for error in payload["errors"])
    assert payload["account"] is None and payload["transaction"] is None
    assert LedgerTransaction.objects.count() == before


@pytest.mark.parametrize(
    ("customer_id", "code"),
    [
        (to_global_id("User", 10**9), "NOT_FOUND"),
        ("bm9wZQ==", "GRAPHQL_ERROR"),
        (to_global_id("ProductVariant", 3), "GRAPHQL_ERROR"),
    ],
)
def test_unknown_or_malformed_customer_is_reported(staff_api_client: ApiClient, customer_id: str, code: str) -> None:
    variables = {"customerId": customer_id, "points": 5, "reason": "x"}
    content = get_graphql_content(staff_api_client.post_graphql(ADJUST_MUTATION, variables))
    [error] = content["data"]["loyaltyPointsAdjust"]["errors"]
    assert (error["field"], error["code"]) == ("customerId", code)
    assert LedgerTransaction.objects.count() == 0


def test_customer_cannot_adjust_points(customer: Any, customer_api_client: ApiClient) -> None:
    variables = {"customerId": gid(customer), "points": 1000, "reason": "free points"}
    response = customer_api_client.post_graphql(ADJUST_MUTATION, variables)
    errors = get_graphql_errors(response)
    assert error_codes(errors) == ["PermissionDenied"]
    assert json.loads(response.content)["data"] == {"loyaltyPointsAdjust": None}
    assert LedgerTransaction.objects.count() == 0


def test_staff_with_other_permissions_cannot_adjust_points(create_user: Any, grant: Any, customer: Any) -> None:
    staff = create_user(is_staff=True)
    grant(staff, LoyaltyPermission.MANAGE_DISCOUNTS, LoyaltyPermission.MANAGE_ORDERS)
    variables = {"customerId": gid(customer), "points": 5, "reason": "x"}
    errors = get_graphql_errors(ApiClient(staff).post_graphql(ADJUST_MUTATION, variables))
    assert errors[0]["extensions"]["exception"] == {"code": "PermissionDenied", "permissions": ["MANAGE_USERS"]}


class AppBackend:
    """A Saleor app with MANAGE_USERS, as the Saleor adapter would report it."""

    def get_requestor(self, request: Any) -> Requestor:
        return Requestor(app=object(), permissions=frozenset({LoyaltyPermission.MANAGE_USERS}))


def test_apps_read_accounts_but_cannot_adjust(customer: Any) -> None:
    def run(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables})
        request = RequestFactory().post("/graphql/", data=body, content_type="application/json")
        return json.loads(graphql_view(request, auth_backend=AppBackend()).content)  # type: ignore[no-any-return]

    read = run(ACCOUNT_QUERY, {"customerId": gid(customer)})
    assert read["data"]["loyaltyAccount"]["available"] == 0
    adjusted = run(ADJUST_MUTATION, {"customerId": gid(customer), "points": 5, "reason": "x"})
    assert error_codes(adjusted["errors"]) == ["PermissionDenied"]
    assert "apps cannot" in adjusted["errors"][0]["message"]
