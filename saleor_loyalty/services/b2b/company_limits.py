"""Member redemption limits: what a company member may redeem from the shared pool.

A member's ``redemption_limit`` (set by the company's admins or staff through
``services.b2b.companies.set_member_redemption_limit``) caps the points they redeem per calendar
month, in UTC. Counted are their redemption codes (``DiscountCode`` of kind redemption, the row
the redemption path writes for every points discount) created this month that are active
(points held for a checkout) or used (points redeemed on an order); a cancelled code gave its
points back and does not count. Why a month and not one order: an order cap alone lets a buyer
empty the pool with many small orders; a monthly budget is what purchasing departments set.
A member without a limit, and a customer in no company, are limited by the balance only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ...exceptions import CompanyInactive, InvalidInput, MemberRedemptionLimitExceeded
from ...models import CodeKind, CodeStatus, CompanyMember, DiscountCode
from .companies import get_membership

__all__ = ["RedemptionAllowance", "check_member_redemption", "get_member_redemption_allowance"]


@dataclass(frozen=True)
class RedemptionAllowance:
    """What a member redeemed this month and may still redeem; ``remaining`` None: no own limit.

    ``company_id`` None: the customer is in no company (nothing to limit here).
    """

    company_id: int | None
    limit: int | None
    redeemed: int
    remaining: int | None
    period_start: datetime


def get_member_redemption_allowance(
    user_id: int, *, checkout_token: str = "", now: datetime | None = None
) -> RedemptionAllowance:
    """What the member redeemed this calendar month and may still redeem (read only).

    The active code of ``checkout_token`` is left out: a new redemption on that checkout
    replaces it, so counting it would count the same points twice.
    """
    now = (now or timezone.now()).astimezone(UTC)
    period_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    membership = get_membership(user_id)
    if membership is None:
        return RedemptionAllowance(None, None, 0, None, period_start)
    codes = DiscountCode.objects.filter(
        user_id=user_id, kind=CodeKind.REDEMPTION, status__in=[CodeStatus.ACTIVE, CodeStatus.USED],
        created_at__gte=period_start,
    )
    if checkout_token:
        codes = codes.exclude(checkout_token=checkout_token, status=CodeStatus.ACTIVE)
    redeemed = int(codes.aggregate(total=Sum("points"))["total"] or 0)
    limit = membership.redemption_limit
    remaining = None if limit is None else max(limit - redeemed, 0)
    return RedemptionAllowance(membership.company_id, limit, redeemed, remaining, period_start)


def check_member_redemption(
    user_id: int, points: int, *, checkout_token: str = "", now: datetime | None = None
) -> RedemptionAllowance:
    """Refuse a redemption of ``points`` that would pass the member's monthly limit.

    Call it from the redemption path, inside the transaction that holds the points and records
    the code: it locks the member's row, so two checkouts of one member are counted one after
    the other. Customers in no company pass (their own balance limits them). Raises
    ``CompanyInactive`` for a deactivated company and ``MemberRedemptionLimitExceeded``.

    Worked example: limit 5,000 a month; on 10 March the buyer has a used code of 3,000 points
    (an order of 2 March) and an active one of 1,500 on checkout A. Asking 1,000 on checkout B:
    3,000 + 1,500 + 1,000 = 5,500 > 5,000, refused (remaining 500). Asking 2,000 on checkout A
    replaces A's code: 3,000 + 2,000 = 5,000, allowed.
    """
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise InvalidInput("points to redeem must be a positive integer", field="points")
    with transaction.atomic():
        member = CompanyMember.objects.select_for_update().select_related("company").filter(user_id=user_id).first()
        if member is None:
            return get_member_redemption_allowance(user_id, checkout_token=checkout_token, now=now)
        if not member.company.is_active:
            raise CompanyInactive(f"company {member.company_id} is not active", field="company_id")
        allowance = get_member_redemption_allowance(user_id, checkout_token=checkout_token, now=now)
        if allowance.limit is not None and allowance.redeemed + points > allowance.limit:
            raise MemberRedemptionLimitExceeded(
                f"redeeming {points} points would pass the monthly limit of {allowance.limit}"
                f" ({allowance.redeemed} already redeemed this month)",
                limit=allowance.limit, redeemed=allowance.redeemed, requested=points,
            )
    return allowance
