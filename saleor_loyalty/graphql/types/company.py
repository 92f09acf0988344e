"""``LoyaltyCompany``: a B2B company, its members, shared points, tier and rebates.

The type resolves from a ``CompanyView``: the company and who asks. Whoever may see the company
at all (staff with MANAGE_USERS, or one of its members) sees every field, since members share
the pool, the tier and the rebates; the query that hands out a ``CompanyView`` checks that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import graphene

from ...models import CompanyRole
from ...services.b2b import companies, company_limits, company_prices, company_tiers, rebate_statements
from ...services import points
from ...services.b2b.companies import CompanyInfo, MemberInfo
from ..auth import LoyaltyPermission
from ..core.connection import (
    ConnectionField,
    connection_from_page,
    decode_int_cursor,
    encode_cursor,
    validate_page_args,
)
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import to_global_id
from .account import LoyaltyLedgerEntryConnection
from .rebate import LoyaltyRebateProgress, LoyaltyRebateStatement

MAX_STATEMENTS = 36


@dataclass(frozen=True)
class CompanyView:
    """What ``LoyaltyCompany`` resolves from: the company, and the caller (staff or a member)."""

    company: CompanyInfo
    viewer_user_id: int | None
    as_staff: bool


@dataclass(frozen=True)
class CompanyPoints:
    company_id: int
    balance: points.Balance


class LoyaltyCompanyRoleEnum(graphene.Enum):
    """A member's role: admins manage the members, buyers order and redeem."""

    class Meta:
        enum = CompanyRole


class LoyaltyCompanyMember(graphene.ObjectType):
    customer_id = graphene.ID(required=True, description="The Saleor customer (`User:<pk>`).")
    email = graphene.String(required=True, description="The customer's email.")
    role = LoyaltyCompanyRoleEnum(required=True, description="Admin or buyer.")
    redemption_limit = graphene.Int(
        description="Points the member may redeem from the shared pool per calendar month; null: no limit of their own."
    )
    joined_at = graphene.DateTime(required=True, description="When the customer joined the company.")

    class Meta:
        description = "A customer who buys for a company."

    @staticmethod
    def resolve_customer_id(root: MemberInfo, _info: Any) -> str:
        return to_global_id("User", root.user_id)

    @staticmethod
    def resolve_role(root: MemberInfo, _info: Any) -> str:
        return root.role


class LoyaltyCompanyAllowance(graphene.ObjectType):
    role = LoyaltyCompanyRoleEnum(required=True, description="The caller's role in the company.")
    redemption_limit = graphene.Int(description="The caller's monthly redemption limit; null: none of their own.")
    redeemed_this_month = graphene.Int(required=True, description="Points the caller redeemed this calendar month.")
    remaining_this_month = graphene.Int(description="Points the caller may still redeem this month; null: no own limit.")

    class Meta:
        description = "What the calling member may still redeem from the shared pool this month."


class LoyaltyCompanyPoints(graphene.ObjectType):
    available = graphene.Int(required=True, description="Points the members can spend now.")
    pending = graphene.Int(required=True, description="Points earned that become spendable after the return window.")
    held = graphene.Int(required=True, description="Points reserved for checkouts in progress.")
    debt = graphene.Int(required=True, description="Points owed after a reversal; paid off by new earnings.")
    lifetime_earned = graphene.Int(required=True, description="All points ever credited to the pool.")
    entries = ConnectionField(
        LoyaltyLedgerEntryConnection, backward=False, required=True, description="The pool's statement, newest first."
    )

    class Meta:
        description = "The company's shared points pool: every member's orders earn into it."

    @staticmethod
    def resolve_available(root: CompanyPoints, _info: Any) -> int:
        return root.balance.available

    @staticmethod
    def resolve_pending(root: CompanyPoints, _info: Any) -> int:
        return root.balance.pending

    @staticmethod
    def resolve_held(root: CompanyPoints, _info: Any) -> int:
        return root.balance.held

    @staticmethod
    def resolve_debt(root: CompanyPoints, _info: Any) -> int:
        return root.balance.debt

    @staticmethod
    def resolve_lifetime_earned(root: CompanyPoints, _info: Any) -> int:
        return root.balance.lifetime_earned

    @staticmethod
    def resolve_entries(root: CompanyPoints, info: Any, *, first: int | None = None, after: str | None = None) -> Any:
        size = validate_page_args({"first": first, "after": after}, info.field_name, backward=False)
        owner = points.Owner.company(root.company_id)
        statement = points.get_statement(owner, limit=size, before_entry_id=decode_int_cursor(after))
        return connection_from_page(
            LoyaltyLedgerEntryConnection, statement.lines, [encode_cursor([line.entry_id]) for line in statement.lines],
            has_next_page=statement.next_before_id is not None, has_previous_page=after is not None,
        )


class LoyaltyCompanyTierProgress(graphene.ObjectType):
    tier_id = graphene.ID(required=True, description="The next tier (`LoyaltyTier:<pk>`).")
    metric = graphene.String(required=True, description="What qualifies: `spend`, `orders`, `points` or `tenure`.")
    window_days = graphene.Int(description="The rolling window the figure is counted over; null: all time.")
    have = graphene.Decimal(required=True, description="The company's combined figure now.")
    need = graphene.Decimal(required=True, description="The tier's threshold.")
    missing = graphene.Decimal(required=True, description="What is still missing.")

    class Meta:
        description = "How far the company is from the next tier, on its members' combined orders."

    @staticmethod
    def resolve_tier_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyTier", root.tier_id)

    @staticmethod
    def resolve_metric(root: Any, _info: Any) -> str:
        return str(root.metric.value)


class LoyaltyContractPriceList(graphene.ObjectType):
    id = graphene.ID(required=True, description="The price list (`LoyaltyPriceList:<pk>`).")
    name = graphene.String(required=True)
    currency = graphene.String(required=True)
    channel = graphene.String(description="The channel slug it applies in; null: every channel.")
    valid_from = graphene.DateTime(description="From when the contract prices apply.")
    valid_until = graphene.DateTime(description="Until when they apply; null: open-ended.")
    is_active = graphene.Boolean(required=True)

    class Meta:
        description = "A price list bound to the company: its contract prices."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyPriceList", root.pk)


class LoyaltyCompany(graphene.ObjectType):
    id = graphene.ID(required=True, description="The company's ID (`LoyaltyCompany:<pk>`).")
    name = graphene.String(required=True)
    slug = graphene.String()
    is_active = graphene.Boolean(
        required=True, description="An inactive company's members cannot redeem, and it earns no rebates."
    )
    customer_type_id = graphene.ID(description="The Saleor customer type its members buy as (`CustomerType:<pk>`).")
    tier_id = graphene.ID(description="The company's tier (`LoyaltyTier:<pk>`), from its members' combined orders.")
    tier_since = graphene.DateTime(description="Since when the company holds its tier.")
    tier_progress = graphene.Field(LoyaltyCompanyTierProgress, description="Progress to the next tier; null at the top.")
    points = graphene.Field(LoyaltyCompanyPoints, required=True, description="The shared points pool.")
    members = graphene.List(graphene.NonNull(LoyaltyCompanyMember), required=True, description="Admins first.")
    my_allowance = graphene.Field(
        LoyaltyCompanyAllowance, description="The calling member's redemption allowance; null for staff."
    )
    contract_price_lists = graphene.List(
        graphene.NonNull(LoyaltyContractPriceList), required=True, description="The company's contract price lists."
    )
    rebate_progress = graphene.List(
        graphene.NonNull(LoyaltyRebateProgress), required=True,
        description="Where the company stands in the open period of each active rebate program.",
    )
    rebate_statements = graphene.List(
        graphene.NonNull(LoyaltyRebateStatement), required=True,
        limit=graphene.Int(description=f"At most this many, newest first (1 to {MAX_STATEMENTS}; default 12)."),
        description="The company's rebate statements for closed periods, newest first.",
    )
    created_at = graphene.DateTime(required=True)

    class Meta:
        description = "A B2B customer: members who buy for it share one points pool, a tier and rebates."

    @staticmethod
    def resolve_id(root: CompanyView, _info: Any) -> str:
        return to_global_id("LoyaltyCompany", root.company.company_id)

    @staticmethod
    def resolve_name(root: CompanyView, _info: Any) -> str:
        return root.company.name

    @staticmethod
    def resolve_slug(root: CompanyView, _info: Any) -> str | None:
        return root.company.slug

    @staticmethod
    def resolve_is_active(root: CompanyView, _info: Any) -> bool:
        return root.company.is_active

    @staticmethod
    def resolve_customer_type_id(root: CompanyView, _info: Any) -> str | None:
        type_id = root.company.customer_type_id
        return None if type_id is None else to_global_id("CustomerType", type_id)

    @staticmethod
    def resolve_tier_id(root: CompanyView, _info: Any) -> str | None:
        tier_id = root.company.tier_id
        return None if tier_id is None else to_global_id("LoyaltyTier", tier_id)

    @staticmethod
    def resolve_tier_since(root: CompanyView, _info: Any) -> datetime | None:
        return root.company.tier_since

    @staticmethod
    def resolve_tier_progress(root: CompanyView, info: Any) -> Any:
        return company_tiers.get_company_tier_progress(root.company.company_id, now=info.context.request_time)

    @staticmethod
    def resolve_points(root: CompanyView, _info: Any) -> CompanyPoints:
        company_id = root.company.company_id
        return CompanyPoints(company_id, points.get_balance(points.Owner.company(company_id)))

    @staticmethod
    def resolve_members(root: CompanyView, _info: Any) -> tuple[MemberInfo, ...]:
        by = companies.Actor(root.viewer_user_id, is_staff=root.as_staff)
        return companies.list_members(root.company.company_id, by=by)

    @staticmethod
    def resolve_my_allowance(root: CompanyView, info: Any) -> LoyaltyCompanyAllowance | None:
        if root.viewer_user_id is None:
            return None
        membership = companies.get_membership(root.viewer_user_id)
        if membership is None or membership.company_id != root.company.company_id:
            return None  # staff looking at a company they are not in
        allowance = company_limits.get_member_redemption_allowance(root.viewer_user_id, now=info.context.request_time)
        return LoyaltyCompanyAllowance(
            role=membership.role, redemption_limit=allowance.limit, redeemed_this_month=allowance.redeemed,
            remaining_this_month=allowance.remaining,
        )

    @staticmethod
    def resolve_contract_price_lists(root: CompanyView, _info: Any) -> list[Any]:
        return company_prices.list_contract_price_lists(root.company.company_id)

    @staticmethod
    def resolve_rebate_progress(root: CompanyView, info: Any) -> Any:
        return rebate_statements.get_rebate_progress(root.company.company_id, now=info.context.request_time)

    @staticmethod
    def resolve_rebate_statements(root: CompanyView, _info: Any, *, limit: int | None = None) -> Any:
        size = 12 if limit is None else max(1, min(limit, MAX_STATEMENTS))
        return rebate_statements.get_rebate_statements(root.company.company_id, limit=size)

    @staticmethod
    def resolve_created_at(root: CompanyView, _info: Any) -> datetime:
        return root.company.created_at


def get_company_actor(info: Any) -> companies.Actor:
    """Who acts on companies: staff (MANAGE_USERS, users and apps alike) or a signed-in customer.

    The services decide what a customer may do (an admin manages members, a member reads);
    anonymous callers and apps without the permission are refused here.
    """
    requestor = get_requestor(info)
    if requestor.has_perm(LoyaltyPermission.MANAGE_USERS):
        return companies.Actor.staff(requestor.user_id)
    if requestor.user_id is None:
        raise PermissionDenied(permissions=(LoyaltyPermission.MANAGE_USERS,))
    return companies.Actor.customer(requestor.user_id)
