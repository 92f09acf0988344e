"""Staff queries of the program's rules; each requires MANAGE_DISCOUNTS."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.rules import admin as rules_admin
from ..auth import LoyaltyPermission
from ..core.connection import ConnectionField, create_connection_slice
from ..core.context import require_any_permission
from ..core.ids import from_global_id_to_int
from ..types.rules import (
    LoyaltyAudienceKindEnum,
    LoyaltyEarnRule,
    LoyaltyEarnRuleKindEnum,
    LoyaltyGiftRule,
    LoyaltyPriceListCountableConnection,
    LoyaltyReferralSettings,
    LoyaltyTier,
)

_NEEDS = "Requires MANAGE_DISCOUNTS."


class LoyaltyPriceListFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Part of the name, any case.")
    is_active = graphene.Boolean()
    currency = graphene.String()
    channel = graphene.String(description="Lists for this channel, including those for every channel.")
    audience_kind = LoyaltyAudienceKindEnum()
    company_id = graphene.ID(description="Lists of this `LoyaltyCompany` (its contract prices).")


def _include_inactive(value: bool | None) -> bool:
    return value is not False


class RuleQueries(graphene.ObjectType):
    loyalty_tiers = graphene.List(
        graphene.NonNull(LoyaltyTier), required=True,
        include_inactive=graphene.Boolean(description="Include deactivated tiers (default true)."),
        description=f"The program's tiers by rank. {_NEEDS}",
    )
    loyalty_price_lists = ConnectionField(
        LoyaltyPriceListCountableConnection, required=True, backward=False,
        filter=LoyaltyPriceListFilterInput(),
        description=f"Price lists by id, each with its entries and breaks. {_NEEDS}",
    )
    loyalty_gift_rules = graphene.List(
        graphene.NonNull(LoyaltyGiftRule), required=True,
        include_inactive=graphene.Boolean(description="Include deactivated rules (default true)."),
        description=f"Gift rules by id. {_NEEDS}",
    )
    loyalty_earn_rules = graphene.List(
        graphene.NonNull(LoyaltyEarnRule), required=True,
        kind=LoyaltyEarnRuleKindEnum(description="Only rules of this kind."),
        include_inactive=graphene.Boolean(description="Include deactivated rules (default true)."),
        description=f"Earn rules by id. {_NEEDS}",
    )
    loyalty_referral_settings = graphene.Field(
        LoyaltyReferralSettings,
        description=f"The referral program's terms (the active ones, else the newest); null before any. {_NEEDS}",
    )

    @staticmethod
    def resolve_loyalty_tiers(_root: Any, info: Any, *, include_inactive: bool | None = None) -> list[Any]:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        return rules_admin.list_tiers(include_inactive=_include_inactive(include_inactive))

    @staticmethod
    def resolve_loyalty_price_lists(_root: Any, info: Any, *, filter: Any = None, **page: Any) -> Any:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        wanted = dict(filter or {})
        company = wanted.pop("company_id", None)
        queryset = rules_admin.price_lists_queryset(
            search=wanted.get("search") or "",
            is_active=wanted.get("is_active"),
            currency=wanted.get("currency"),
            channel=wanted.get("channel"),
            audience_kind=wanted.get("audience_kind"),
            company_id=None if company is None else from_global_id_to_int(company, "LoyaltyCompany", field="companyId"),
        )
        return create_connection_slice(queryset, info, page, LoyaltyPriceListCountableConnection, ordering=("id",))

    @staticmethod
    def resolve_loyalty_gift_rules(_root: Any, info: Any, *, include_inactive: bool | None = None) -> list[Any]:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        return rules_admin.list_gift_rules(include_inactive=_include_inactive(include_inactive))

    @staticmethod
    def resolve_loyalty_earn_rules(
        _root: Any, info: Any, *, kind: str | None = None, include_inactive: bool | None = None
    ) -> list[Any]:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        return rules_admin.list_earn_rules(kind=kind, include_inactive=_include_inactive(include_inactive))

    @staticmethod
    def resolve_loyalty_referral_settings(_root: Any, info: Any) -> Any:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        return rules_admin.get_referral_settings()
