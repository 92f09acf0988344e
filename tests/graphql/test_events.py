"""The custom event operations: the event type mutations, loyaltyEventTypes and loyaltyEventPost:
who may call them, idempotency by event id, and refusals that change nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import RequestFactory

from saleor_loyalty.graphql.auth import LoyaltyPermission, Requestor
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.view import graphql_view
from saleor_loyalty.models import LoyaltyEventPosting, LoyaltyEventType
from saleor_loyalty.services import points
from tests.services.fakes import FakeShop

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

EVENT_TYPE_CREATE = """
mutation ($input: LoyaltyEventTypeInput!) {
  loyaltyEventTypeCreate(input: $input) {
    eventType { id code name points maxPerCustomer period channel isActive }
    errors { field message code }
  }
}
"""
EVENT_TYPE_UPDATE = """
mutation ($id: ID!, $input: LoyaltyEventTypeInput!) {
  loyaltyEventTypeUpdate(id: $id, input: $input) { eventType { code points } errors { field code } }
}
"""
EVENT_TYPE_DEACTIVATE = """
mutation ($id: ID!) { loyaltyEventTypeDeactivate(id: $id) { eventType { code isActive } errors { code } } }
"""
EVENT_TYPES = "query ($all: Boolean) { loyaltyEventTypes(includeInactive: $all) { code points isActive } }"
EVENT_POST = """
mutation ($code: String!, $customerId: ID!, $eventId: String!) {
  loyaltyEventPost(code: $code, customerId: $customerId, eventId: $eventId) {
    posting { code customerId eventId points created }
    errors { field message code }
  }
}
"""


def gid(user: Any) -> str:
    return to_global_id("User", user.pk)


def _data(client: ApiClient, query: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(query, variables))["data"][name]  # type: ignore[no-any-return]


# --- custom events ---------------------------------------------------------------------------


@pytest.fixture
def manager_client(create_user: Callable[..., Any], grant: Callable[..., None]) -> ApiClient:
    manager = create_user(username="rules", is_staff=True)
    grant(manager, LoyaltyPermission.MANAGE_DISCOUNTS)
    return ApiClient(manager)


@pytest.fixture
def review(manager_client: ApiClient) -> dict[str, Any]:
    payload = _data(manager_client, EVENT_TYPE_CREATE, {"input": {
        "code": "review", "name": "Product review", "points": 50, "maxPerCustomer": 1, "period": "MONTH"}},
        "loyaltyEventTypeCreate")
    assert payload["errors"] == []
    return payload["eventType"]  # type: ignore[no-any-return]


def test_event_type_create_update_deactivate_and_list(manager_client: ApiClient, review: dict[str, Any]):
    assert review == {"id": review["id"], "code": "review", "name": "Product review", "points": 50,
                      "maxPerCustomer": 1, "period": "MONTH", "channel": "", "isActive": True}
    updated = _data(manager_client, EVENT_TYPE_UPDATE, {"id": review["id"], "input": {"points": 60}},
                    "loyaltyEventTypeUpdate")
    assert updated == {"eventType": {"code": "review", "points": 60}, "errors": []}
    deactivated = _data(manager_client, EVENT_TYPE_DEACTIVATE, {"id": review["id"]}, "loyaltyEventTypeDeactivate")
    assert deactivated == {"eventType": {"code": "review", "isActive": False}, "errors": []}
    listed = get_graphql_content(manager_client.post_graphql(EVENT_TYPES, {"all": False}))["data"]
    assert listed == {"loyaltyEventTypes": []}
    listed = get_graphql_content(manager_client.post_graphql(EVENT_TYPES, {}))["data"]
    assert listed == {"loyaltyEventTypes": [{"code": "review", "points": 60, "isActive": False}]}


def test_event_type_refusals(manager_client: ApiClient, review: dict[str, Any]):
    taken = _data(manager_client, EVENT_TYPE_CREATE, {"input": {"code": "review", "name": "R", "points": 5}},
                  "loyaltyEventTypeCreate")
    bad = _data(manager_client, EVENT_TYPE_CREATE, {"input": {"code": "Bad!", "points": 0}}, "loyaltyEventTypeCreate")
    code_change = _data(manager_client, EVENT_TYPE_UPDATE, {"id": review["id"], "input": {"code": "x"}},
                        "loyaltyEventTypeUpdate")
    assert [e["code"] for e in taken["errors"]] == ["EVENT_TYPE_CODE_TAKEN"]
    assert [e["field"] for e in bad["errors"]] == ["code", "name", "points"]
    assert code_change["errors"] == [{"field": "code", "code": "INVALID"}]
    assert LoyaltyEventType.objects.count() == 1


def test_staff_post_an_event_once(shopper: Any, staff_api_client: ApiClient, review: dict[str, Any]):
    variables = {"code": "review", "customerId": gid(shopper), "eventId": "rev-1"}
    first = _data(staff_api_client, EVENT_POST, variables, "loyaltyEventPost")
    again = _data(staff_api_client, EVENT_POST, variables, "loyaltyEventPost")
    limited = _data(staff_api_client, EVENT_POST, {**variables, "eventId": "rev-2"}, "loyaltyEventPost")
    assert first["posting"] == {"code": "review", "customerId": gid(shopper), "eventId": "rev-1", "points": 50,
                                "created": True}
    assert (again["posting"]["created"], again["posting"]["points"]) == (False, 50)
    assert [e["code"] for e in limited["errors"]] == ["LIMIT_REACHED"]
    assert points.get_balance(points.Owner.customer(shopper.pk)).available == 50


def test_unknown_event_type(shopper: Any, staff_api_client: ApiClient):
    payload = _data(staff_api_client, EVENT_POST, {"code": "nope", "customerId": gid(shopper), "eventId": "1"},
                    "loyaltyEventPost")
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("code", "EVENT_TYPE_NOT_FOUND")]


class AppBackend:
    """A Saleor app with MANAGE_USERS, as the Saleor adapter reports it."""

    def get_requestor(self, request: Any) -> Requestor:
        return Requestor(app=SimpleNamespace(pk=7), permissions=frozenset({LoyaltyPermission.MANAGE_USERS}))


def test_an_app_posts_events_and_is_recorded(shopper: Any, review: dict[str, Any]):
    body = json.dumps({"query": EVENT_POST, "variables": {"code": "review", "customerId": gid(shopper),
                                                          "eventId": "rev-9"}})
    request = RequestFactory().post("/graphql/", data=body, content_type="application/json")
    content = json.loads(graphql_view(request, auth_backend=AppBackend()).content)
    assert content["data"]["loyaltyEventPost"]["posting"]["created"] is True
    posting = LoyaltyEventPosting.objects.get()
    assert (posting.posted_by_app_id, posting.posted_by_user_id) == (7, None)


def test_customers_and_rule_managers_cannot_post(
    shopper: Any, customer_api_client: ApiClient, manager_client: ApiClient, review: dict[str, Any], shop: FakeShop
):
    variables = {"code": "review", "customerId": gid(shopper), "eventId": "rev-1"}
    for client in (customer_api_client, manager_client):
        errors = get_graphql_errors(client.post_graphql(EVENT_POST, variables))
        assert errors[0]["extensions"]["exception"] == {"code": "PermissionDenied", "permissions": ["MANAGE_USERS"]}
    errors = get_graphql_errors(customer_api_client.post_graphql(EVENT_TYPES, {}))
    assert error_codes(errors) == ["PermissionDenied"]
    assert not LoyaltyEventPosting.objects.exists()


def test_event_type_window_from_iso_text(manager_client: ApiClient):
    payload = _data(manager_client, EVENT_TYPE_CREATE, {"input": {
        "code": "summer", "name": "Summer", "points": 5, "startsAt": "2026-06-01T00:00:00+00:00",
        "endsAt": "2026-05-01T00:00:00"}}, "loyaltyEventTypeCreate")
    assert payload["errors"] == [{"field": "endsAt", "code": "INVALID",
                                  "message": "must be an ISO 8601 date and time with its time zone"}]
    payload = _data(manager_client, EVENT_TYPE_CREATE, {"input": {
        "code": "summer", "name": "Summer", "points": 5, "startsAt": "2026-06-01T00:00:00+00:00",
        "endsAt": "2026-09-01T00:00:00+00:00"}}, "loyaltyEventTypeCreate")
    assert payload["errors"] == []
    row = LoyaltyEventType.objects.get()
    assert (row.starts_at.month, row.ends_at.month) == (6, 9)
