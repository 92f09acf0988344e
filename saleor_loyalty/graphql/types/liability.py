"""``LoyaltyLiabilitySnapshot``: one day's points liability in one currency (``services.liability``)."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import LiabilitySnapshot


class LoyaltyLiabilitySnapshot(graphene.ObjectType):
    day = graphene.String(required=True, description="The day, YYYY-MM-DD (the shop's time zone).")
    channel = graphene.String(
        required=True, description='The channel the movements happened in; "" for points tied to no order.'
    )
    currency = graphene.String(required=True, description="The currency `value` is in.")
    available = graphene.Int(required=True, description="Points spendable at the day's end (net of debt).")
    pending = graphene.Int(required=True, description="Points still in their return window.")
    held = graphene.Int(required=True, description="Points held for checkouts in progress.")
    outstanding = graphene.Int(required=True, description="available + pending + held.")
    earned = graphene.Int(required=True, description="Points earned on orders and bonuses that day.")
    redeemed = graphene.Int(required=True, description="Points redeemed that day (negative).")
    expired = graphene.Int(required=True, description="Points expired that day (negative).")
    reversed = graphene.Int(required=True, description="Points reversed that day (cancellations, refunds).")
    adjusted = graphene.Int(required=True, description="Staff adjustments that day.")
    point_value = graphene.String(required=True, description="What one point is worth in `currency`.")
    value = graphene.String(required=True, description="outstanding x pointValue, in `currency`.")
    breakage_rate = graphene.String(
        required=True, description="Share of the points that expired rather than being redeemed (trailing year)."
    )
    expected_breakage = graphene.Int(required=True, description="outstanding x breakageRate, rounded down.")

    class Meta:
        description = (
            "A daily snapshot of the points the program owes (docs/ledger.md, 'Liability'): the previous "
            "day's outstanding plus the day's movements is this day's outstanding, to the point."
        )

    @staticmethod
    def from_row(row: LiabilitySnapshot) -> LoyaltyLiabilitySnapshot:
        return LoyaltyLiabilitySnapshot(
            day=row.day.isoformat(), channel=row.channel, currency=row.currency, available=row.available,
            pending=row.pending, held=row.held, outstanding=row.outstanding, earned=row.earned,
            redeemed=row.redeemed, expired=row.expired, reversed=row.reversed, adjusted=row.adjusted,
            point_value=str(row.point_value.normalize()), value=str(row.value_in_currency), breakage_rate=str(row.breakage_rate),
            expected_breakage=row.expected_breakage,
        )


class LoyaltyLiability(graphene.ObjectType):
    snapshots = graphene.List(graphene.NonNull(LoyaltyLiabilitySnapshot), required=True,
                              description="The snapshots of the range, oldest first.")
    csv = graphene.String(required=True, description="The same rows as CSV with a header, for the accountants.")

    class Meta:
        description = "The points liability snapshots of a range of days."

    @staticmethod
    def resolve_csv(root: Any, _info: Any) -> str:
        return str(root.csv)
