"""``loyaltyLiability`` through the GraphQL view: staff with MANAGE_ORDERS read the snapshots and CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.services import liability, points

from .client import run_as

pytestmark = pytest.mark.django_db

QUERY = """query ($from: String!, $to: String) {
  loyaltyLiability(from: $from, to: $to) {
    snapshots { day currency available pending held outstanding earned pointValue value breakageRate expectedBreakage }
    csv
  }
}"""


@pytest.fixture
def snapshot(customer: Any) -> None:
    points.credit_points_for_order(points.Owner.customer(customer.pk), "o-1", points=1200,
                                   available_at=datetime(2026, 3, 1, 9, tzinfo=UTC), now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    liability.take_liability_snapshot(date(2026, 3, 1), config=ProgramConfig(point_value=Decimal("0.01")),
                                      now=datetime(2026, 3, 2, 6, tzinfo=UTC))


def test_staff_with_manage_orders_read_the_snapshots(snapshot: None, create_user: Any, grant: Any) -> None:
    finance = create_user(username="finance", is_staff=True)
    grant(finance, LoyaltyPermission.MANAGE_ORDERS)

    body = run_as(finance, QUERY, {"from": "2026-03-01", "to": "2026-03-31"})[1]

    (row,) = body["data"]["loyaltyLiability"]["snapshots"]
    assert row == {"day": "2026-03-01", "currency": "USD", "available": 1200, "pending": 0, "held": 0,
                   "outstanding": 1200, "earned": 1200, "pointValue": "0.01", "value": "12.00",
                   "breakageRate": "0.000000", "expectedBreakage": 0}
    assert body["data"]["loyaltyLiability"]["csv"].splitlines()[1] == (  # as docs/graphql.md shows it
        "2026-03-01,,USD,1200,0,0,1200,1200,0,0,0,0,0.01,12.00,0.000000,0")


@pytest.mark.parametrize("permission", [None, LoyaltyPermission.MANAGE_USERS])
def test_others_are_refused(snapshot: None, create_user: Any, grant: Any, permission: Any) -> None:
    user = create_user(username="someone", is_staff=permission is not None)
    if permission is not None:
        grant(user, permission)

    body = run_as(user, QUERY, {"from": "2026-03-01"})[1]

    assert body["data"] is None or body["data"].get("loyaltyLiability") is None
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


@pytest.mark.parametrize(("start", "end"), [("2026-02-30", None), ("2026-03-05", "2026-03-01"), ("", None)])
def test_bad_ranges_are_refused(snapshot: None, create_user: Any, grant: Any, start: str, end: str | None) -> None:
    finance = create_user(username="finance", is_staff=True)
    grant(finance, LoyaltyPermission.MANAGE_ORDERS)

    body = run_as(finance, QUERY, {"from": start, "to": end})[1]

    assert body["errors"][0]["extensions"]["exception"]["code"] in {"INVALID", "InvalidInput", "GraphQLError"}
