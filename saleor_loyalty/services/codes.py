"""Plugin-owned discount codes (redemption, referral, next purchase) and order-creation checks.

Shared by ``redemption``, ``referrals`` and ``orders``: making a code that is hard to guess,
and the result type of the checks that ``preprocess_order_creation`` runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ..models import DiscountCode

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
