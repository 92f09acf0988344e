"""``loyaltyExchangeRateAdd``: staff add a dated exchange rate to the program's base currency."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import graphene

from ...engine import bounds
from ...exceptions import InvalidInput
from ...services import exchange_rates
from ...services.rules import fields as rule_fields
from ..auth import LoyaltyPermission
from ..core.context import get_program_config, get_requestor
from ..core.mutations import BaseMutation
from ..errors import LoyaltyChannelError
from ..types.channels import LoyaltyExchangeRate
from ..types.rules import LoyaltyDecimal


class LoyaltyExchangeRateAdd(BaseMutation):
    exchange_rate = graphene.Field(LoyaltyExchangeRate, description="The rate as stored.")

    class Arguments:
        currency = graphene.String(required=True, description="The currency (ISO 4217), not the base currency.")
        rate = LoyaltyDecimal(
            required=True,
            description=f"One unit of the currency in the base currency: above 0, at most {bounds.MAX_EXCHANGE_RATE}, 10 places.",
        )
        valid_from = graphene.DateTime(description="In force from this moment (with a time zone); default now.")

    class Meta:
        description = (
            "Add an exchange rate to the program's base currency. Rates are history: a new one supersedes older ones "
            "from its validFrom on; orders keep the rate they recorded when paid. Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyChannelError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, currency: str, rate: Any, valid_from: datetime | None = None
    ) -> LoyaltyExchangeRateAdd:
        try:
            value = rule_fields.decimal(bounds.EXCHANGE_RATE)(rate)
        except ValueError as exc:
            raise InvalidInput(f"rate: {exc}", field="rate") from None
        requestor = get_requestor(info)
        if requestor.user is not None:
            who = getattr(requestor.user, "email", "") or requestor.user.get_username()
        else:
            who = f"app:{getattr(requestor.app, 'name', '')}" if requestor.is_app else ""
        row = exchange_rates.add_exchange_rate(
            currency, value, base_currency=get_program_config(info).base_currency, valid_from=valid_from,
            created_by=str(who),
        )
        row.refresh_from_db()  # show the rate as stored
        return cls(exchange_rate=row)
