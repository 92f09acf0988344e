"""The fields the storefront kit reads: an account's next expiry, the checkout's discount code in
the quote, and the channel's currency in the program's terms."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import CodeKind, DiscountCode, ReferralCode
from saleor_loyalty.services import points
from saleor_loyalty.services.accounts_read import NextExpiry, get_next_expiry
from tests.services.fakes import FakeShop

from .client import ApiClient, get_graphql_content

pytestmark = pytest.mark.django_db

EXPIRY = "{ loyaltyAccount { available nextExpiry { points expiresAt } } }"
TOKEN = str(uuid.UUID(int=31))
CHECKOUT_ID = to_global_id("Checkout", TOKEN)
DISCOUNT = """query ($id: ID!) {
  loyaltyQuote(checkoutId: $id) { subtotal goodsPaid discount { code kind amount points validUntil } }
}"""


def _grant(user: Any, staff: Any, amount: int, expires_at: datetime | None) -> None:
    points.adjust_points(points.Owner.customer(user.pk), amount, reason="test", staff_user_id=staff.pk, expires_at=expires_at)


def test_next_expiry_sums_the_soonest_day(shopper: Any, staff_user: Any) -> None:
    # given lots expiring on one day (two of them), a later day, never, and one already spent
    day = (timezone.now() + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    _grant(shopper, staff_user, 200, day)
    _grant(shopper, staff_user, 120, day + timedelta(hours=8))
    _grant(shopper, staff_user, 50, day + timedelta(days=33))
    _grant(shopper, staff_user, 70, None)
    # when the customer reads their account
    account = get_graphql_content(ApiClient(shopper).post_graphql(EXPIRY))["data"]["loyaltyAccount"]
    # then the two lots of that day count, with the earlier time
    assert account["available"] == 440
    assert account["nextExpiry"]["points"] == 320
    assert datetime.fromisoformat(account["nextExpiry"]["expiresAt"]) == day


def test_next_expiry_counts_what_is_left_after_spending(shopper: Any, staff_user: Any) -> None:
    soon = timezone.now() + timedelta(days=3)
    _grant(shopper, staff_user, 300, soon)
    # spending takes the soonest-expiring points first
    points.adjust_points(points.Owner.customer(shopper.pk), -100, reason="spent", staff_user_id=staff_user.pk)
    balance = points.get_balance(points.Owner.customer(shopper.pk))
    assert get_next_expiry(balance.account_id, now=timezone.now()) == NextExpiry(200, soon)
    # and nothing is reported once the day has passed (the expiry job takes those points)
    assert get_next_expiry(balance.account_id, now=soon + timedelta(seconds=1)) is None


def test_no_expiry_without_an_account_or_expiring_points(shopper: Any, staff_user: Any) -> None:
    assert get_next_expiry(None, now=timezone.now()) is None
    account = get_graphql_content(ApiClient(shopper).post_graphql(EXPIRY))["data"]["loyaltyAccount"]
    assert account == {"available": 0, "nextExpiry": None}
    _grant(shopper, staff_user, 80, None)
    account = get_graphql_content(ApiClient(shopper).post_graphql(EXPIRY))["data"]["loyaltyAccount"]
    assert account == {"available": 80, "nextExpiry": None}


def test_next_expiry_costs_two_queries(shopper: Any, staff_user: Any) -> None:
    for days in range(1, 21):
        _grant(shopper, staff_user, 10, timezone.now() + timedelta(days=days))
    balance = points.get_balance(points.Owner.customer(shopper.pk))
    with CaptureQueriesContext(connection) as queries:
        assert get_next_expiry(balance.account_id, now=timezone.now()).points == 10  # type: ignore[union-attr]
    assert len(queries) == 2


@pytest.fixture
def checkout(shop: FakeShop, shopper: Any, staff_user: Any) -> Any:
    _grant(shopper, staff_user, 3000, None)
    shop.add_variant(1, "10.00")
    return shop.add_checkout(TOKEN, [(1, 12)], user=shopper)


def _discount(shopper: Any) -> dict[str, Any]:
    return get_graphql_content(ApiClient(shopper).post_graphql(DISCOUNT, {"id": CHECKOUT_ID}))["data"]["loyaltyQuote"]  # type: ignore[no-any-return]


def test_quote_without_a_code_has_no_discount(checkout: Any, shopper: Any) -> None:
    assert _discount(shopper) == {"subtotal": "120.00", "goodsPaid": "120.00", "discount": None}


def test_quote_names_a_redemption_and_its_points(checkout: Any, shopper: Any) -> None:
    redeem = """mutation ($id: ID!) { loyaltyRedeemPoints(checkoutId: $id, points: 800) { errors { code } } }"""
    assert get_graphql_content(ApiClient(shopper).post_graphql(redeem, {"id": CHECKOUT_ID}))["data"] == {
        "loyaltyRedeemPoints": {"errors": []}
    }
    code = DiscountCode.objects.get(kind=CodeKind.REDEMPTION).code
    assert _discount(shopper) == {
        "subtotal": "120.00", "goodsPaid": "112.00",
        "discount": {"code": code, "kind": "REDEMPTION", "amount": "8.00", "points": 800, "validUntil": None},
    }


def test_quote_names_a_next_purchase_code(checkout: Any, shopper: Any) -> None:
    until = datetime(2030, 1, 31, tzinfo=UTC)
    DiscountCode.objects.create(
        code="NEXT-ABC", kind=CodeKind.NEXT_PURCHASE, user=shopper, discount_kind="percent",
        discount_value=Decimal("10"), valid_until=until, source_order_id="o1", rule_id=1,
    )
    checkout.voucher = ("NEXT-ABC", Decimal("12.00"))
    discount = _discount(shopper)["discount"]
    assert discount == {"code": "NEXT-ABC", "kind": "NEXT_PURCHASE", "amount": "12.00", "points": None,
                        "validUntil": until.isoformat()}


def test_quote_names_a_referral_code_and_leaves_the_shops_own_unnamed(
    checkout: Any, shopper: Any, create_user: Any
) -> None:
    ReferralCode.objects.create(user=create_user(), code="REF-FRIEND")
    checkout.voucher = ("REF-FRIEND", Decimal("10.00"))
    assert _discount(shopper)["discount"]["kind"] == "REFERRAL"
    checkout.voucher = ("SUMMER-SALE", Decimal("5.00"))
    assert _discount(shopper)["discount"] == {
        "code": "SUMMER-SALE", "kind": None, "amount": "5.00", "points": None, "validUntil": None
    }


def test_program_tells_the_channels_currency(shop: FakeShop) -> None:
    shop.add_variant(1, "10.00", channel="pl", currency="PLN")
    query = 'query ($c: String!) { loyaltyProgram(channel: $c) { channel currency } }'
    known = get_graphql_content(ApiClient().post_graphql(query, {"c": "pl"}))["data"]["loyaltyProgram"]
    assert known == {"channel": "pl", "currency": "PLN"}
    # a channel the shop does not have is refused (docs/security.md, finding 8)
    unknown = ApiClient().post_graphql(query, {"c": "nowhere"}).json()
    assert unknown["errors"][0]["extensions"]["exception"]["code"] == "CHANNEL_NOT_FOUND"
