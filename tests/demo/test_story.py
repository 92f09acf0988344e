"""The demo's later chapters: figures the story prints, checked against the services' own state.

The story runs once per test on the test database (``played``), through the real GraphQL view
and the same services the plugin calls; each test reads what one chapter printed and what it
left in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from saleor_loyalty.demo.cast import Cast
from saleor_loyalty.demo.story import Out, play, seed_cast
from saleor_loyalty.models import (
    CodeKind,
    CodeStatus,
    Company,
    CompanyMember,
    DiscountCode,
    NpsResponse,
    OrderRecord,
    RebateStatement,
)
from saleor_loyalty.services import points
from saleor_loyalty.shop import set_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def played() -> Iterator[tuple[Cast, str]]:
    lines: list[str] = []
    cast = seed_cast()
    try:
        play(cast, out=Out(lines.append))
        yield cast, "\n".join(lines)
    finally:
        set_shop(None)


def _balance(owner: points.Owner) -> tuple[int, int, int]:
    balance = points.get_balance(owner)
    return balance.available, balance.pending, balance.held


def test_every_credit_is_explained_by_parts_that_add_up(played: tuple[Cast, str]) -> None:
    cast, text = played
    # given every "why:" line the story printed, one per credited order
    whys = re.findall(r"why: (\d+) = (.+)", text)
    credited = OrderRecord.objects.filter(credited=True, points_earned__gt=0)
    # then there is one per credited order, with the points the order records, and its parts sum to it
    assert sorted(int(total) for total, _ in whys) == sorted(record.points_earned for record in credited)
    assert len(whys) == 9  # Alice 3, Bob 2, Carol 2 (one in zloty), Wes, Dana
    for total, parts in whys:
        assert sum(int(part.split(" ", 1)[0]) for part in parts.split(" + ")) == int(total)
    assert "why: 346 = 197 at 1 point(s) per $1 of $197.00 paid + 149 from 'Double points on brewing gear' (x2)" in text
    # Alice at Gold (x1.25): 78.30 paid, base 78, tier floor(97.875) - 78 = 19, the kettle's bonus 58.
    assert ("why: 155 = 78 at 1 point(s) per $1 of $78.30 paid + 19 for tier Gold (x1.25 the base) "
            "+ 58 from 'Double points on brewing gear' (x2)") in text


def test_the_company_pool_collects_its_members_orders_and_the_rebate(played: tuple[Cast, str]) -> None:
    cast, text = played
    company = Company.objects.get(name="Brew Bar Ltd")
    members = dict(CompanyMember.objects.filter(company=company).values_list("user_id", "role"))
    assert members == {cast.wes.user.pk: "admin", cast.dana.user.pk: "buyer"}
    # Wes: 30 x 17.00 + 20 x 4.80 = 606.00 -> 606 points; Dana, once the company is Gold: 12 x 18.00
    # = 216.00 -> 216 + 54 (x1.25) = 270. Both into the pool: a member's account is the pool.
    assert "why: 606 = 606 at 1 point(s) per $1 of $606.00 paid" in text
    assert "why: 270 = 216 at 1 point(s) per $1 of $216.00 paid + 54 for tier Gold (x1.25 the base)" in text
    assert "Brew Bar Ltd's pool: available 0, pending 876, held 0, lifetime earned 876" in text
    # The month's rebate: 822.00 x 2% = 16.44, at 0.01 a point 1,644 points, paid once into the pool.
    statement = RebateStatement.objects.get(company=company)
    assert (statement.orders_count, statement.spend, statement.percent) == (2, Decimal("822.00"), Decimal("2"))
    assert (statement.rebate_amount, statement.points, statement.status) == (Decimal("16.44"), 1644, "credited")
    assert "$822.00 spent x 2% = $16.44; / $0.01 a point = 1644 points, credited" in text
    assert "$1,178.00 more reaches 4%" in text
    assert "Brew Bar Ltd's pool: available 1644, pending 876, held 0, lifetime earned 2520 (+1644 available)" in text
    assert _balance(points.Owner.company(company.pk)) == (1644, 876, 0)
    assert _balance(points.Owner.customer(cast.dana.user.pk)) == (1644, 876, 0)


def test_a_next_purchase_code_is_the_earners_and_spent_once(played: tuple[Cast, str]) -> None:
    cast, text = played
    codes = DiscountCode.objects.filter(kind=CodeKind.NEXT_PURCHASE, user_id=cast.alice.user.pk)
    # Only Alice's first order (197.00) reached the rule's 100.00; her second paid 70.00.
    assert [(code.status, code.discount_value) for code in codes] == [(CodeStatus.USED, Decimal("10"))]
    code = codes[0].code
    assert "Bob tries Alice's code: NOT_OWNER: this discount belongs to another customer" in text
    assert f"loyaltyNextPurchaseDiscountApply: {code} takes $8.70 off (10% of the goods, rounded once)" in text
    order = OrderRecord.objects.get(voucher_code=code)
    assert (order.user_id, order.goods_total) == (cast.alice.user.pk, Decimal("78.30"))
    assert "Alice's unused codes now: none" in text


def test_points_of_an_old_order_expire_in_todays_task(played: tuple[Cast, str]) -> None:
    cast, text = played
    # Bob's order of 400 days ago: 2 x 24.00 = 48 points, valid 365 days from 14 days after it.
    old = OrderRecord.objects.filter(user_id=cast.bob.user.pk).order_by("placed_at").first()
    assert old is not None and (old.goods_total, old.points_earned) == (Decimal("48.00"), 48)
    assert "Bob before today's task: available 0, pending 113, held 0, lifetime earned 113" in text
    assert ": 0 lot(s) matured, 1 lot(s) expired" in text
    assert "Bob: 48 points expired; available 0, pending 65, held 0, lifetime earned 113" in text
    assert "Bob's statement: EXPIRE PENDING -48  points expired" in text
    # Only that order's lot was due: the rest of the story keeps its points.
    assert _balance(points.Owner.customer(cast.bob.user.pk)) == (0, 65, 0)
    assert _balance(points.Owner.customer(cast.alice.user.pk)) == (46, 483, 0)
    # Carol: 34 from her first order, 44 from her zloty order at the story's end (both pending).
    assert _balance(points.Owner.customer(cast.carol.user.pk)) == (50, 34 + 44, 0)


def test_staff_with_manage_orders_read_the_metrics_and_nps(played: tuple[Cast, str]) -> None:
    cast, text = played
    assert "Sam    VXNlcjo" in text and "permissions: MANAGE_DISCOUNTS, MANAGE_ORDERS, MANAGE_USERS" in text
    assert "Alice asking for the metrics: PermissionDenied" in text
    assert [(answer.score, answer.user_id) for answer in NpsResponse.objects.order_by("id")] == [
        (9, cast.alice.user.pk), (10, cast.dana.user.pk), (6, cast.bob.user.pk)]
    # Eight orders: Alice 3, Bob 2 (one of 400 days ago), Carol, Wes, Dana; revenue
    # 48 + 197 + 70 + 34 + 65 - 32.50 + 606 + 216 + 78.30.
    assert "orders 8 from 5 customers (2 came back: repeat customer rate 40.0%); revenue $1,281.80" in text
    # Redeemed: Alice's 800; expired: Bob's old 48.
    assert "redeemed 800 (redemption rate 19.8%), expired 48 (breakage 1.2%)" in text
    # Promoters 2 of 3 (66.7%) less detractors 1 of 3 (33.3%).
    assert "NPS +33.3 from 3 answers: 2 promoter(s) - 1 detractor(s), 0 passive(s)" in text


def test_a_second_channel_earns_at_its_own_terms_and_counts_in_dollars(played: tuple[Cast, str]) -> None:
    cast, text = played
    # Carol: 2 x Filter roast at 4 x $22.00 = 176.00 zl; 0.25 point per zl -> 44 points; tier spend 44.00 USD.
    order = OrderRecord.objects.get(channel="demo-pln")
    assert (order.currency, order.goods_total, order.points_earned, order.rate_to_base) == (
        "PLN", Decimal("176.00"), 44, Decimal("0.25"))
    assert "Carol reads demo-pln: 0.25 point per 1 zł, 1 point = 0.04 zł; prices in PLN, tiers counted in USD" in text
    assert "why: 44 = 44 at 0.25 point(s) per 1 zł of 176.00 zł paid" in text
    assert "tier spend: 176.00 zł x 0.25 = $44.00" in text
