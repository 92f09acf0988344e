"""The redemption path enforces a member's monthly limit on the shared pool; a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from saleor_loyalty import shop as shop_port
from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import CompanyInactive, MemberRedemptionLimitExceeded
from saleor_loyalty.models import CodeKind, CodeStatus, DiscountCode, HoldStatus, PointHold
from saleor_loyalty.services.b2b import companies
from saleor_loyalty.services import points, redemption, rules
from tests.services.fakes import FakeShop

pytestmark = pytest.mark.django_db

MARCH_10 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_rule_cache() -> Iterator[None]:
    rules.forget_compiled_rules()
    yield
    rules.forget_compiled_rules()


@pytest.fixture
def shop() -> Iterator[FakeShop]:
    fake = FakeShop()
    fake.add_variant(1, "100.00")  # at most 50 % of it: 5,000 points per checkout
    shop_port.set_shop(fake)
    yield fake
    shop_port.set_shop(None)


@pytest.fixture
def config() -> ProgramConfig:
    return ProgramConfig(pending_days=0)


@pytest.fixture
def pool(acme: companies.CompanyInfo) -> points.Owner:
    """Acme's shared pool with 20,000 points."""
    owner = points.Owner.company(acme.company_id)
    points.credit_bonus(owner, "seed", points=20_000, reason="test", now=MARCH_10)
    return owner


@pytest.fixture
def checkout(shop: FakeShop) -> Callable[..., str]:
    def make(user: Any, token: str) -> str:
        shop.add_customer(user)
        shop.add_checkout(token, [(1, 1)], user=user)
        return token

    return make


def _redeem(user: Any, token: str, amount: int, config: ProgramConfig) -> redemption.RedemptionInfo:
    return redemption.redeem_points(token, user_id=user.pk, points=amount, config=config, now=MARCH_10)


def test_a_member_redeems_up_to_the_monthly_limit_and_a_refusal_changes_nothing(
    shop: FakeShop, acme: companies.CompanyInfo, acme_admin: Any, add_member: Callable[..., Any],
    pool: points.Owner, checkout: Callable[..., str], config: ProgramConfig,
):
    # given a buyer allowed 3,000 points a month who holds 2,000 on checkout A
    buyer = add_member(acme.company_id, limit=3000)
    first = _redeem(buyer, checkout(buyer, "A"), 2000, config)
    calls_before = list(shop.calls)

    # when 1,500 more on checkout B would make 3,500
    with pytest.raises(MemberRedemptionLimitExceeded) as refused:
        _redeem(buyer, checkout(buyer, "B"), 1500, config)

    # then it is refused with what is left, and nothing changed
    assert (refused.value.limit, refused.value.redeemed, refused.value.requested) == (3000, 2000, 1500)
    balance = points.get_balance(pool)
    assert (balance.available, balance.held) == (18_000, 2000)
    assert not DiscountCode.objects.filter(checkout_token="B").exists()
    assert not PointHold.objects.filter(checkout_token="B").exists()
    assert shop.checkouts["B"].voucher is None and shop.calls == calls_before

    # and 1,000 on B, exactly the limit, is allowed
    assert _redeem(buyer, "B", 1000, config).points == 1000
    # and replacing A's 2,000 by 2,000 is allowed (A's own code is not counted twice), 2,001 is not
    again = _redeem(buyer, "A", 2000, config)
    assert again.code != first.code
    with pytest.raises(MemberRedemptionLimitExceeded):
        _redeem(buyer, "A", 2001, config)
    assert DiscountCode.objects.get(checkout_token="A", status=CodeStatus.ACTIVE).code == again.code
    assert points.get_balance(pool).held == 3000


def test_used_codes_count_and_a_colleague_without_a_limit_is_not_limited(
    acme: companies.CompanyInfo, acme_buyer: Any, add_member: Callable[..., Any], pool: points.Owner,
    checkout: Callable[..., str], config: ProgramConfig,
):
    # given a limited buyer whose 2,500-point redemption became an order
    buyer = add_member(acme.company_id, limit=3000)
    _redeem(buyer, checkout(buyer, "A"), 2500, config)
    redemption.capture_redemption("A", order_id="order-1", now=MARCH_10)

    # then 600 more is refused, while the unlimited colleague spends 5,000 of the same pool
    with pytest.raises(MemberRedemptionLimitExceeded):
        _redeem(buyer, checkout(buyer, "B"), 600, config)
    assert _redeem(acme_buyer, checkout(acme_buyer, "C"), 5000, config).points == 5000
    assert DiscountCode.objects.filter(kind=CodeKind.REDEMPTION, user=buyer, status=CodeStatus.USED).count() == 1
    assert points.get_balance(pool).available == 20_000 - 2500 - 5000


def test_members_of_a_deactivated_company_cannot_spend_the_pool(
    acme: companies.CompanyInfo, acme_buyer: Any, pool: points.Owner, checkout: Callable[..., str],
    config: ProgramConfig,
):
    companies.update_company(acme.company_id, is_active=False)

    with pytest.raises(CompanyInactive):
        _redeem(acme_buyer, checkout(acme_buyer, "A"), 1000, config)

    assert points.get_balance(pool).held == 0
    assert not PointHold.objects.filter(status=HoldStatus.ACTIVE).exists()
    assert not DiscountCode.objects.exists()
