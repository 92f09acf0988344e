"""``LoyaltyAccount``: a customer's points balance and statement, read through the points services.

The type resolves from a ``CustomerAccount`` (the customer asked about and their balance), so
fields that belong to the customer's loyalty standing resolve from ``customer_id`` through their
own services; the tier and next-tier fields of the rules work join here that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import graphene

from ...models import Tier
from ...services import accounts_read, points
from ...services.accounts_read import TierStanding
from ...services.customers import get_customer_loyalty
from ...services.points import StatementLine
from ..core.connection import (
    ConnectionField,
    CountableConnection,
    connection_from_page,
    decode_int_cursor,
    encode_cursor,
    validate_page_args,
)
from ..core.context import get_context_program_config
from ..core.dataloaders import DataLoader
from ..core.ids import to_global_id
from ..enums import LoyaltyPointsBucketEnum, LoyaltyTransactionKindEnum
from .birthday import LoyaltyBirthday
from .program import LoyaltyProgramTier, LoyaltyTierProgress, TierByIdLoader


@dataclass(frozen=True)
class CustomerAccount:
    """What ``LoyaltyAccount`` resolves from."""

    customer_id: int
    balance: points.Balance

    @classmethod
    def fetch(cls, customer_id: int) -> CustomerAccount:
        return cls(customer_id=customer_id, balance=points.get_balance(points.Owner.customer(customer_id)))


class TierByCustomerIdLoader(DataLoader[int, Tier | None]):
    """The tier each customer holds: one query for a whole page of accounts."""

    context_key = "tier_by_customer_id"

    def batch_load(self, keys: list[int]) -> list[Tier | None]:
        tiers = accounts_read.get_customer_tiers(keys)
        return [tiers.get(key) for key in keys]


class TierStandingByCustomerIdLoader(DataLoader[int, TierStanding]):
    """Each customer's tier standing (next tier, progress, grace), computed once per request and
    for a whole page of accounts at a time, however many fields ask."""

    context_key = "tier_standing_by_customer_id"

    def batch_load(self, keys: list[int]) -> list[TierStanding]:
        standings = accounts_read.get_tier_standings(
            keys, config=get_context_program_config(self.context), now=self.context.request_time
        )
        return [standings[key] for key in keys]


class LoyaltyLedgerEntry(graphene.ObjectType):
    id = graphene.ID(required=True, description="The entry's ID (`LoyaltyLedgerEntry:<pk>`).")
    kind = LoyaltyTransactionKindEnum(required=True, description="What moved the points.")
    bucket = LoyaltyPointsBucketEnum(required=True, description="The part of the balance the entry changed.")
    points = graphene.Int(required=True, description="Points added to (positive) or taken from (negative) the bucket.")
    reason = graphene.String(required=True, description="Why, in words (may be empty).")
    created_at = graphene.DateTime(required=True, description="When the points moved.")
    available_at = graphene.DateTime(description="For credited points: when they become (or became) spendable.")
    expires_at = graphene.DateTime(description="For credited points: when what is left of them expires.")
    order_id = graphene.ID(description="The Saleor order (`Order:<id>`) the points came from or went to; null for none.")

    class Meta:
        description = "One movement of points in a loyalty account, as the account's statement shows it."

    @staticmethod
    def resolve_id(root: StatementLine, _info: Any) -> str:
        return to_global_id("LoyaltyLedgerEntry", root.entry_id)

    @staticmethod
    def resolve_created_at(root: StatementLine, _info: Any) -> datetime:
        return root.created_at

    @staticmethod
    def resolve_order_id(root: StatementLine, _info: Any) -> str | None:
        return to_global_id("Order", root.order_id) if root.order_id else None


class LoyaltyPointsExpiry(graphene.ObjectType):
    points = graphene.Int(required=True, description="Points that expire on the day of `expiresAt` (UTC).")
    expires_at = graphene.DateTime(required=True, description="When the first of them expire.")

    class Meta:
        description = "The account's next expiry, for a line such as \"320 points expire on 1 March\"."


class LoyaltyLedgerEntryConnection(graphene.relay.Connection):
    class Meta:
        node = LoyaltyLedgerEntry


class LoyaltyAccount(graphene.ObjectType):
    id = graphene.ID(
        description="The account's ID (`LoyaltyAccount:<pk>`); null until the customer first earns or spends."
    )
    customer_id = graphene.ID(required=True, description="The Saleor customer (`User:<pk>`) the account is for.")
    available = graphene.Int(required=True, description="Points the customer can spend now.")
    pending = graphene.Int(required=True, description="Points earned that become spendable after the return window.")
    held = graphene.Int(required=True, description="Points reserved for a checkout in progress.")
    debt = graphene.Int(
        required=True, description="Points owed after a reversal took back points already spent; paid off by new earnings."
    )
    lifetime_earned = graphene.Int(required=True, description="All points ever credited to the account.")
    tier = graphene.Field(LoyaltyProgramTier, description="The tier the customer holds; null: none.")
    next_tier = graphene.Field(LoyaltyProgramTier, description="The next tier up; null at the top or without tiers.")
    tier_progress = graphene.Field(
        LoyaltyTierProgress,
        description=(
            "What is missing to reach the next tier (spend, orders, points or days). Computed per "
            "customer from the order records: meant for one account, not for every row of a list."
        ),
    )
    next_expiry = graphene.Field(
        LoyaltyPointsExpiry,
        description="The points that expire next (all that expire on that day) and when; null: none will.",
    )
    tier_grace_until = graphene.Date(
        description="Set while the customer is below their tier and keeps it until this day."
    )
    birthday = graphene.Field(
        LoyaltyBirthday, required=True,
        description="The birthday the program pays a birthday bonus on, and whether the customer may still set it.",
    )
    entries = ConnectionField(
        LoyaltyLedgerEntryConnection,
        backward=False,
        required=True,
        description="The account's statement, newest first.",
    )

    class Meta:
        description = (
            "A customer's points. A customer who buys for a company shares the company's account, so "
            "the figures are the company's."
        )

    @staticmethod
    def resolve_id(root: CustomerAccount, _info: Any) -> str | None:
        account_id = root.balance.account_id
        return None if account_id is None else to_global_id("LoyaltyAccount", account_id)

    @staticmethod
    def resolve_customer_id(root: CustomerAccount, _info: Any) -> str:
        return to_global_id("User", root.customer_id)

    @staticmethod
    def resolve_available(root: CustomerAccount, _info: Any) -> int:
        return root.balance.available

    @staticmethod
    def resolve_pending(root: CustomerAccount, _info: Any) -> int:
        return root.balance.pending

    @staticmethod
    def resolve_held(root: CustomerAccount, _info: Any) -> int:
        return root.balance.held

    @staticmethod
    def resolve_debt(root: CustomerAccount, _info: Any) -> int:
        return root.balance.debt

    @staticmethod
    def resolve_lifetime_earned(root: CustomerAccount, _info: Any) -> int:
        return root.balance.lifetime_earned

    @staticmethod
    def resolve_tier(root: CustomerAccount, info: Any) -> Any:
        return TierByCustomerIdLoader(info.context).load(root.customer_id)

    @staticmethod
    def resolve_next_tier(root: CustomerAccount, info: Any) -> Any:
        def load_tier(standing: TierStanding) -> Any:
            hint = standing.next_tier
            return None if hint is None else TierByIdLoader(info.context).load(hint.tier_id)

        return TierStandingByCustomerIdLoader(info.context).load(root.customer_id).then(load_tier)

    @staticmethod
    def resolve_tier_progress(root: CustomerAccount, info: Any) -> Any:
        return TierStandingByCustomerIdLoader(info.context).load(root.customer_id).then(
            lambda standing: standing.next_tier
        )

    @staticmethod
    def resolve_next_expiry(root: CustomerAccount, info: Any) -> accounts_read.NextExpiry | None:
        return accounts_read.get_next_expiry(root.balance.account_id, now=info.context.request_time)

    @staticmethod
    def resolve_tier_grace_until(root: CustomerAccount, info: Any) -> Any:
        return TierStandingByCustomerIdLoader(info.context).load(root.customer_id).then(
            lambda standing: standing.grace_until
        )

    @staticmethod
    def resolve_birthday(root: CustomerAccount, _info: Any) -> LoyaltyBirthday:
        # One account per query in practice (a customer's own, or staff opening one).
        return LoyaltyBirthday.from_info(get_customer_loyalty(root.customer_id))

    @staticmethod
    def resolve_entries(root: CustomerAccount, info: Any, *, first: int | None = None, after: str | None = None) -> Any:
        size = validate_page_args({"first": first, "after": after}, info.field_name, backward=False)
        before_entry_id = decode_int_cursor(after)
        statement = points.get_statement(
            points.Owner.customer(root.customer_id), limit=size, before_entry_id=before_entry_id
        )
        return connection_from_page(
            LoyaltyLedgerEntryConnection,
            statement.lines,
            [encode_cursor([line.entry_id]) for line in statement.lines],
            has_next_page=statement.next_before_id is not None,
            has_previous_page=after is not None,
        )


class LoyaltyAccountCountableConnection(CountableConnection):
    class Meta:
        node = LoyaltyAccount
