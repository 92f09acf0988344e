"""Referrals: codes, sign-up attribution and self-referral, the first-order discount, the reward."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import ReferralRefused
from saleor_loyalty.models import Referral, ReferralStatus
from saleor_loyalty.services import orders, points, quotes, referrals, rules

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def program() -> Any:
    return rules.create_referral_program(
        {"discount_kind": "percent", "discount_value": "10", "referrer_points": 500, "currency": "EUR",
         "referee_min_spend": "50", "qualifying_min_amount": "30", "max_rewards_per_referrer": 2, "period_days": 30}
    )


@pytest.fixture
def referrer(create_user: Any, shop: FakeShop, db: None) -> Any:
    user = create_user(email="ann.smith@gmail.com")
    shop.add_customer(user)
    return user


@pytest.fixture
def make_referee(create_user: Any, shop: FakeShop) -> Any:
    def make(email: str, *, orders_count: int = 0) -> Any:
        user = create_user(email=email)
        shop.add_customer(user, orders_count=orders_count)
        return user

    return make


def _points(user: Any) -> points.Balance:
    return points.get_balance(points.Owner.customer(user.pk))


def test_referral_code_is_made_once_with_a_link(referrer: Any):
    config = ProgramConfig(referral_link_base="https://shop.example/join")
    first = referrals.create_referral_code(referrer.pk, config=config)
    again = referrals.create_referral_code(referrer.pk)
    assert first.code == again.code and first.code.startswith("REF-")
    assert first.link == f"https://shop.example/join?ref={first.code}"


def test_signup_with_a_code_is_recorded_and_gets_the_signup_bonus(
    program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    # given
    rules.create_earn_rule({"name": "Welcome", "kind": "signup_bonus", "points": 100})
    code = referrals.create_referral_code(referrer.pk).code
    referee = make_referee("bob@example.com")

    # when
    info = referrals.attribute_signup(referee.pk, code.lower(), config=config, now=now)

    # then
    assert (info.referrer_id, info.referee_id, info.status) == (referrer.pk, referee.pk, ReferralStatus.REGISTERED)
    assert _points(referee).available == 100
    assert list(Referral.objects.filter(referrer=referrer).values_list("status", flat=True)) == ["registered"]


@pytest.mark.parametrize(
    ("email", "orders_count", "reason"),
    [
        ("Ann.Smith@gmail.com", 0, "same_email"),
        ("annsmith+shop@googlemail.com", 0, "same_normalized_email"),
        ("carol@example.com", 2, "not_first_order"),
    ],
)
def test_self_referral_and_returning_customers_are_refused(
    program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime, email: str, orders_count: int, reason: str
):
    code = referrals.create_referral_code(referrer.pk).code
    referee = make_referee(email, orders_count=orders_count)
    with pytest.raises(ReferralRefused) as exc:
        referrals.attribute_signup(referee.pk, code, config=config, now=now)
    assert exc.value.reason == reason
    assert not Referral.objects.exists()


def test_own_code_unknown_code_and_second_referral_are_refused(
    program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    code = referrals.create_referral_code(referrer.pk).code
    with pytest.raises(ReferralRefused, match="same_user"):
        referrals.attribute_signup(referrer.pk, code, config=config, now=now)
    referee = make_referee("bob@example.com")
    with pytest.raises(ReferralRefused) as exc:
        referrals.attribute_signup(referee.pk, "REF-NOPE", config=config, now=now)
    assert exc.value.reason == "unknown_code"
    referrals.attribute_signup(referee.pk, code, config=config, now=now)
    with pytest.raises(ReferralRefused) as exc2:
        referrals.attribute_signup(referee.pk, code, config=config, now=now)
    assert exc2.value.reason == "already_referred"


def test_referee_discount_is_attached_and_checked_before_the_order(
    shop: FakeShop, program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    # given
    referee = make_referee("bob@example.com")
    referrals.attribute_signup(referee.pk, referrals.create_referral_code(referrer.pk).code, config=config, now=now)
    shop.add_variant(1, "84.95")
    shop.add_checkout("tok", [(1, 1)], user=referee)

    # when
    discount = referrals.apply_referral_discount("tok", user_id=referee.pk, config=config, now=now)

    # then: 10 % of 84.95, half up, under the referrer's own referral code
    assert discount.amount == Decimal("8.50")
    assert shop.checkouts["tok"].voucher == (referrals.create_referral_code(referrer.pk).code, Decimal("8.50"))
    assert referrals.check_referral_discount(quotes.fetch_checkout("tok"), user_id=referee.pk, config=config, now=now).allowed
    # the referee placed another order meanwhile: not the first any more
    shop.add_customer(referee, orders_count=1)
    check = referrals.check_referral_discount(quotes.fetch_checkout("tok"), user_id=referee.pk, config=config, now=now)
    assert (check.allowed, check.reason) == (False, "not_first_order")


def test_referral_discount_below_min_spend_or_for_another_customer_is_refused(
    shop: FakeShop, program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    referee = make_referee("bob@example.com")
    referrals.attribute_signup(referee.pk, referrals.create_referral_code(referrer.pk).code, config=config, now=now)
    shop.add_variant(1, "20.00")
    shop.add_checkout("small", [(1, 1)], user=referee)
    shop.add_checkout("theirs", [(1, 5)], user=referrer)
    with pytest.raises(ReferralRefused) as exc:
        referrals.apply_referral_discount("small", user_id=referee.pk, config=config, now=now)
    assert exc.value.reason == "not_applicable"
    with pytest.raises(ReferralRefused) as exc2:
        referrals.apply_referral_discount("theirs", user_id=referee.pk, config=config, now=now)
    assert exc2.value.reason == "not_owner"
    assert shop.checkouts["small"].voucher is None


def test_first_paid_order_rewards_the_referrer_and_cancel_reverses_it(
    shop: FakeShop, program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    # given
    referee = make_referee("bob@example.com")
    referrals.attribute_signup(referee.pk, referrals.create_referral_code(referrer.pk).code, config=config, now=now)
    orders.record_order(make_order("o1", referee, placed_at=now, goods="40"))

    # when
    credit = orders.credit_order("o1", config=config, now=now)

    # then
    assert credit.referrer_points == 500
    assert _points(referrer).available == 500
    referral = Referral.objects.get()
    assert (referral.status, referral.qualifying_order_id) == (ReferralStatus.REWARDED, "o1")

    # when the order is cancelled
    cancelled = orders.cancel_order("o1", config=config, now=now)

    # then
    assert cancelled.referral_points_reversed == 500
    assert _points(referrer).available == 0
    assert Referral.objects.get().status == ReferralStatus.REVERSED


def test_rewards_are_limited_per_referrer_per_period(
    program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    code = referrals.create_referral_code(referrer.pk).code
    results = []
    for index in range(3):
        referee = make_referee(f"friend{index}@example.com")
        referrals.attribute_signup(referee.pk, code, config=config, now=now)
        orders.record_order(make_order(f"o{index}", referee, placed_at=now, goods="40"))
        results.append(orders.credit_order(f"o{index}", config=config, now=now + timedelta(minutes=index)))
    assert [result.referrer_points for result in results] == [500, 500, 0]
    refused = Referral.objects.get(status=ReferralStatus.REFUSED)
    assert refused.refusal_reason == "referral:limit=2;period=30"


def test_an_order_below_the_qualifying_amount_earns_no_reward(
    program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    referee = make_referee("bob@example.com")
    referrals.attribute_signup(referee.pk, referrals.create_referral_code(referrer.pk).code, config=config, now=now)
    orders.record_order(make_order("o1", referee, placed_at=now, goods="29.99"))
    assert orders.credit_order("o1", config=config, now=now).referrer_points == 0
    assert Referral.objects.get().status == ReferralStatus.REFUSED


def test_recording_the_order_spends_the_referral_code(
    shop: FakeShop, program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    referee = make_referee("bob@example.com")
    code = referrals.create_referral_code(referrer.pk).code
    referrals.attribute_signup(referee.pk, code, config=config, now=now)
    shop.add_variant(1, "100.00")
    shop.add_checkout("tok", [(1, 1)], user=referee)
    referrals.apply_referral_discount("tok", user_id=referee.pk, config=config, now=now)
    orders.record_order(make_order("o1", referee, placed_at=now, goods="90", voucher_code=code))

    check = referrals.check_referral_discount(quotes.fetch_checkout("tok"), user_id=referee.pk, config=config, now=now)
    assert (check.allowed, check.reason) == (False, "already_used")
    with pytest.raises(ReferralRefused) as exc:
        referrals.apply_referral_discount("tok", user_id=referee.pk, config=config, now=now)
    assert exc.value.reason == "already_used"


def test_referees_of_one_referrer_share_the_code_and_no_one_else_may_use_it(
    shop: FakeShop, program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    code = referrals.create_referral_code(referrer.pk).code
    bob, eve, stranger = (make_referee(f"{name}@example.com") for name in ("bob", "eve", "zed"))
    for referee in (bob, eve):
        referrals.attribute_signup(referee.pk, code, config=config, now=now)
    shop.add_variant(1, "100.00")
    for token, user in (("bob", bob), ("eve", eve), ("zed", stranger), ("own", referrer)):
        shop.add_checkout(token, [(1, 1)], user=user)

    referrals.apply_referral_discount("bob", user_id=bob.pk, config=config, now=now)
    referrals.apply_referral_discount("eve", user_id=eve.pk, config=config, now=now)
    assert shop.checkouts["bob"].voucher == shop.checkouts["eve"].voucher == (code, Decimal("10.00"))

    # the code typed in by a customer it did not refer, or by the referrer, is refused at the order
    shop.checkouts["zed"].voucher = shop.checkouts["own"].voucher = (code, Decimal("10.00"))
    zed = referrals.check_referral_discount(quotes.fetch_checkout("zed"), user_id=stranger.pk, config=config, now=now)
    own = referrals.check_referral_discount(quotes.fetch_checkout("own"), user_id=referrer.pk, config=config, now=now)
    guest = referrals.check_referral_discount(quotes.fetch_checkout("zed"), user_id=None, config=config, now=now)
    assert [(c.allowed, c.reason) for c in (zed, own, guest)] == [
        (False, "not_owner"), (False, "self_referral"), (False, "not_owner")]
    assert referrals.check_referral_discount(quotes.fetch_checkout("bob"), user_id=bob.pk, config=config, now=now).allowed


def test_a_discount_above_what_the_checkout_earns_is_refused(
    shop: FakeShop, program: Any, referrer: Any, make_referee: Any, config: ProgramConfig, now: datetime
):
    # given: the shared voucher's amount was last set for a bigger checkout of another referee
    referee = make_referee("bob@example.com")
    code = referrals.create_referral_code(referrer.pk).code
    referrals.attribute_signup(referee.pk, code, config=config, now=now)
    shop.add_variant(1, "60.00")
    shop.add_checkout("tok", [(1, 1)], user=referee)
    referrals.apply_referral_discount("tok", user_id=referee.pk, config=config, now=now)
    shop.checkouts["tok"].voucher = (code, Decimal("9.00"))

    check = referrals.check_referral_discount(quotes.fetch_checkout("tok"), user_id=referee.pk, config=config, now=now)

    # then: 10 % of 60.00 is 6.00; 9.00 is refused until the discount is applied again
    assert (check.allowed, check.reason) == (False, "discount_changed")
    referrals.apply_referral_discount("tok", user_id=referee.pk, config=config, now=now)
    assert referrals.check_referral_discount(quotes.fetch_checkout("tok"), user_id=referee.pk, config=config, now=now).allowed
