"""``loyaltyRebateProgramCreate``: staff create a volume rebate program."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from ...engine import bounds
from ...exceptions import InvalidInput
from ...services.b2b import rebate_admin, rebates
from ...services.rules import fields as rule_fields
from ..auth import LoyaltyPermission
from ..errors import LoyaltyCompanyError
from ..core.mutations import BaseMutation
from ..types.rebate_program import LoyaltyRebateBandInput, LoyaltyRebateProgram
from ..types.rules import LoyaltyDecimal


class LoyaltyRebateProgramCreate(BaseMutation):
    program = graphene.Field(LoyaltyRebateProgram, description="The program created.")

    class Arguments:
        name = graphene.String(required=True)
        period = graphene.String(required=True, description="`month`, `quarter` or `year`.")
        currency = graphene.String(required=True)
        # Text, not graphene.Date: graphene 2's Date crashes on some literals ("") during validation.
        starts_on = graphene.String(required=True, description="The first day of the first period paid for (YYYY-MM-DD).")
        bands = graphene.List(graphene.NonNull(LoyaltyRebateBandInput), required=True)
        payout = graphene.String(default_value="points", description="`points` (default) or `code`.")
        point_value = LoyaltyDecimal(description="Money per point; required for a points payout.")
        channel = graphene.String(description="Only this channel's orders count.")
        points_valid_days = graphene.Int(description="Rebate points expire after this many days.")
        settle_days = graphene.Int(default_value=0, description="Days after a period's end before it closes.")

    class Meta:
        description = "Create a volume rebate program for companies. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyCompanyError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, _info: Any, /, *, name: str, period: str, currency: str, starts_on: str, bands: list[Any],
        payout: str = "points", point_value: Any = None, channel: str | None = None,
        points_valid_days: int | None = None, settle_days: int = 0,
    ) -> LoyaltyRebateProgramCreate:
        try:
            first_day = date.fromisoformat(starts_on.strip())
        except ValueError:
            raise InvalidInput("starts_on: must be a date (YYYY-MM-DD)", field="starts_on") from None
        value = None
        if point_value is not None:
            try:
                value = rule_fields.decimal(bounds.RATE)(point_value)
            except ValueError as exc:
                raise InvalidInput(f"point_value: {exc}", field="point_value") from None
        program = rebates.create_rebate_program(
            name=name, period=period, currency=currency, starts_on=first_day,
            bands=rebate_admin.to_bands([(band.min_spend, band.percent) for band in bands]),
            payout=payout, point_value=value, channel=channel, points_valid_days=points_valid_days,
            settle_days=settle_days,
        )
        return cls(program=program)
