"""``loyaltyLiability``: the daily points-liability snapshots, for staff with MANAGE_ORDERS (the
same figures finance reads with ``loyaltyMetrics``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from ...exceptions import InvalidInput
from ...services import liability
from ..auth import LoyaltyPermission
from ..core.context import require_any_permission
from ..types.liability import LoyaltyLiability, LoyaltyLiabilitySnapshot


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(f"{field} must be a day written YYYY-MM-DD, got {value!r}", field=field) from None


class LiabilityQueries(graphene.ObjectType):
    loyalty_liability = graphene.Field(
        LoyaltyLiability,
        required=True,
        start=graphene.String(required=True, name="from", description="The first day, YYYY-MM-DD."),
        end=graphene.String(name="to", description="The last day, YYYY-MM-DD (default: `from`)."),
        currency=graphene.String(description="Only this currency."),
        channel=graphene.String(description='Only this channel ("" : points tied to no order).'),
        description=(
            "The daily points-liability snapshots of a range of days, with the same rows as CSV "
            "(docs/ledger.md, 'Liability'). Requires MANAGE_ORDERS."
        ),
    )

    @staticmethod
    def resolve_loyalty_liability(
        _root: Any, info: Any, *, start: str, end: str | None = None, currency: str | None = None,
        channel: str | None = None,
    ) -> LoyaltyLiability:
        require_any_permission(info, LoyaltyPermission.MANAGE_ORDERS)
        first = _day(start, "from")
        last = first if end is None else _day(end, "to")
        rows = liability.get_liability_snapshots(first, last, currency=currency or None, channel=channel)
        return LoyaltyLiability(snapshots=[LoyaltyLiabilitySnapshot.from_row(row) for row in rows],
                                csv=liability.write_csv(rows))
