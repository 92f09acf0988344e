"""The plugin's graphene-2 schema, assembled from the query and mutation classes of each module.

Adding an operation: write the query class (``queries/<noun>.py``, a ``graphene.ObjectType``
with fields and resolvers) or the mutation (``mutations/<noun>_<verb>.py``, a
``core.mutations.BaseMutation``), then list it below or in its area's registry (``rules.py``
for the staff rule operations, ``companies.py`` for B2B). Nothing else registers anything.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import graphene

from .companies import COMPANY_MUTATIONS, COMPANY_QUERIES
from .mutations.next_purchase_discount_apply import LoyaltyNextPurchaseDiscountApply
from .mutations.nps_submit import LoyaltyNpsSubmit
from .mutations.points_adjust import LoyaltyPointsAdjust
from .mutations.redeem_points import LoyaltyRedeemPoints
from .mutations.redemption_cancel import LoyaltyRedemptionCancel
from .mutations.referral_code_create import LoyaltyReferralCodeCreate
from .mutations.referral_discount_apply import LoyaltyReferralDiscountApply
from .queries.accounts import AccountQueries
from .queries.metrics import MetricsQueries
from .queries.next_purchase import NextPurchaseQueries
from .queries.program import ProgramQueries
from .queries.quote import QuoteQueries
from .queries.referral import ReferralQueries
from .queries.tier_prices import TierPriceQueries
from .queries.viewer import ViewerQueries
from .rules import RULE_MUTATIONS, RULE_QUERIES

QUERIES: tuple[type[graphene.ObjectType], ...] = (
    ViewerQueries,
    AccountQueries,
    ProgramQueries,
    TierPriceQueries,
    QuoteQueries,
    ReferralQueries,
    NextPurchaseQueries,
    MetricsQueries,
    *RULE_QUERIES,
    *COMPANY_QUERIES,
)

# Root mutation field name -> mutation class, in the order the schema lists them.
MUTATIONS: dict[str, type[graphene.Mutation]] = {
    "loyaltyPointsAdjust": LoyaltyPointsAdjust,
    "loyaltyNpsSubmit": LoyaltyNpsSubmit,
    "loyaltyRedeemPoints": LoyaltyRedeemPoints,
    "loyaltyRedemptionCancel": LoyaltyRedemptionCancel,
    "loyaltyReferralCodeCreate": LoyaltyReferralCodeCreate,
    "loyaltyReferralDiscountApply": LoyaltyReferralDiscountApply,
    "loyaltyNextPurchaseDiscountApply": LoyaltyNextPurchaseDiscountApply,
    **RULE_MUTATIONS,
    **COMPANY_MUTATIONS,
}


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
