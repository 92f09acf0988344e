"""GraphQL enums of the API: permissions, and one error-code enum per mutation family.

A family's enum lists the ``LoyaltyError.code`` values its services raise; a code missing here
still reaches the client (as ``INVALID`` or ``NOT_FOUND``, with its message) and logs a warning.
"""

from __future__ import annotations

import enum

import graphene

from ..engine.rules import TierMetric
from ..models import Bucket, TransactionKind
from .auth import LoyaltyPermission
from .core.types import error_code_enum

# The buckets of owner accounts; ``system`` entries never show in a customer's statement.
OwnerBucket = enum.Enum(  # type: ignore[misc]
    "LoyaltyPointsBucket", {member.name: member.value for member in Bucket if member is not Bucket.SYSTEM}
)


class LoyaltyPermissionEnum(graphene.Enum):
    """Saleor permissions that the loyalty API checks (named after Saleor's ``PermissionEnum``)."""

    class Meta:
        enum = LoyaltyPermission


class LoyaltyTransactionKindEnum(graphene.Enum):
    """What a ledger transaction was: earned on an order, a bonus, redeemed, expired..."""

    class Meta:
        enum = TransactionKind


class LoyaltyPointsBucketEnum(graphene.Enum):
    """Where an entry moved points: available to spend, pending (not yet usable), or held for a checkout."""

    class Meta:
        enum = OwnerBucket


LoyaltyPointsErrorCode = error_code_enum(
    "LoyaltyPointsErrorCode",
    [
        "ACCOUNT_NOT_FOUND",
        "EARN_NOT_FOUND",
        "HOLD_NOT_ACTIVE",
        "HOLD_NOT_FOUND",
        "IDEMPOTENCY_KEY_REUSED",
        "INSUFFICIENT_POINTS",
        "POINTS_NOT_POSITIVE",
    ],
    description="Error codes of the points mutations (balances, adjustments, holds, redemptions).",
)


class LoyaltyTierMetricEnum(graphene.Enum):
    """What a tier qualifies on: money spent, orders placed, points earned, or days since sign-up."""

    class Meta:
        enum = TierMetric
        name = "LoyaltyTierMetric"


# Refusals of the redemption service, by ``RedemptionRefused.reason`` (upper-cased), plus the
# domain codes the redemption path raises.
LoyaltyRedemptionErrorCode = error_code_enum(
    "LoyaltyRedemptionErrorCode",
    [
        "CHECKOUT_NOT_FOUND",
        "PROGRAM_OFF",
        "NOT_OWNER",
        "BELOW_MINIMUM",
        "ABOVE_MAXIMUM",
        "INSUFFICIENT_POINTS",
        "MEMBER_REDEMPTION_LIMIT_EXCEEDED",
        "COMPANY_INACTIVE",
        "REDEMPTION_REFUSED",
        "SHOP_NOT_CONFIGURED",
    ],
    description="Error codes of loyaltyRedeemPoints and loyaltyRedemptionCancel.",
)

LoyaltyReferralErrorCode = error_code_enum(
    "LoyaltyReferralErrorCode",
    [
        "REFERRALS_OFF",
        "SHOP_NOT_CONFIGURED",
        "REFERRAL_REFUSED",
        # loyaltyReferralDiscountApply's refusals, by the service's reason
        "CHECKOUT_NOT_FOUND",
        "NO_REFERRAL",
        "NOT_OWNER",
        "SELF_REFERRAL",
        "ALREADY_USED",
        "NOT_APPLICABLE",
        "PROGRAM_OFF",
        "SAME_USER",
        "SAME_EMAIL",
        "SAME_NORMALIZED_EMAIL",
        "SAME_COMPANY",
        "NOT_FIRST_ORDER",
    ],
    description="Error codes of the customer's referral mutations.",
)

# Refusals of the next-purchase service, by ``Refused.reason`` (upper-cased).
LoyaltyNextPurchaseErrorCode = error_code_enum(
    "LoyaltyNextPurchaseErrorCode",
    ["CHECKOUT_NOT_FOUND", "NOT_FOUND", "NOT_OWNER", "ALREADY_USED", "EXPIRED", "CURRENCY", "EMPTY_CHECKOUT",
     "SHOP_NOT_CONFIGURED"],
    description="Error codes of loyaltyNextPurchaseDiscountApply.",
)
