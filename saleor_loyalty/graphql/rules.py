"""The staff part of the API that manages the program's rules: tiers, price lists with their
entries and breaks, gift rules, earn rules and referral settings, and price-list CSV import.

``schema.py`` spreads ``RULE_QUERIES`` and ``RULE_MUTATIONS`` into the schema; operations are
added here, each in its own ``queries/`` or ``mutations/`` module. Every operation requires
MANAGE_DISCOUNTS; ``docs/graphql-rules.md`` shows each with a request and its response.
"""

from __future__ import annotations

import graphene

from .mutations.earn_rule_create import LoyaltyEarnRuleCreate
from .mutations.earn_rule_delete import LoyaltyEarnRuleDelete
from .mutations.earn_rule_update import LoyaltyEarnRuleUpdate
from .mutations.gift_rule_create import LoyaltyGiftRuleCreate
from .mutations.gift_rule_delete import LoyaltyGiftRuleDelete
from .mutations.gift_rule_update import LoyaltyGiftRuleUpdate
from .mutations.price_list_create import LoyaltyPriceListCreate
from .mutations.price_list_delete import LoyaltyPriceListDelete
from .mutations.price_list_entry_create import LoyaltyPriceListEntryCreate
from .mutations.price_list_entry_delete import LoyaltyPriceListEntryDelete
from .mutations.price_list_entry_update import LoyaltyPriceListEntryUpdate
from .mutations.price_list_import import LoyaltyPriceListImport
from .mutations.price_list_update import LoyaltyPriceListUpdate
from .mutations.referral_settings_update import LoyaltyReferralSettingsUpdate
from .mutations.tier_create import LoyaltyTierCreate
from .mutations.tier_delete import LoyaltyTierDelete
from .mutations.tier_update import LoyaltyTierUpdate
from .queries.rules import RuleQueries

RULE_QUERIES: tuple[type[graphene.ObjectType], ...] = (RuleQueries,)

RULE_MUTATIONS: dict[str, type[graphene.Mutation]] = {
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
}
