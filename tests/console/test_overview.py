"""The overview: the same figures as loyaltyMetrics, and charts whose marks carry those numbers.

Data (EUR, point value 0.01): A orders 100.00 on 2025-02-10 (earns 100) and 150.00 on 2025-03-06
(earns 150), redeems 80 on 2025-03-21; B orders 85.00 on 2025-03-11 (earns 85).
By hand for 2025-02-01..2025-03-31: issued 335, redeemed 80, outstanding 255, liability 2.55 EUR,
redemption rate 80 / 335 = 23.88 %, repeat-customer rate 1 of 2 = 50.00 %; February issues 100,
March 235 and redeems 80.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

from ..metrics.conftest import at, make_order  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
PERIOD = "2025-02-01..2025-03-31"


@pytest.fixture
def program(create_user: Callable[..., Any], make_order: Callable[..., Any]) -> None:  # noqa: F811
    a, b = create_user(), create_user()
    make_order(a, "2025-02-10", "100.00", order_id="a-feb")
    make_order(a, "2025-03-06", "150.00", order_id="a-mar")
    make_order(b, "2025-03-11", "85.00", order_id="b-mar")
    points.credit_points_for_order(Owner.customer(a.pk), "a-feb", points=100, now=at("2025-02-10"))
    points.credit_points_for_order(Owner.customer(a.pk), "a-mar", points=150, now=at("2025-03-06"))
    points.credit_points_for_order(Owner.customer(b.pk), "b-mar", points=85, now=at("2025-03-11"))
    points.redeem_points(Owner.customer(a.pk), "redeem:a-mar", points=80, reason="paid", order_id="a-mar",
                         now=at("2025-03-21"))


def figure(html: str, name: str) -> str:
    found = re.search(rf'id="fig-{name}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def marks(html: str, chart: str) -> dict[tuple[str, str], str]:
    svg = html[html.index(f'id="chart-{chart}"'):]
    svg = svg[: svg.index("</figure>")]
    return {(s, label): value for s, label, value in
            re.findall(r'data-series="([^"]*)" data-label="([^"]*)" data-value="([^"]*)"', svg)}


def test_overview_figures_and_charts(console: Client, program: None) -> None:
    html = console.get("/console/", {"period": PERIOD}).content.decode()
    assert figure(html, "members") == "2"
    assert figure(html, "issued") == "335"
    assert figure(html, "redeemed") == "80"
    assert figure(html, "outstanding") == "255"
    assert figure(html, "liability") == "2.55 EUR"
    assert figure(html, "redemption") == "23.88 %"
    assert figure(html, "rcr") == "50.00 %"
    assert marks(html, "points") == {
        ("issued", "2025-02"): "100", ("redeemed", "2025-02"): "0",
        ("issued", "2025-03"): "235", ("redeemed", "2025-03"): "80",
    }
    assert marks(html, "tiers") == {("members", "no tier"): "2"}


def test_a_bad_period_is_reported(console: Client, program: None) -> None:
    response = console.get("/console/", {"period": "2025-13"})
    assert response.status_code == 400
    assert 'id="overview-error"' in response.content.decode()


def test_the_liability_chart_follows_the_daily_snapshots(console: Client, program: None) -> None:
    from datetime import date
    from decimal import Decimal

    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.services import liability

    # given: snapshots at the end of February and of March (EUR)
    for day in (date(2025, 2, 28), date(2025, 3, 31)):
        liability.take_liability_snapshot(day, config=ProgramConfig(point_value=Decimal("0.01")),
                                          now=at("2025-04-02"))

    html = console.get("/console/", {"period": PERIOD, "currency": "EUR"}).content.decode()

    # then: each month shows what was outstanding at its last snapshot
    assert marks(html, "liability") == {
        ("outstanding", "2025-02"): "100", ("outstanding", "2025-03"): "255",
        ("expected breakage", "2025-02"): "0", ("expected breakage", "2025-03"): "0",
    }
    assert "EUR 2.55 at the last snapshot" in html


def test_without_snapshots_there_is_no_liability_chart(console: Client, program: None) -> None:
    html = console.get("/console/", {"period": PERIOD}).content.decode()
    assert 'id="chart-liability"' not in html
