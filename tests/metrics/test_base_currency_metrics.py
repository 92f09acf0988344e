"""Metrics in the base currency: every order at the rate it recorded when paid; no rate, left out and counted."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.models import OrderRecord, OrderStatus
from saleor_loyalty.services.metrics import calculate_program_metrics, parse_period

MARCH = parse_period("2025-03")
D = Decimal


@pytest.fixture
def orders_in_three_currencies(create_user: Callable[..., Any], make_order: Callable[..., Any]) -> None:
    buyer = create_user(email="buyer@example.com")
    usd = make_order(buyer, "2025-03-05", "30.00", channel="us", currency="USD")
    pln = make_order(buyer, "2025-03-06", "100.00", channel="pl", currency="PLN",
                     lines=[{"quantity": 1, "base_unit_price": "120.00", "unit_price": "100.00", "is_gift": False}])
    make_order(buyer, "2025-03-07", "50.00", channel="eu", currency="EUR")  # paid without a EUR rate
    make_order(buyer, "2025-03-08", "20.00", channel="pl", currency="PLN", status=OrderStatus.PLACED)  # not paid
    OrderRecord.objects.filter(pk=usd.pk).update(rate_to_base=D(1))
    OrderRecord.objects.filter(pk=pln.pk).update(rate_to_base=D("0.25"))


def test_a_base_currency_report_converts_at_the_recorded_rates(orders_in_three_currencies: None) -> None:
    # when
    report = calculate_program_metrics(MARCH, point_value=D("0.01"), channel=None, base_currency="USD")

    # then 30.00 USD + 100.00 PLN * 0.25 = 55.00 USD from 2 orders; EUR and the unpaid PLN order are left out
    assert (report.currency, report.in_base_currency, report.unconverted_orders) == ("USD", True, 2)
    assert (report.overall.orders, report.overall.revenue) == (2, D("55.00"))
    # the PLN tier-price discount of 20.00 PLN is 5.00 USD
    assert report.overall.tier_price_discount == D("5.00")


def test_a_channel_report_in_the_base_currency_counts_only_that_channel(orders_in_three_currencies: None) -> None:
    report = calculate_program_metrics(MARCH, point_value=D("0.01"), channel="pl", base_currency="USD")

    assert (report.overall.orders, report.overall.revenue, report.unconverted_orders) == (1, D("25.00"), 1)


def test_a_currency_report_is_unchanged(orders_in_three_currencies: None) -> None:
    report = calculate_program_metrics(MARCH, point_value=D("0.01"), channel="pl")

    assert (report.currency, report.in_base_currency, report.unconverted_orders) == ("PLN", False, None)
    assert (report.overall.orders, report.overall.revenue) == (2, D("120.00"))
