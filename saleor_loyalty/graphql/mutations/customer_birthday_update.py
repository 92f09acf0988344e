"""``loyaltyCustomerBirthdayUpdate``: staff set, correct or clear a customer's birthday."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import birthdays
from ..auth import LoyaltyPermission
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyBirthdayError
from ..types.birthday import LoyaltyBirthday


class LoyaltyCustomerBirthdayUpdate(BaseMutation):
    birthday = graphene.Field(LoyaltyBirthday, description="The birthday as recorded now.")

    class Arguments:
        customer_id = graphene.ID(required=True, description="The Saleor customer (`User:<pk>`).")
        date = graphene.String(description="The birthday, YYYY-MM-DD; null clears it.")
        reason = graphene.String(description="Why (kept with the change; at most 255 characters).")

    class Meta:
        description = (
            "Set, correct or clear a customer's birthday; the change is kept with who made it and why. "
            "Requires MANAGE_USERS."
        )
        error_type_class = LoyaltyBirthdayError
        permissions = (LoyaltyPermission.MANAGE_USERS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, customer_id: str, date: str | None = None, reason: str | None = None
    ) -> LoyaltyCustomerBirthdayUpdate:
        staff_user_id = get_requestor(info).user_id
        if staff_user_id is None:
            raise PermissionDenied("Birthday corrections are made in a staff member's name; apps cannot make them.")
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        birthday = None if date is None else birthdays.parse_birthday(date)
        recorded = birthdays.correct_birthday(user_id, birthday, staff_user_id=staff_user_id, reason=reason or "")
        return cls(birthday=LoyaltyBirthday.from_info(recorded))
