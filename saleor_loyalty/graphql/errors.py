"""The error types of each mutation family: ``{ field message code }`` with the family's enum."""

from __future__ import annotations

from .core.types import Error
from .enums import (
    LoyaltyNextPurchaseErrorCode,
    LoyaltyPointsErrorCode,
    LoyaltyRedemptionErrorCode,
    LoyaltyReferralErrorCode,
)


class LoyaltyPointsError(Error):
    code = LoyaltyPointsErrorCode(required=True, description="The error code.")


class LoyaltyRedemptionError(Error):
    code = LoyaltyRedemptionErrorCode(required=True, description="The error code.")


class LoyaltyReferralError(Error):
    code = LoyaltyReferralErrorCode(required=True, description="The error code.")


class LoyaltyNextPurchaseError(Error):
    code = LoyaltyNextPurchaseErrorCode(required=True, description="The error code.")
