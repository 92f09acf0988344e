"""``loyaltyReferralSettingsUpdate``: staff set the referral program's terms."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.rules import admin as rules_admin
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyReferralSettingsInput, to_rule_values
from ..types.rules import LoyaltyReferralSettings


class LoyaltyReferralSettingsUpdate(BaseMutation):
    settings = graphene.Field(LoyaltyReferralSettings, description="The referral terms after the change.")

    class Arguments:
        input = LoyaltyReferralSettingsInput(required=True, description="The fields to change.")

    class Meta:
        description = (
            "Change the referral terms (only the fields sent), or set them up the first time (then discountKind "
            "and discountValue are required). `isActive: false` switches referrals off. Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyReferralSettingsUpdate:
        row = rules_admin.save_referral_settings(to_rule_values(input))
        row.refresh_from_db()  # show the values as stored, as every later read does
        return cls(settings=row)
