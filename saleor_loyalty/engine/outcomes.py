"""Engine outcomes: what tier, referral and next-purchase decisions return (frozen dataclasses).

Built by the engine, never by callers; they carry rule ids and short reason codes, never
formatted money. Quote and price-table outputs are in ``values.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .rules import DiscountKind
from .values import TierHint


class TierChange(StrEnum):
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    KEEP = "keep"  # same tier (possibly inside a grace period)
    NONE = "none"  # no tier before and none now


@dataclass(frozen=True, slots=True)
class TierDecision:
    """The tier a customer should hold now, and what the caller must store.

    ``below_since`` is the date the customer first fell below the tier they hold (store it;
    None when they qualify); ``grace_until`` is when a pending downgrade happens.
    """

    tier_id: int | None
    previous_tier_id: int | None
    qualified_tier_id: int | None
    change: TierChange
    reason: str
    below_since: date | None
    grace_until: date | None
    next_tier: TierHint | None


@dataclass(frozen=True, slots=True)
class RefereeDiscount:
    """The referee's first-order discount: ``amount`` 0 with the reason when it does not apply.

    ``percent`` is set for a percentage discount: a shop that shares one voucher among a
    referrer's referees can then let each checkout compute its own amount.
    """

    amount: Decimal
    currency: str
    code: str
    percent: Decimal | None = None

    @property
    def applies(self) -> bool:
        return self.amount > 0


class ReferralCheck(StrEnum):
    OK = "ok"
    PROGRAM_OFF = "program_off"
    SAME_USER = "same_user"
    SAME_EMAIL = "same_email"
    SAME_NORMALIZED_EMAIL = "same_normalized_email"
    SAME_COMPANY = "same_company"
    NOT_FIRST_ORDER = "not_first_order"


@dataclass(frozen=True, slots=True)
class ReferralDecision:
    code: ReferralCheck

    @property
    def allowed(self) -> bool:
        return self.code is ReferralCheck.OK


@dataclass(frozen=True, slots=True)
class ReferrerReward:
    """Points for the referrer (0 with the reason ``code`` when the order does not qualify)."""

    points: int
    code: str


@dataclass(frozen=True, slots=True)
class NextPurchaseOffer:
    """A discount on the next order, valid until ``valid_until`` (exclusive)."""

    rule_id: int
    discount_kind: DiscountKind
    discount_value: Decimal
    currency: str
    valid_until: datetime
    code: str
