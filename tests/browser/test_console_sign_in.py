"""Sign-in in Chromium: a wrong password refused, the right one opens the console."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_loyalty.graphql.auth import LoyaltyPermission

from .conftest import save_screenshot
from .console_support import make_user, sign_in, text

pytestmark = pytest.mark.django_db(transaction=True)


def test_wrong_password_is_refused_then_the_right_one_signs_in(browser: Any, live_server: Any) -> None:
    make_user("sam@example.com", *LoyaltyPermission)
    # when the wrong password is sent
    sign_in(browser, live_server, "sam@example.com", "not-the-password")
    # then the form says so and the console stays closed
    assert "Email or password is wrong" in text(browser, "#sign-in-error")
    save_screenshot(browser, "console-sign-in")
    browser.get(f"{live_server.url}/console/customers/")
    assert browser.current_url.endswith("/console/sign-in/")
    # when the right one is sent
    sign_in(browser, live_server, "sam@example.com")
    # then the console opens, with the session cookie out of JavaScript's reach
    assert browser.current_url == f"{live_server.url}/console/"
    assert "sam@example.com" in text(browser, ".who")
    cookie = browser.get_cookie("loyalty_console")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert browser.execute_script("return document.cookie") == ""
