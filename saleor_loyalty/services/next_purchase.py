"""Next-purchase discounts: the customer spends a code an earlier order earned (``orders.credit_order``
issues it), and ``preprocess_order_creation`` checks it is theirs and still valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.money import quantize
from ..engine.rules import DiscountKind
from ..exceptions import NotFound, Refused
from ..models import CodeKind, CodeStatus, DiscountCode
from ..shop import CheckoutView, get_shop
from .codes import OrderCheck
from .quotes import fetch_checkout, quote_checkout_view

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class NextPurchaseDiscount:
    code: str
    amount: Decimal
    currency: str
    valid_until: datetime | None


def get_next_purchase_codes(user_id: int, *, now: datetime | None = None) -> list[DiscountCode]:
    """The customer's unused, unexpired next-purchase codes, soonest to expire first."""
    now = now or timezone.now()
    return list(
        DiscountCode.objects.filter(
            user_id=user_id, kind=CodeKind.NEXT_PURCHASE, status=CodeStatus.ACTIVE, valid_until__gt=now
        ).order_by("valid_until", "id")
    )


def _refusal(code: DiscountCode, *, user_id: int | None, now: datetime) -> OrderCheck:
    if user_id is None or code.user_id != user_id:
        return OrderCheck.refuse("not_owner", "this discount belongs to another customer")
    if code.status != CodeStatus.ACTIVE:
        return OrderCheck.refuse("already_used", "this discount was already used or withdrawn")
    if code.valid_until is not None and code.valid_until <= now:
        return OrderCheck.refuse("expired", "this discount has expired")
    return OrderCheck.ok()


def apply_next_purchase_discount(
    token: str, code: str, *, user_id: int, config: ProgramConfig, now: datetime | None = None
) -> NextPurchaseDiscount:
    """Attach a next-purchase code to the customer's checkout, worth its value on the goods.

    A percentage is taken of the goods after tier prices and rounded once (10 % of 84.95 ->
    8.50); a fixed amount never exceeds the goods. Refused (``Refused`` with a ``reason``) for
    another customer's code or checkout, a used or expired code, or a checkout in another currency.
    """
    now = now or timezone.now()
    row = DiscountCode.objects.filter(code=code.strip().upper(), kind=CodeKind.NEXT_PURCHASE).first()
    if row is None:
        raise NotFound(f"no discount code {code!r}", field="code")
    check = _refusal(row, user_id=user_id, now=now)
    if not check.allowed:
        raise Refused(check.message, reason=check.reason, field="code")
    checkout = fetch_checkout(token)
    if checkout.user_id != user_id:
        raise Refused("the checkout belongs to another customer", reason="not_owner", field="token")
    if checkout.cart.currency != row.currency:
        raise Refused(f"this discount is in {row.currency}", reason="currency", field="code")
    subtotal = quote_checkout_view(checkout, config=config, now=now, with_points=False, with_progress=False).subtotal
    if row.discount_kind == DiscountKind.PERCENT.value:
        amount = quantize(subtotal * row.discount_value / HUNDRED, checkout.cart.currency)
    else:
        amount = quantize(min(row.discount_value, subtotal), checkout.cart.currency)
    if amount <= 0:
        raise Refused("the checkout has no goods to discount", reason="empty_checkout", field="token")
    with transaction.atomic():
        row.checkout_token = token
        row.save(update_fields=["checkout_token"])
        get_shop().attach_discount(token, code=row.code, amount=amount, currency=checkout.cart.currency)
    return NextPurchaseDiscount(row.code, amount, checkout.cart.currency, row.valid_until)


def check_next_purchase_discount(
    checkout: CheckoutView, *, user_id: int | None, now: datetime | None = None
) -> OrderCheck:
    """For ``preprocess_order_creation``: a next-purchase code on the checkout must be the
    customer's, unused and unexpired. A checkout without one is allowed."""
    now = now or timezone.now()
    if not checkout.voucher_code:
        return OrderCheck.ok()
    row = DiscountCode.objects.filter(code=checkout.voucher_code, kind=CodeKind.NEXT_PURCHASE).first()
    return OrderCheck.ok() if row is None else _refusal(row, user_id=user_id, now=now)
