"""Next-purchase discounts: which rule an order earns and until when."""

from datetime import timedelta

import pytest

from saleor_loyalty.engine.errors import InvalidRule
from saleor_loyalty.engine.next_purchase import calculate_next_purchase_offer
from saleor_loyalty.engine.rules import DiscountKind, NextPurchaseRule

from .builders import NOW, D

SMALL = NextPurchaseRule(1, "5 % back", D("50.00"), "EUR", DiscountKind.PERCENT, D(5), valid_days=14)
BIG = NextPurchaseRule(2, "10 off", D("200.00"), "EUR", DiscountKind.FIXED, D(10), valid_days=30)
B2B = NextPurchaseRule(3, "b2b", D("10.00"), "EUR", DiscountKind.PERCENT, D(20), valid_days=7, channel="b2b")
YEN = NextPurchaseRule(4, "yen", D("1000"), "JPY", DiscountKind.FIXED, D("500.4"), valid_days=10)
RULES = (BIG, SMALL, B2B, YEN)


@pytest.mark.parametrize(
    ("total", "currency", "channel", "offer"),
    [
        ("49.99", "EUR", "default", None),
        ("50.00", "EUR", "default", (1, DiscountKind.PERCENT, "5", 14, "next-purchase:rule=1;percent=5")),
        ("199.99", "EUR", "default", (1, DiscountKind.PERCENT, "5", 14, "next-purchase:rule=1;percent=5")),
        ("250.00", "EUR", "default", (2, DiscountKind.FIXED, "10.00", 30, "next-purchase:rule=2;fixed=10.00")),
        # In the b2b channel the b2b rule competes; the higher minimum still wins.
        ("20.00", "EUR", "b2b", (3, DiscountKind.PERCENT, "20", 7, "next-purchase:rule=3;percent=20")),
        ("60.00", "EUR", "b2b", (1, DiscountKind.PERCENT, "5", 14, "next-purchase:rule=1;percent=5")),
        ("250.00", "USD", "default", None),
        ("1000", "JPY", "default", (4, DiscountKind.FIXED, "500", 10, "next-purchase:rule=4;fixed=500")),
    ],
)
def test_offer(total, currency, channel, offer):
    got = calculate_next_purchase_offer(D(total), RULES, currency=currency, channel=channel, now=NOW)
    if offer is None:
        assert got is None
        return
    rule_id, kind, value, days, code = offer
    assert (got.rule_id, got.discount_kind, str(got.discount_value), got.code, got.currency) == (rule_id, kind, value, code, currency)
    assert got.valid_until == NOW + timedelta(days=days)


def test_rules_outside_their_window_give_nothing():
    later = NextPurchaseRule(5, "later", D(1), "EUR", DiscountKind.PERCENT, D(5), valid_days=3, valid_from=NOW + timedelta(hours=1))
    ended = NextPurchaseRule(6, "ended", D(1), "EUR", DiscountKind.PERCENT, D(5), valid_days=3, valid_until=NOW)
    assert calculate_next_purchase_offer(D(100), (later, ended), currency="EUR", channel="default", now=NOW) is None


def test_equal_minimums_go_to_the_lower_id():
    a = NextPurchaseRule(9, "a", D(50), "EUR", DiscountKind.PERCENT, D(5), valid_days=3)
    b = NextPurchaseRule(8, "b", D(50), "EUR", DiscountKind.PERCENT, D(7), valid_days=3)
    assert calculate_next_purchase_offer(D(60), (a, b), currency="EUR", channel="default", now=NOW).rule_id == 8


@pytest.mark.parametrize(
    "kwargs",
    [
        {"valid_days": 0},
        {"min_amount": D(-1)},
        {"discount_value": D(0)},
        {"discount_kind": DiscountKind.PERCENT, "discount_value": D(150)},
        {"currency": "Euro"},
    ],
)
def test_bad_next_purchase_rules_are_refused(kwargs):
    fields = {"min_amount": D(1), "currency": "EUR", "discount_kind": DiscountKind.FIXED, "discount_value": D(5), "valid_days": 7, **kwargs}
    with pytest.raises(InvalidRule):
        NextPurchaseRule(1, "x", **fields)
