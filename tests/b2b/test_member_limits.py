"""check_member_redemption: a member's monthly redemption limit on the shared pool."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.exceptions import (
    CompanyInactive,
    InvalidInput,
    MemberRedemptionLimitExceeded,
)
from saleor_loyalty.models import CodeKind, CodeStatus, CompanyRole, DiscountCode
from saleor_loyalty.services.b2b import companies
from saleor_loyalty.services.b2b.company_limits import (
    check_member_redemption,
    get_member_redemption_allowance,
)

pytestmark = pytest.mark.django_db

MARCH_10 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
_codes = itertools.count(1)


@pytest.fixture
def limited_buyer(acme: companies.CompanyInfo, acme_admin: Any, add_member: Callable[..., Any]) -> Any:
    return add_member(acme.company_id, limit=5000)


@pytest.fixture
def redemption_code(db: None) -> Callable[..., DiscountCode]:
    """A redemption code as the redemption path writes it."""

    def make(user: Any, points: int, *, checkout: str, status: str = CodeStatus.ACTIVE,
             created_at: datetime = MARCH_10) -> DiscountCode:
        closed = None if status == CodeStatus.ACTIVE else created_at
        return DiscountCode.objects.create(
            code=f"PTS-{next(_codes)}", kind=CodeKind.REDEMPTION, user=user, status=status, checkout_token=checkout,
            discount_kind="fixed", discount_value=Decimal(points) / 100, currency="EUR", points=points,
            order_id="order-1" if status == CodeStatus.USED else "", created_at=created_at, closed_at=closed,
        )

    return make


def test_the_docstring_example(limited_buyer: Any, redemption_code: Callable[..., DiscountCode]):
    # given 3,000 points redeemed on an order this month and 1,500 held on checkout A
    redemption_code(limited_buyer, 3000, checkout="done", status=CodeStatus.USED)
    redemption_code(limited_buyer, 1500, checkout="A")

    # when the buyer asks for 1,000 more on checkout B, then it is refused with what is left
    with pytest.raises(MemberRedemptionLimitExceeded) as refused:
        check_member_redemption(limited_buyer.pk, 1000, checkout_token="B", now=MARCH_10)
    assert (refused.value.limit, refused.value.redeemed, refused.value.remaining) == (5000, 4500, 500)
    assert refused.value.code == "MEMBER_REDEMPTION_LIMIT_EXCEEDED"

    # and 2,000 on checkout A replaces A's 1,500: exactly the limit, allowed
    allowance = check_member_redemption(limited_buyer.pk, 2000, checkout_token="A", now=MARCH_10)
    assert (allowance.redeemed, allowance.remaining) == (3000, 2000)


def test_cancelled_codes_and_last_month_do_not_count(limited_buyer: Any, redemption_code: Callable[..., DiscountCode]):
    redemption_code(limited_buyer, 4000, checkout="gone", status=CodeStatus.CANCELLED)
    redemption_code(limited_buyer, 4000, checkout="feb", status=CodeStatus.USED,
                    created_at=datetime(2025, 2, 28, 23, 59, tzinfo=UTC))

    allowance = check_member_redemption(limited_buyer.pk, 5000, checkout_token="new", now=MARCH_10)

    assert (allowance.limit, allowance.redeemed, allowance.remaining) == (5000, 0, 5000)
    assert allowance.period_start == datetime(2025, 3, 1, tzinfo=UTC)


def test_another_members_redemptions_do_not_count(
    acme: companies.CompanyInfo, limited_buyer: Any, add_member: Callable[..., Any],
    redemption_code: Callable[..., DiscountCode],
):
    colleague = add_member(acme.company_id)
    redemption_code(colleague, 9000, checkout="colleague", status=CodeStatus.USED)

    assert check_member_redemption(limited_buyer.pk, 5000, now=MARCH_10).remaining == 5000


def test_members_without_a_limit_and_customers_without_a_company_pass(
    acme_admin: Any, customer: Any, redemption_code: Callable[..., DiscountCode]
):
    redemption_code(acme_admin, 100_000, checkout="big", status=CodeStatus.USED)

    admin = check_member_redemption(acme_admin.pk, 100_000, now=MARCH_10)
    outsider = check_member_redemption(customer.pk, 100_000, now=MARCH_10)

    assert (admin.limit, admin.remaining, admin.redeemed) == (None, None, 100_000)
    assert (outsider.company_id, outsider.limit) == (None, None)


def test_a_limit_set_by_the_admin_takes_effect(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, redemption_code: Callable[..., DiscountCode]
):
    redemption_code(acme_buyer, 800, checkout="x", status=CodeStatus.USED)
    check_member_redemption(acme_buyer.pk, 900, now=MARCH_10)

    companies.set_member_redemption_limit(
        acme.company_id, acme_buyer.pk, 1000, by=companies.Actor.customer(acme_admin.pk))

    with pytest.raises(MemberRedemptionLimitExceeded):
        check_member_redemption(acme_buyer.pk, 201, now=MARCH_10)
    assert get_member_redemption_allowance(acme_buyer.pk, now=MARCH_10).remaining == 200


def test_members_of_an_inactive_company_cannot_redeem(acme: companies.CompanyInfo, acme_buyer: Any):
    companies.update_company(acme.company_id, is_active=False)

    with pytest.raises(CompanyInactive):
        check_member_redemption(acme_buyer.pk, 1, now=MARCH_10)


@pytest.mark.parametrize("points", [0, -5, True, 1.5])
def test_points_must_be_a_positive_integer(acme_buyer: Any, points: Any):
    with pytest.raises(InvalidInput):
        check_member_redemption(acme_buyer.pk, points)


def test_the_admin_role_does_not_lift_a_limit(acme: companies.CompanyInfo, add_member: Callable[..., Any],
                                              redemption_code: Callable[..., DiscountCode]):
    admin = add_member(acme.company_id, role=CompanyRole.ADMIN, limit=100)
    redemption_code(admin, 100, checkout="y", status=CodeStatus.USED)

    with pytest.raises(MemberRedemptionLimitExceeded):
        check_member_redemption(admin.pk, 1, now=MARCH_10)
