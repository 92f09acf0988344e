"""Redemption use cases: pay part of a checkout with points, take it back, check it, capture it.

Redeeming holds the points on the ledger (one active hold per checkout) and attaches a
single-use discount code worth them through the shop port. The code row says whose it is and
which hold pays for it, which Saleor's voucher cannot; ``check_redemption_for_order`` checks that
before the order is made, and ``capture_redemption`` turns the hold into a redemption after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.money import quantize
from ..engine.quote import quote_cart
from ..exceptions import InvalidInput, RedemptionRefused
from ..models import CodeKind, CodeStatus, DiscountCode, HoldStatus
from ..shop import CheckoutView, get_shop
from . import points as points_service
from .codes import OrderCheck, generate_code
from .b2b.company_limits import check_member_redemption
from .customers import build_customer_snapshot
from .quotes import fetch_checkout
from .rules.versions import get_compiled_rules


@dataclass(frozen=True)
class RedemptionInfo:
    token: str
    user_id: int
    code: str
    points: int
    amount: Decimal
    currency: str
    hold_id: int | None
    status: str


def _info(code: DiscountCode) -> RedemptionInfo:
    assert code.currency is not None and code.points is not None
    return RedemptionInfo(
        code.checkout_token, code.user_id, code.code, code.points, code.discount_value, code.currency,
        code.hold_id, code.status,
    )


def _active_code(token: str, *, lock: bool = False) -> DiscountCode | None:
    queryset = DiscountCode.objects.select_for_update() if lock else DiscountCode.objects
    return queryset.filter(kind=CodeKind.REDEMPTION, checkout_token=token, status=CodeStatus.ACTIVE).first()


def redeem_points(
    token: str, *, user_id: int, points: int, config: ProgramConfig, now: datetime | None = None
) -> RedemptionInfo:
    """Hold ``points`` of the customer's balance and attach a discount worth them to their checkout.

    Refused (``RedemptionRefused``, nothing changed) when points are off, the checkout is not
    the caller's, ``points`` is under the channel's ``redeem_min_points`` or over what the engine
    allows (``redeem_max_share`` of the goods, a channel's ``redeem_max_amount``, the balance). A company member spends the shared
    pool within the monthly limit their admin set (``company_limits.check_member_redemption``:
    ``MemberRedemptionLimitExceeded``, ``CompanyInactive``). Redeeming again replaces the
    previous hold and code. Worked example: 2,500 points at 0.01 each -> a 25.00 discount; in a
    PLN channel whose point value is 0.04, 500 points -> 20.00 PLN.
    """
    now = now or timezone.now()
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise InvalidInput("points must be a positive whole number", field="points")
    if not config.points_enabled:
        raise RedemptionRefused("points are switched off", reason="program_off")
    checkout = fetch_checkout(token)
    if checkout.user_id is None or checkout.user_id != user_id:
        raise RedemptionRefused("the checkout belongs to another customer", reason="not_owner", field="token")
    rules = get_compiled_rules(config)
    # The checkout's channel decides the minimum, the share or amount cap and a point's value.
    terms = rules.get_terms(checkout.cart.channel)
    if points < terms.redeem_min_points:
        raise RedemptionRefused(
            f"at least {terms.redeem_min_points} points must be redeemed", reason="below_minimum", field="points"
        )
    previous = _active_code(token)
    customer = build_customer_snapshot(user_id, now=now)
    held_before = previous.points if previous is not None and previous.points else 0
    # Our code replaces whatever voucher is attached (one per checkout), and the points the
    # previous hold took come back: judge the new request without either.
    cart = replace(checkout.cart, order_discount=Decimal(0)) if checkout.voucher_code else checkout.cart
    customer = replace(customer, available_points=(customer.available_points or 0) + held_before)
    quote = quote_cart(cart, customer, rules, now=now)
    if points > quote.max_redeemable_points:
        raise RedemptionRefused(
            f"at most {quote.max_redeemable_points} points can be redeemed on this checkout",
            reason="above_maximum", field="points",
        )
    amount = quantize(Decimal(points) * terms.point_value, cart.currency)
    shop = get_shop()
    with transaction.atomic():
        # Locks the member's row first, so two checkouts of one member are counted one after
        # the other; this checkout's own active code is not counted (it is replaced below).
        check_member_redemption(user_id, points, checkout_token=token, now=now)
        hold = points_service.hold_points_for_checkout(
            points_service.Owner.customer(user_id), token, points=points,
            expires_at=now + timedelta(minutes=config.hold_minutes), now=now,
        )
        previous = _active_code(token, lock=True)
        if previous is not None:
            previous.status, previous.closed_at = CodeStatus.CANCELLED, now
            previous.save(update_fields=["status", "closed_at"])
            shop.detach_discount(token, previous.code)
        code = DiscountCode.objects.create(
            code=generate_code("LOYALTY"), kind=CodeKind.REDEMPTION, user_id=user_id, checkout_token=token,
            discount_kind="fixed", discount_value=amount, currency=cart.currency, points=points,
            hold_id=hold.hold_id, created_at=now,
        )
        shop.attach_discount(token, code=code.code, amount=amount, currency=cart.currency)
    return _info(code)


def cancel_redemption(token: str, *, user_id: int, now: datetime | None = None) -> RedemptionInfo | None:
    """Release the checkout's held points and detach the discount; None when nothing was redeemed."""
    now = now or timezone.now()
    with transaction.atomic():
        code = _active_code(token, lock=True)
        if code is None:
            return None
        if code.user_id != user_id:
            raise RedemptionRefused("the redemption belongs to another customer", reason="not_owner", field="token")
        points_service.release_hold_for_checkout(token, reason="redemption cancelled", now=now)
        code.status, code.closed_at = CodeStatus.CANCELLED, now
        code.save(update_fields=["status", "closed_at"])
        get_shop().detach_discount(token, code.code)
    return _info(code)


def check_redemption_for_order(checkout: CheckoutView, *, user_id: int | None) -> OrderCheck:
    """For ``preprocess_order_creation``: may the checkout's points discount be used?

    Refused when the attached code is a redemption of another customer or another checkout,
    was cancelled or used, or its points are no longer held (the hold expired and was released).
    A checkout without one of our redemption codes is allowed.
    """
    token = checkout.token
    if not checkout.voucher_code:
        return OrderCheck.ok()
    code = DiscountCode.objects.select_related("hold").filter(code=checkout.voucher_code, kind=CodeKind.REDEMPTION).first()
    if code is None:
        return OrderCheck.ok()
    if user_id is None or code.user_id != user_id:
        return OrderCheck.refuse("not_owner", "this points discount belongs to another customer")
    if code.status != CodeStatus.ACTIVE or code.checkout_token != token:
        return OrderCheck.refuse("code_not_active", "this points discount is no longer valid")
    if code.hold is None or code.hold.status != HoldStatus.ACTIVE:
        return OrderCheck.refuse("hold_gone", "the points for this discount are no longer held; redeem again")
    return OrderCheck.ok()


def capture_redemption(token: str, *, order_id: str, now: datetime | None = None) -> RedemptionInfo | None:
    """On order creation: the held points become redeemed on ``order_id``; None if none were held.

    Idempotent: capturing the same checkout for the same order again returns the used code.
    """
    now = now or timezone.now()
    with transaction.atomic():
        code = _active_code(token, lock=True)
        if code is None:
            used = DiscountCode.objects.filter(
                kind=CodeKind.REDEMPTION, checkout_token=token, status=CodeStatus.USED, order_id=order_id
            ).first()
            return _info(used) if used is not None else None
        points_service.capture_hold_for_order(token, order_id, now=now)
        code.status, code.order_id, code.closed_at = CodeStatus.USED, order_id, now
        code.save(update_fields=["status", "order_id", "closed_at"])
    return _info(code)
