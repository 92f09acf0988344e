"""``LoyaltyBirthday``: a customer's birthday as the program recorded it."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.customers import CustomerLoyaltyInfo


class LoyaltyBirthday(graphene.ObjectType):
    date = graphene.Date(description="The birthday; null when none is recorded.")
    can_change = graphene.Boolean(
        required=True, description="Whether the customer may still set it (only once; staff can correct it later)."
    )

    class Meta:
        description = "The birthday the loyalty program pays a birthday bonus on (once a year)."

    @staticmethod
    def from_info(info: CustomerLoyaltyInfo) -> LoyaltyBirthday:
        return LoyaltyBirthday(date=info.birthday, can_change=info.birthday is None)

    @staticmethod
    def resolve_date(root: Any, _info: Any) -> Any:
        return root.date
