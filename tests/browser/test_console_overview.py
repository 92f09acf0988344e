"""The overview in Chromium: the figures and the charts' marks carry the right numbers.

Same data as tests/console/test_overview.py: issued 335 (February 100, March 235), redeemed 80
in March, outstanding 255, liability 2.55 EUR, two members with no tier.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from saleor_loyalty.graphql.auth import LoyaltyPermission, create_access_token
from saleor_loyalty.models import OrderRecord
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

from ..metrics.conftest import at
from .conftest import save_screenshot
from .console_support import make_user, sign_in, text

pytestmark = pytest.mark.django_db(transaction=True)


def order(user: Any, order_id: str, day: str, total: str) -> None:
    from decimal import Decimal

    OrderRecord.objects.create(order_id=order_id, user=user, email=user.email, channel="web", currency="EUR",
                               goods_total=Decimal(total), status="paid", placed_at=at(day), paid_at=at(day))


def test_overview_figures_and_chart_marks(browser: Any, live_server: Any) -> None:
    a, b = make_user("ann@example.com", staff=False), make_user("ben@example.com", staff=False)
    order(a, "a-feb", "2025-02-10", "100.00")
    order(a, "a-mar", "2025-03-06", "150.00")
    order(b, "b-mar", "2025-03-11", "85.00")
    points.credit_points_for_order(Owner.customer(a.pk), "a-feb", points=100, now=at("2025-02-10"))
    points.credit_points_for_order(Owner.customer(a.pk), "a-mar", points=150, now=at("2025-03-06"))
    points.credit_points_for_order(Owner.customer(b.pk), "b-mar", points=85, now=at("2025-03-11"))
    points.redeem_points(Owner.customer(a.pk), "redeem:a-mar", points=80, reason="paid", order_id="a-mar",
                         now=at("2025-03-21"))
    from datetime import date
    from decimal import Decimal

    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.services import liability

    for day in (date(2025, 2, 28), date(2025, 3, 31)):
        liability.take_liability_snapshot(day, config=ProgramConfig(point_value=Decimal("0.01")),
                                          now=at("2025-04-02"))
    staff = make_user("boss@example.com", *LoyaltyPermission)
    sign_in(browser, live_server, staff.email)
    browser.get(f"{live_server.url}/console/?period=2025-02-01..2025-03-31")
    figures = {name: text(browser, f"#fig-{name}") for name in ("members", "issued", "redeemed", "outstanding",
                                                                "liability", "redemption", "rcr")}
    assert figures == {"members": "2", "issued": "335", "redeemed": "80", "outstanding": "255",
                       "liability": "2.55 EUR", "redemption": "23.88 %", "rcr": "50.00 %"}
    bars = {(mark.get_attribute("data-series"), mark.get_attribute("data-label")): mark.get_attribute("data-value")
            for mark in browser.find_elements(By.CSS_SELECTOR, "#chart-points rect")}
    assert bars == {("issued", "2025-02"): "100", ("redeemed", "2025-02"): "0",
                    ("issued", "2025-03"): "235", ("redeemed", "2025-03"): "80"}
    # the drawn heights keep the proportions: March's issued bar is 2.35 times February's
    heights = {mark.get_attribute("data-label"): float(mark.get_attribute("height"))
               for mark in browser.find_elements(By.CSS_SELECTOR, "#chart-points rect[data-series=issued]")}
    assert heights["2025-03"] / heights["2025-02"] == pytest.approx(2.35, rel=0.01)
    # the liability line: outstanding at the end of each month, from the daily snapshots
    dots = {(mark.get_attribute("data-series"), mark.get_attribute("data-label")): mark.get_attribute("data-value")
            for mark in browser.find_elements(By.CSS_SELECTOR, "#chart-liability [data-series]")}
    assert dots[("outstanding", "2025-02")] == "100" and dots[("outstanding", "2025-03")] == "255"
    browser.execute_script("document.getElementById('chart-liability').scrollIntoView()")
    save_screenshot(browser, "console-overview-liability")
    browser.execute_script("window.scrollTo(0, 0)")
    save_screenshot(browser, "console-overview")


def test_api_page_runs_a_query_offline(browser: Any, live_server: Any) -> None:
    staff = make_user("dev@example.com", LoyaltyPermission.MANAGE_USERS)
    sign_in(browser, live_server, staff.email)
    browser.get(f"{live_server.url}/console/api/")
    browser.find_element(By.NAME, "authorization").send_keys(create_access_token(staff))
    browser.find_element(By.ID, "run-query").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda driver: "HTTP 200" in driver.find_element(By.ID, "query-output").text)
    assert '"isStaff": true' in text(browser, "#query-output")
    assert '"MANAGE_USERS"' in text(browser, "#query-output")
    save_screenshot(browser, "console-api")
