"""``loyaltyBirthdaySet``: a signed-in customer records their birthday, once."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import birthdays
from ..core.mutations import BaseMutation
from ..errors import LoyaltyBirthdayError
from ..types.birthday import LoyaltyBirthday
from .customer import require_signed_in_customer


class LoyaltyBirthdaySet(BaseMutation):
    birthday = graphene.Field(LoyaltyBirthday, description="The birthday as recorded.")

    class Arguments:
        date = graphene.String(required=True, description="Your birthday, YYYY-MM-DD.")

    class Meta:
        description = (
            "Record your birthday for the birthday bonus. It can be set once: the same date again "
            "changes nothing, another date is refused with BIRTHDAY_ALREADY_SET (the shop's staff "
            "can correct it). A birthday recorded shortly before it falls earns its first bonus "
            "the year after. Requires a signed-in customer."
        )
        error_type_class = LoyaltyBirthdayError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, date: str) -> LoyaltyBirthdaySet:
        user_id = require_signed_in_customer(info)
        birthday = birthdays.parse_birthday(date)
        return cls(birthday=LoyaltyBirthday.from_info(birthdays.set_own_birthday(user_id, birthday)))
