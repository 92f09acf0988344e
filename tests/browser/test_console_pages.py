"""Every console page renders in Chromium with data in it (the docs' screenshots come from here).

The flows are tested in the other browser modules; this one opens earn rules, gift rules,
referral, companies, rebates, what-if and an order's points, checks each shows its data, and
keeps a screenshot of each for docs/console.md.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.models import CompanyRole, OrderRecord
from saleor_loyalty.services import points, rules
from saleor_loyalty.services.b2b import companies, rebates

from .conftest import save_screenshot
from .console_support import click, make_user, sign_in, text

pytestmark = pytest.mark.django_db(transaction=True)
ORDER_ID = "7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f"


@pytest.fixture
def program() -> dict[str, Any]:
    gold = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "500",
                              "window_days": 365, "multiplier": "1.5"})
    rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "100"})
    rules.create_earn_rule({"name": "Base rate", "kind": "base_rate", "points_per_unit": "1"})
    rules.create_earn_rule({"name": "Gold bonus", "kind": "tier_multiplier", "multiplier": "1.5", "tier_id": gold.pk})
    rules.create_gift_rule({"name": "Tote bag from 150", "threshold": "150", "currency": "USD", "variant_id": 901})
    rules.create_referral_program({"discount_kind": "percent", "discount_value": "10", "referrer_points": 200})
    buyer = make_user("buyer@acme.test", staff=False)
    boss = make_user("boss@acme.test", staff=False)
    acme = companies.create_company("Acme Supplies")
    companies.add_member(acme.company_id, boss.pk, by=companies.Actor.staff(), role=CompanyRole.ADMIN)
    companies.add_member(acme.company_id, buyer.pk, by=companies.Actor.staff(), redemption_limit=500)
    points.credit_bonus(points.Owner.company(acme.company_id), "welcome:acme", points=1200, reason="welcome")
    rebates.create_rebate_program(name="Quarterly volume", period="quarter", currency="USD",
                                  bands=[rebates.Band(Decimal("10000"), Decimal("2")),
                                         rebates.Band(Decimal("50000"), Decimal("4"))],
                                  starts_on=timezone.now().date().replace(month=1, day=1), point_value=Decimal("0.01"))
    day = timezone.now() - timedelta(days=5)
    OrderRecord.objects.create(order_id=ORDER_ID, user=buyer, email=buyer.email, channel="web", currency="USD",
                               goods_total=Decimal("240.00"), status="paid", placed_at=day, paid_at=day,
                               points_earned=240,
                               lines=[{"variant_id": 5, "product_id": 5, "quantity": 4, "base_unit_price": "60.00"}])
    points.credit_points_for_order(points.Owner.customer(buyer.pk), ORDER_ID, points=240)
    return {"company": acme}


def test_every_page_shows_its_data(browser: Any, live_server: Any, program: dict[str, Any]) -> None:
    staff = make_user("sam@example.com", *LoyaltyPermission)
    sign_in(browser, live_server, staff.email)
    base = f"{live_server.url}/console/"
    browser.get(base + "earn-rules/")
    assert "Gold bonus" in text(browser, "#rule-list")
    save_screenshot(browser, "console-earn-rules")
    browser.get(base + "gift-rules/")
    click(browser, "#rule-list a")
    assert browser.find_element(By.ID, "f-variant_id").get_attribute("value") == "901"
    save_screenshot(browser, "console-gift-rule")
    browser.get(base + "referral/")
    assert browser.find_element(By.ID, "f-referrer_points").get_attribute("value") == "200"
    save_screenshot(browser, "console-referral")
    browser.get(base + f"companies/{program['company'].company_id}/")
    assert text(browser, "#pool-available") == "1,440"  # 1,200 welcome + the buyer's 240 (members earn into the pool)
    assert "buyer@acme.test" in text(browser, "#members") and "boss@acme.test" in text(browser, "#members")
    save_screenshot(browser, "console-company")
    browser.get(base + "rebates/")
    assert "10000.000 USD: 2.0000%" in text(browser, "#rebate-list")
    save_screenshot(browser, "console-rebates")
    browser.get(base + f"orders/{ORDER_ID}/")
    assert text(browser, "#order-earned") == "240"
    save_screenshot(browser, "console-order")
    # the what-if: double the base rate in the candidate and run it over the last 30 days
    browser.get(base + "what-if/")
    candidate = browser.find_element(By.ID, "candidate")
    document = candidate.get_attribute("value").replace('"points_per_unit": "1.0000"', '"points_per_unit": "2"', 1)
    assert document != candidate.get_attribute("value")
    browser.execute_script("arguments[0].value = arguments[1]", candidate, document)
    browser.find_element(By.NAME, "days").clear()
    browser.find_element(By.NAME, "days").send_keys("30")
    click(browser, "#run")
    row = browser.find_element(By.CSS_SELECTOR, '#comparison tr[data-figure="points_issued"]').text
    assert row.split()[-3:] == ["240", "480", "+240"], row
    save_screenshot(browser, "console-what-if")
