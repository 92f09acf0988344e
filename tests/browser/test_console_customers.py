"""Customers in Chromium: look one up, adjust points with a double click, one entry booked."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.models import LedgerTransaction, TransactionKind
from saleor_loyalty.services import points

from .conftest import save_screenshot
from .console_support import click, make_user, sign_in, text

pytestmark = pytest.mark.django_db(transaction=True)


def test_look_up_a_customer_and_double_click_an_adjustment(browser: Any, live_server: Any) -> None:
    staff = make_user("care@example.com", LoyaltyPermission.MANAGE_USERS)
    customer = make_user("dora@example.com", staff=False)
    points.credit_bonus(points.Owner.customer(customer.pk), "welcome:dora", points=40, reason="welcome")
    sign_in(browser, live_server, staff.email)
    # when the customer is looked up by email
    browser.get(f"{live_server.url}/console/customers/")
    browser.find_element(By.ID, "customer-search").send_keys("dora@example.com")
    click(browser, "form.card button[type=submit]")
    save_screenshot(browser, "console-customers")
    click(browser, "#customer-results a")
    assert text(browser, "#balance-available") == "40"
    # and an adjustment is double-clicked
    browser.find_element(By.ID, "f-points").send_keys("150")
    browser.find_element(By.ID, "f-reason").send_keys("Late delivery")
    ActionChains(browser).double_click(browser.find_element(By.ID, "adjust-submit")).perform()
    WebDriverWait(browser, 10).until(lambda driver: "notice=adjusted" in driver.current_url)
    # then one entry is booked, in the staff member's name, and the audit list shows it
    booked = LedgerTransaction.objects.filter(kind=TransactionKind.ADJUST)
    assert booked.count() == 1 and booked.get().staff_user_id == staff.pk
    assert text(browser, "#balance-available") == "190"
    assert "care@example.com" in text(browser, "#adjustments") and "+150" in text(browser, "#adjustments")
    save_screenshot(browser, "console-customer")


def test_the_same_form_sent_twice_without_the_script_books_once(browser: Any, live_server: Any) -> None:
    """The idempotency key, not the script, is what makes it safe: a re-sent form replays."""
    staff = make_user("care2@example.com", LoyaltyPermission.MANAGE_USERS)
    customer = make_user("eve@example.com", staff=False)
    sign_in(browser, live_server, staff.email)
    browser.get(f"{live_server.url}/console/customers/{customer.pk}/")
    browser.find_element(By.ID, "f-points").send_keys("25")
    browser.find_element(By.ID, "f-reason").send_keys("Goodwill")
    # the page's form is submitted twice by script, bypassing the button's once-only guard
    browser.execute_script(
        "const f = document.getElementById('adjust-form'); const d = new FormData(f);"
        "return Promise.all([fetch(f.action, {method: 'POST', body: d, redirect: 'manual'}),"
        "                    fetch(f.action, {method: 'POST', body: d, redirect: 'manual'})]);"
    )
    WebDriverWait(browser, 10).until(lambda _: LedgerTransaction.objects.filter(kind=TransactionKind.ADJUST).exists())
    assert LedgerTransaction.objects.filter(kind=TransactionKind.ADJUST).count() == 1
    assert points.get_balance(points.Owner.customer(customer.pk)).available == 25
