"""GraphQL enums of the API: permissions, transaction kinds, buckets, tier metrics.

The error-code enums of the mutation families are in ``errors.py``, beside their error types.
"""

from __future__ import annotations

import enum

import graphene

from ..engine.rules import TierMetric
from ..models import Bucket, TransactionKind
from .auth import LoyaltyPermission

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


class LoyaltyTierMetricEnum(graphene.Enum):
    """What a tier qualifies on: money spent, orders placed, points earned, or days since sign-up."""

    class Meta:
        enum = TierMetric
        name = "LoyaltyTierMetric"
