"""Customers page: lookup, balance, adjustment with an idempotency key per form, audit list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.models import LedgerTransaction, TransactionKind
from saleor_loyalty.services import points

from .conftest import csrf_of

pytestmark = pytest.mark.django_db


def _form(html: str) -> dict[str, str]:
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert key
    return {"csrf_token": csrf_of(html), "idempotency_key": key.group(1)}


def test_find_a_customer_by_email_and_by_id(console: Client, customer: Any) -> None:
    customer.email = "dora@example.com"
    customer.save()
    by_email = console.get("/console/customers/", {"q": "dora@example.com"}).content.decode()
    by_id = console.get("/console/customers/", {"q": str(customer.pk)}).content.decode()
    assert f'/console/customers/{customer.pk}/' in by_email
    assert f'/console/customers/{customer.pk}/' in by_id


def test_the_same_form_posted_twice_books_one_adjustment(console: Client, customer: Any, all_staff: Any) -> None:
    # given the customer page with its adjustment form
    page = console.get(f"/console/customers/{customer.pk}/").content.decode()
    form = {**_form(page), "points": "150", "reason": "Goodwill for a late delivery"}
    # when it is posted twice (a double click)
    first = console.post(f"/console/customers/{customer.pk}/", form)
    second = console.post(f"/console/customers/{customer.pk}/", form)
    # then one adjustment is booked, in the staff member's name
    assert first.status_code == second.status_code == 303
    adjustments = LedgerTransaction.objects.filter(kind=TransactionKind.ADJUST)
    assert adjustments.count() == 1
    assert adjustments.get().staff_user_id == all_staff.pk
    assert points.get_balance(points.Owner.customer(customer.pk)).available == 150
    shown = console.get(f"/console/customers/{customer.pk}/").content.decode()
    assert 'id="balance-available">150<' in shown
    assert all_staff.email in shown and "Goodwill for a late delivery" in shown


def test_bad_adjustment_shows_errors_beside_fields_and_books_nothing(console: Client, customer: Any) -> None:
    page = console.get(f"/console/customers/{customer.pk}/").content.decode()
    response = console.post(f"/console/customers/{customer.pk}/", {**_form(page), "points": "0", "reason": " "})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="points">An adjustment must add or remove at least one point.' in html
    assert 'data-field="reason">Give a reason' in html
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.ADJUST).exists()


def test_removing_more_than_the_balance_is_refused(console: Client, customer: Any) -> None:
    page = console.get(f"/console/customers/{customer.pk}/").content.decode()
    response = console.post(f"/console/customers/{customer.pk}/", {**_form(page), "points": "-5", "reason": "typo"})
    assert response.status_code == 200
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.ADJUST).exists()


def test_an_unknown_customer_is_a_404(console: Client) -> None:
    assert console.get("/console/customers/999999/").status_code == 404
