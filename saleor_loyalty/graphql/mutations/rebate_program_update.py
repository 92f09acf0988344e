"""``loyaltyRebateProgramUpdate``: staff rename, pause or resume a rebate program, change its
settle days or replace its bands (period, currency and payout stay as created)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import rebate_admin
from ..auth import LoyaltyPermission
from ..errors import LoyaltyCompanyError
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.rebate_program import LoyaltyRebateBandInput, LoyaltyRebateProgram


class LoyaltyRebateProgramUpdate(BaseMutation):
    program = graphene.Field(LoyaltyRebateProgram, description="The program after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="`LoyaltyRebateProgram:<pk>`.")
        name = graphene.String()
        is_active = graphene.Boolean()
        settle_days = graphene.Int()
        bands = graphene.List(graphene.NonNull(LoyaltyRebateBandInput), description="Replaces every band.")

    class Meta:
        description = "Change a volume rebate program; only the arguments sent change. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyCompanyError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, _info: Any, /, *, id: str, name: str | None = None, is_active: bool | None = None,
        settle_days: int | None = None, bands: list[Any] | None = None,
    ) -> LoyaltyRebateProgramUpdate:
        pk = from_global_id_to_int(id, "LoyaltyRebateProgram", field="id")
        program = rebate_admin.change_rebate_program(
            pk, name=name, is_active=is_active, settle_days=settle_days,
            bands=None if bands is None else rebate_admin.to_bands([(band.min_spend, band.percent) for band in bands]),
        )
        return cls(program=program)
