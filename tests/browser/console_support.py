"""Helpers of the console's browser tests: staff users, signing in through the real form."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from saleor_loyalty.graphql.auth import LoyaltyPermission

PASSWORD = "correct horse battery staple"


def make_user(email: str, *permissions: LoyaltyPermission, staff: bool = True) -> Any:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username=email.split("@")[0], email=email, password=PASSWORD,
                                                is_staff=staff)
    for permission in permissions:
        group, _ = Group.objects.get_or_create(name=permission.name)
        user.groups.add(group)
    return user


def sign_in(browser: Any, live_server: Any, email: str, password: str = PASSWORD) -> None:
    browser.get(f"{live_server.url}/console/sign-in/")
    browser.find_element(By.NAME, "email").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form.form button[type=submit]").click()
    # Wait for the answer: signed in (moved off the form) or refused (the error shown).
    WebDriverWait(browser, 10).until(
        lambda driver: not driver.current_url.endswith("/sign-in/") or driver.find_elements(By.ID, "sign-in-error")
    )


def text(browser: Any, css: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, css).text


def click(browser: Any, css: str) -> None:
    """Click what ``css`` finds and wait until the next page has replaced this one.

    The page is marked and the click made by script, then the test waits for a document without
    the mark: Chromium's node handles of a page still settling ("Node with given id does not
    belong to the document") cannot make it miss or repeat a click.
    """
    found = browser.execute_script(
        "const el = document.querySelector(arguments[0]); if (!el) return false;"
        "window.__loyaltyOldPage = true; el.click(); return true;", css)
    assert found, f"nothing matches {css!r}"
    WebDriverWait(browser, 10).until(
        lambda driver: driver.execute_script(
            "return document.readyState === 'complete' && !window.__loyaltyOldPage"))
