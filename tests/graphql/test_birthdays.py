"""``loyaltyBirthdaySet`` and ``loyaltyCustomerBirthdayUpdate`` through the GraphQL view."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.models import CustomerLoyalty

from .client import run_as

pytestmark = pytest.mark.django_db

SET = """mutation ($date: String!) {
  loyaltyBirthdaySet(date: $date) {
    birthday { date canChange }
    errors { field code message }
  }
}"""
UPDATE = """mutation ($customerId: ID!, $date: String) {
  loyaltyCustomerBirthdayUpdate(customerId: $customerId, date: $date) {
    birthday { date canChange }
    errors { field code message }
  }
}"""
ACCOUNT = "{ loyaltyAccount { birthday { date canChange } } }"


def test_a_customer_sets_the_birthday_once(shopper: Any) -> None:
    # given: nothing recorded, the account says it can be set
    assert run_as(shopper, ACCOUNT)[1]["data"]["loyaltyAccount"]["birthday"] == {"date": None, "canChange": True}

    # when
    first = run_as(shopper, SET, {"date": "1990-03-01"})[1]["data"]["loyaltyBirthdaySet"]
    second = run_as(shopper, SET, {"date": "1991-03-01"})[1]["data"]["loyaltyBirthdaySet"]

    # then
    assert first == {"birthday": {"date": "1990-03-01", "canChange": False}, "errors": []}
    assert second["birthday"] is None
    assert [(e["field"], e["code"]) for e in second["errors"]] == [("date", "BIRTHDAY_ALREADY_SET")]
    assert run_as(shopper, ACCOUNT)[1]["data"]["loyaltyAccount"]["birthday"] == {"date": "1990-03-01", "canChange": False}


@pytest.mark.parametrize("value", ["2999-01-01", "1800-01-01", "", "1990-02-30", "01/03/1990", "1990-3-1"])
def test_an_implausible_birthday_is_refused(shopper: Any, value: str) -> None:
    result = run_as(shopper, SET, {"date": value})[1]["data"]["loyaltyBirthdaySet"]

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("date", "INVALID")]
    assert not CustomerLoyalty.objects.filter(user=shopper, birthday__isnull=False).exists()


def test_anonymous_callers_cannot_set_a_birthday(db: None) -> None:
    body = run_as(None, SET, {"date": "1990-03-01"})[1]

    assert body["data"]["loyaltyBirthdaySet"] is None
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert not CustomerLoyalty.objects.exists()


def test_staff_correct_and_clear_a_birthday(shopper: Any, staff_user: Any, create_user: Any, grant: Any) -> None:
    from saleor_loyalty.graphql.core.ids import to_global_id

    run_as(shopper, SET, {"date": "1990-03-01"})
    customer_id = to_global_id("User", shopper.pk)

    # without MANAGE_USERS: refused, nothing changed
    other_staff = create_user(username="discounts", is_staff=True)
    grant(other_staff, LoyaltyPermission.MANAGE_DISCOUNTS)
    refused = run_as(other_staff, UPDATE, {"customerId": customer_id, "date": "1990-03-02"})[1]
    assert refused["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    assert CustomerLoyalty.objects.get(user=shopper).birthday == date(1990, 3, 1)

    # with it (the staff_user fixture holds MANAGE_USERS)
    corrected = run_as(staff_user, UPDATE, {"customerId": customer_id, "date": "1990-03-02"})[1]
    cleared = run_as(staff_user, UPDATE, {"customerId": customer_id, "date": None})[1]

    assert corrected["data"]["loyaltyCustomerBirthdayUpdate"] == {
        "birthday": {"date": "1990-03-02", "canChange": False}, "errors": []}
    assert cleared["data"]["loyaltyCustomerBirthdayUpdate"]["birthday"] == {"date": None, "canChange": True}
