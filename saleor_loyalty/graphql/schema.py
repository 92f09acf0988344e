"""The plugin's graphene-2 schema: every operation is registered here, and only here.

Adding an operation: write the query class (``queries/<noun>.py``, a ``graphene.ObjectType``
with fields and resolvers) or the mutation (``mutations/<noun>_<verb>.py``, a
``core.mutations.BaseMutation`` with its family's error type from ``errors.py``), then add it
to ``QUERIES`` or ``MUTATIONS`` below, in its area. docs/architecture.md has the steps.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import graphene

from .mutations.company_create import LoyaltyCompanyCreate
from .mutations.company_delete import LoyaltyCompanyDelete
from .mutations.company_invitation_accept import LoyaltyCompanyInvitationAccept
from .mutations.company_invitation_cancel import LoyaltyCompanyInvitationCancel
from .mutations.company_invitation_create import LoyaltyCompanyInvitationCreate
from .mutations.company_invitation_decline import LoyaltyCompanyInvitationDecline
from .mutations.company_member_add import LoyaltyCompanyMemberAdd
from .mutations.company_member_remove import LoyaltyCompanyMemberRemove
from .mutations.company_member_update import LoyaltyCompanyMemberUpdate
from .mutations.company_update import LoyaltyCompanyUpdate
from .mutations.earn_rule_create import LoyaltyEarnRuleCreate
from .mutations.earn_rule_delete import LoyaltyEarnRuleDelete
from .mutations.earn_rule_update import LoyaltyEarnRuleUpdate
from .mutations.event_post import LoyaltyEventPost
from .mutations.event_type_create import LoyaltyEventTypeCreate
from .mutations.event_type_deactivate import LoyaltyEventTypeDeactivate
from .mutations.event_type_update import LoyaltyEventTypeUpdate
from .mutations.gift_choose import LoyaltyGiftChoose
from .mutations.gift_rule_create import LoyaltyGiftRuleCreate
from .mutations.gift_rule_delete import LoyaltyGiftRuleDelete
from .mutations.gift_rule_update import LoyaltyGiftRuleUpdate
from .mutations.next_purchase_discount_apply import LoyaltyNextPurchaseDiscountApply
from .mutations.birthday_set import LoyaltyBirthdaySet
from .mutations.customer_birthday_update import LoyaltyCustomerBirthdayUpdate
from .mutations.nps_submit import LoyaltyNpsSubmit
from .mutations.points_adjust import LoyaltyPointsAdjust
from .mutations.price_list_create import LoyaltyPriceListCreate
from .mutations.price_list_delete import LoyaltyPriceListDelete
from .mutations.price_list_entry_create import LoyaltyPriceListEntryCreate
from .mutations.price_list_entry_delete import LoyaltyPriceListEntryDelete
from .mutations.price_list_entry_update import LoyaltyPriceListEntryUpdate
from .mutations.price_list_import import LoyaltyPriceListImport
from .mutations.price_list_update import LoyaltyPriceListUpdate
from .mutations.redeem_points import LoyaltyRedeemPoints
from .mutations.redemption_cancel import LoyaltyRedemptionCancel
from .mutations.referral_code_create import LoyaltyReferralCodeCreate
from .mutations.referral_discount_apply import LoyaltyReferralDiscountApply
from .mutations.referral_settings_update import LoyaltyReferralSettingsUpdate
from .mutations.channel_terms_clear import LoyaltyChannelTermsClear
from .mutations.channel_terms_set import LoyaltyChannelTermsSet
from .mutations.exchange_rate_add import LoyaltyExchangeRateAdd
from .mutations.tier_create import LoyaltyTierCreate
from .mutations.tier_delete import LoyaltyTierDelete
from .mutations.tier_update import LoyaltyTierUpdate
from .queries.accounts import AccountQueries
from .mutations.rebate_program_create import LoyaltyRebateProgramCreate
from .mutations.rebate_program_update import LoyaltyRebateProgramUpdate
from .queries.companies import CompanyQueries
from .queries.company_invitations import CompanyInvitationQueries
from .queries.channels import ChannelQueries
from .queries.events import EventQueries
from .queries.metrics import MetricsQueries
from .queries.next_purchase import NextPurchaseQueries
from .queries.program import ProgramQueries
from .queries.quote import QuoteQueries
from .queries.referral import ReferralQueries
from .queries.liability import LiabilityQueries
from .queries.rules import RuleQueries
from .queries.tier_prices import TierPriceQueries
from .queries.viewer import ViewerQueries

QUERIES: tuple[type[graphene.ObjectType], ...] = (
    # customers (their own data) and staff reading customers
    ViewerQueries,
    AccountQueries,
    ProgramQueries,
    TierPriceQueries,
    QuoteQueries,
    ReferralQueries,
    NextPurchaseQueries,
    # staff: metrics, rules (MANAGE_DISCOUNTS), companies (B2B)
    MetricsQueries,
    LiabilityQueries,
    RuleQueries,
    ChannelQueries,
    CompanyQueries,
    CompanyInvitationQueries,
    # staff and apps: custom event types
    EventQueries,
)

# Root mutation field name -> mutation class, in the order the schema lists them.
MUTATIONS: dict[str, type[graphene.Mutation]] = {
    # points, redemption, referrals, next purchase, NPS, birthdays
    "loyaltyPointsAdjust": LoyaltyPointsAdjust,
    "loyaltyNpsSubmit": LoyaltyNpsSubmit,
    "loyaltyBirthdaySet": LoyaltyBirthdaySet,
    "loyaltyCustomerBirthdayUpdate": LoyaltyCustomerBirthdayUpdate,
    # custom events (staff-defined; staff or an app posts one, credited once per event id)
    "loyaltyEventTypeCreate": LoyaltyEventTypeCreate,
    "loyaltyEventTypeUpdate": LoyaltyEventTypeUpdate,
    "loyaltyEventTypeDeactivate": LoyaltyEventTypeDeactivate,
    "loyaltyEventPost": LoyaltyEventPost,
    "loyaltyRedeemPoints": LoyaltyRedeemPoints,
    "loyaltyRedemptionCancel": LoyaltyRedemptionCancel,
    "loyaltyReferralCodeCreate": LoyaltyReferralCodeCreate,
    "loyaltyReferralDiscountApply": LoyaltyReferralDiscountApply,
    "loyaltyNextPurchaseDiscountApply": LoyaltyNextPurchaseDiscountApply,
    "loyaltyGiftChoose": LoyaltyGiftChoose,
    # the program's rules (staff, MANAGE_DISCOUNTS; docs/graphql-rules.md)
    "loyaltyTierCreate": LoyaltyTierCreate,
    "loyaltyTierUpdate": LoyaltyTierUpdate,
    "loyaltyTierDelete": LoyaltyTierDelete,
    "loyaltyPriceListCreate": LoyaltyPriceListCreate,
    "loyaltyPriceListUpdate": LoyaltyPriceListUpdate,
    "loyaltyPriceListDelete": LoyaltyPriceListDelete,
    "loyaltyPriceListEntryCreate": LoyaltyPriceListEntryCreate,
    "loyaltyPriceListEntryUpdate": LoyaltyPriceListEntryUpdate,
    "loyaltyPriceListEntryDelete": LoyaltyPriceListEntryDelete,
    "loyaltyPriceListImport": LoyaltyPriceListImport,
    "loyaltyGiftRuleCreate": LoyaltyGiftRuleCreate,
    "loyaltyGiftRuleUpdate": LoyaltyGiftRuleUpdate,
    "loyaltyGiftRuleDelete": LoyaltyGiftRuleDelete,
    "loyaltyEarnRuleCreate": LoyaltyEarnRuleCreate,
    "loyaltyEarnRuleUpdate": LoyaltyEarnRuleUpdate,
    "loyaltyEarnRuleDelete": LoyaltyEarnRuleDelete,
    "loyaltyReferralSettingsUpdate": LoyaltyReferralSettingsUpdate,
    # per-channel terms and exchange rates (staff, MANAGE_DISCOUNTS; docs/channels.md)
    "loyaltyChannelTermsSet": LoyaltyChannelTermsSet,
    "loyaltyChannelTermsClear": LoyaltyChannelTermsClear,
    "loyaltyExchangeRateAdd": LoyaltyExchangeRateAdd,
    # companies and their members (B2B; docs/b2b.md)
    "loyaltyCompanyCreate": LoyaltyCompanyCreate,
    "loyaltyCompanyUpdate": LoyaltyCompanyUpdate,
    "loyaltyCompanyDelete": LoyaltyCompanyDelete,
    "loyaltyCompanyMemberAdd": LoyaltyCompanyMemberAdd,
    "loyaltyCompanyMemberUpdate": LoyaltyCompanyMemberUpdate,
    "loyaltyCompanyMemberRemove": LoyaltyCompanyMemberRemove,
    "loyaltyCompanyInvitationCreate": LoyaltyCompanyInvitationCreate,
    "loyaltyCompanyInvitationCancel": LoyaltyCompanyInvitationCancel,
    "loyaltyCompanyInvitationAccept": LoyaltyCompanyInvitationAccept,
    "loyaltyCompanyInvitationDecline": LoyaltyCompanyInvitationDecline,
    "loyaltyRebateProgramCreate": LoyaltyRebateProgramCreate,
    "loyaltyRebateProgramUpdate": LoyaltyRebateProgramUpdate,
}


def get_family_mutations(error_type_class: type) -> dict[str, type[graphene.Mutation]]:
    """The registered mutations of one family (those whose errors are ``error_type_class``), in
    schema order: a schema of one area for tests, or a list for docs."""
    return {name: mutation for name, mutation in MUTATIONS.items()
            if mutation._meta.error_type_class is error_type_class}  # type: ignore[attr-defined]


def build_schema(
    queries: Sequence[type[graphene.ObjectType]] = QUERIES,
    mutations: dict[str, type[graphene.Mutation]] | None = None,
) -> graphene.Schema:
    """A schema of ``queries`` (merged into one ``Query`` type) and ``mutations``.

    Tests pass their own lists to try the machinery on operations the API does not have.
    """
    mutations = MUTATIONS if mutations is None else mutations
    query_type = type("Query", (*queries, graphene.ObjectType), {})
    mutation_type = None
    if mutations:
        fields = {name: mutation.Field() for name, mutation in mutations.items()}
        mutation_type = type("Mutation", (graphene.ObjectType,), fields)
    return graphene.Schema(query=query_type, mutation=mutation_type, auto_camelcase=True)


@functools.cache
def get_schema() -> graphene.Schema:
    """The API's schema, built once per process on first use."""
    return build_schema()
