"""Plugin-owned discount codes (redemption, referral, next purchase) and order-creation checks.

Shared by ``redemption``, ``referrals`` and ``orders``: making a code that is hard to guess,
and the result type of the checks that ``preprocess_order_creation`` runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from ..models import CodeKind, DiscountCode, ReferralCode

# No 0/O or 1/I: customers read these codes aloud and type them.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_code(prefix: str, *, length: int = 10) -> str:
    """A fresh random code such as ``LOYALTY-7KQ2M9XH4D`` (50 bits; checked unused)."""
    for _ in range(5):
        code = f"{prefix}-{''.join(secrets.choice(_ALPHABET) for _ in range(length))}"
        if not DiscountCode.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find an unused discount code in 5 tries")  # 2**-250 odds


@dataclass(frozen=True)
class OrderCheck:
    """The verdict of a check before an order is made: allowed, or refused with a reason code."""

    allowed: bool
    reason: str = "ok"
    message: str = ""

    @classmethod
    def ok(cls) -> OrderCheck:
        return cls(True)

    @classmethod
    def refuse(cls, reason: str, message: str) -> OrderCheck:
        return cls(False, reason, message)


@dataclass(frozen=True)
class CheckoutCode:
    """What the code attached to a checkout is, as far as the program knows it.

    ``kind`` is a ``CodeKind`` value (``redemption``, ``referral``, ``next_purchase``), or None for
    a code the program does not own (a shop's own voucher). ``points``: held by a redemption;
    ``valid_until``: a next-purchase code's end.
    """

    code: str
    kind: str | None
    points: int | None = None
    valid_until: datetime | None = None


def describe_checkout_code(code: str) -> CheckoutCode:
    """Which of the program's codes ``code`` is (at most two queries). A referee's discount is
    attached under the referrer's referral code, so a code the program did not issue as a
    discount code is looked up among referral codes before it is called the shop's own."""
    row = DiscountCode.objects.filter(code=code).values_list("kind", "points", "valid_until").first()
    if row is not None and row[0] != CodeKind.REFERRAL:
        kind, points, valid_until = row
        return CheckoutCode(code, kind, points if kind == CodeKind.REDEMPTION else None, valid_until)
    if row is not None or ReferralCode.objects.filter(code=code).exists():
        return CheckoutCode(code, CodeKind.REFERRAL.value)
    return CheckoutCode(code, None)
