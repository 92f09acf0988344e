"""Referral: email normalization, self-referral refusal, the referee discount, the referrer reward."""

from decimal import Decimal

import pytest

from saleor_loyalty.engine.errors import InvalidRule
from saleor_loyalty.engine.referral import calculate_referee_discount, check_referral_use, decide_referrer_reward, normalize_email
from saleor_loyalty.engine.rules import DiscountKind, ProgramTerms, ReferralTerms
from saleor_loyalty.engine.outcomes import ReferralCheck
from saleor_loyalty.engine.values import ReferralParty

from .builders import D, compiled, customer

PERCENT = ReferralTerms(DiscountKind.PERCENT, D(10), referrer_points=500, referee_min_spend=D(50), qualifying_min_amount=D(30),
                        max_rewards_per_referrer=5, period_days=30, currency="EUR")
FIXED = ReferralTerms(DiscountKind.FIXED, D(15), referrer_points=200, currency="EUR")
ANY_CURRENCY = ReferralTerms(DiscountKind.PERCENT, D(10), referrer_points=100)


def rules(terms=PERCENT, **program):
    return compiled(referral=terms, terms=ProgramTerms(**program))


@pytest.mark.parametrize(
    ("email", "normalized"),
    [
        ("Ann@Example.com", "ann@example.com"),
        ("  ann+shop@example.com ", "ann@example.com"),
        ("a.n.n@example.com", "a.n.n@example.com"),  # dots matter outside Gmail
        ("A.N.N+x+y@gmail.com", "ann@gmail.com"),
        ("a.nn@googlemail.com", "ann@gmail.com"),
        ("not-an-email", "not-an-email"),
    ],
)
def test_normalize_email(email, normalized):
    assert normalize_email(email) == normalized


REFERRER = ReferralParty(user_id=1, email="Ann.Smith@gmail.com", company_id=7)


@pytest.mark.parametrize(
    ("referee", "code"),
    [
        (customer(user_id=2, email="bob@example.com", orders_count=0), ReferralCheck.OK),
        (customer(user_id=None, email="bob@example.com", orders_count=0), ReferralCheck.OK),  # guest checkout
        (customer(user_id=1, email="bob@example.com", orders_count=0), ReferralCheck.SAME_USER),
        (customer(user_id=2, email="ann.smith@GMAIL.com", orders_count=0), ReferralCheck.SAME_EMAIL),
        (customer(user_id=2, email="annsmith+promo@googlemail.com", orders_count=0), ReferralCheck.SAME_NORMALIZED_EMAIL),
        (customer(user_id=2, email="bob@example.com", company_id=7, orders_count=0), ReferralCheck.SAME_COMPANY),
        (customer(user_id=2, email="bob@example.com", orders_count=1), ReferralCheck.NOT_FIRST_ORDER),
        (customer(user_id=2, email=None, orders_count=0), ReferralCheck.OK),
    ],
)
def test_check_referral_use(referee, code):
    decision = check_referral_use(REFERRER, referee, rules())
    assert decision.code is code
    assert decision.allowed is (code is ReferralCheck.OK)


@pytest.mark.parametrize("compiled_rules", [rules(referrals_enabled=False), rules(terms=None)], ids=["switched off", "no terms"])
def test_referral_program_off(compiled_rules):
    referee = customer(user_id=2, email="bob@example.com", orders_count=0)
    assert check_referral_use(REFERRER, referee, compiled_rules).code is ReferralCheck.PROGRAM_OFF
    assert calculate_referee_discount(D(100), compiled_rules, currency="EUR").code == "referral:off"
    reward = decide_referrer_reward(D(100), compiled_rules, currency="EUR", is_first_paid_order=True, rewards_in_period=0)
    assert (reward.points, reward.code) == (0, "referral:off")


@pytest.mark.parametrize(
    ("terms", "subtotal", "currency", "amount", "code"),
    [
        (PERCENT, "84.95", "EUR", "8.50", "referral:percent=10"),  # 8.495 half up
        (PERCENT, "50.00", "EUR", "5.00", "referral:percent=10"),
        (PERCENT, "49.99", "EUR", "0.00", "referral:below-min-spend=50"),
        (PERCENT, "84.95", "USD", "0.00", "referral:currency=EUR"),
        (FIXED, "40.00", "EUR", "15.00", "referral:fixed=15"),
        (FIXED, "9.00", "EUR", "9.00", "referral:fixed=15"),  # never more than the goods
        (FIXED, "0", "EUR", "0.00", "referral:below-min-spend=0"),
        (ANY_CURRENCY, "1001", "JPY", "100", "referral:percent=10"),  # 100.1, rounded to yen
    ],
)
def test_referee_discount(terms, subtotal, currency, amount, code):
    discount = calculate_referee_discount(D(subtotal), rules(terms), currency=currency)
    assert (discount.amount, discount.code, discount.currency) == (D(amount), code, currency)
    assert str(discount.amount) == amount
    assert discount.applies is (Decimal(amount) > 0)
    # A percentage that applies travels as a percentage too (a shared voucher computes it per checkout).
    assert discount.percent == (D("10") if code.startswith("referral:percent") else None)


@pytest.mark.parametrize(
    ("order_total", "currency", "first", "count", "points", "code"),
    [
        ("30.00", "EUR", True, 0, 500, "referral:reward=500"),
        ("29.99", "EUR", True, 0, 0, "referral:below-min=30"),
        ("80.00", "EUR", False, 0, 0, "referral:not-first-paid-order"),
        ("80.00", "USD", True, 0, 0, "referral:currency=EUR"),
        ("80.00", "EUR", True, 4, 500, "referral:reward=500"),
        ("80.00", "EUR", True, 5, 0, "referral:limit=5;period=30"),
    ],
)
def test_referrer_reward(order_total, currency, first, count, points, code):
    reward = decide_referrer_reward(D(order_total), rules(), currency=currency, is_first_paid_order=first, rewards_in_period=count)
    assert (reward.points, reward.code) == (points, code)


def test_a_limit_without_a_period_counts_all_time():
    terms = ReferralTerms(DiscountKind.PERCENT, D(5), referrer_points=10, max_rewards_per_referrer=1)
    reward = decide_referrer_reward(D(10), rules(terms), currency="EUR", is_first_paid_order=True, rewards_in_period=1)
    assert reward.code == "referral:limit=1;period=all"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"discount_kind": DiscountKind.PERCENT, "discount_value": D(101)},
        {"discount_kind": DiscountKind.PERCENT, "discount_value": D(0)},
        {"discount_kind": DiscountKind.FIXED, "discount_value": D(5)},  # a fixed amount needs a currency
        {"discount_kind": DiscountKind.PERCENT, "discount_value": D(5), "referee_min_spend": D(10)},  # so does a minimum
        {"discount_kind": DiscountKind.PERCENT, "discount_value": D(5), "referrer_points": -1},
        {"discount_kind": DiscountKind.PERCENT, "discount_value": D(5), "period_days": 0},
    ],
)
def test_bad_referral_terms_are_refused(kwargs):
    kwargs.setdefault("referrer_points", 10)
    with pytest.raises(InvalidRule):
        ReferralTerms(**kwargs)
