"""``loyaltyAccount``: the caller's points, or any customer's for staff with MANAGE_USERS;
``loyaltyAccounts``: the staff list of customers' accounts, filtered and paged by keyset."""

from __future__ import annotations

from typing import Any

import graphene
from django.contrib.auth import get_user_model

from ...exceptions import InvalidInput
from ...services import accounts_read, points
from ..auth import LoyaltyPermission
from ..core.connection import ConnectionField, create_connection_slice
from ..core.context import get_requestor, require_any_permission, require_customer_access
from ..core.ids import from_global_id_to_int
from ..types.account import CustomerAccount, LoyaltyAccount, LoyaltyAccountCountableConnection

# A filter names at most this many customers (a page's worth); longer lists are a mistake.
MAX_FILTER_IDS = 100
MAX_SEARCH_LENGTH = 100


class LoyaltyAccountFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Part of the customer's email or name.")
    tier = graphene.ID(description="Only customers who hold this tier (`LoyaltyTier:<pk>`).")
    has_debt = graphene.Boolean(description="Only accounts in debt (true) or not in debt (false).")
    customer_ids = graphene.List(
        graphene.NonNull(graphene.ID), description=f"Only these customers (`User:<pk>`), at most {MAX_FILTER_IDS}."
    )

    class Meta:
        description = "Conditions on the account list; every given one must hold."


def clean_account_filter(data: dict[str, Any] | None) -> accounts_read.AccountFilter:
    """The service's filter from the GraphQL input; bad values raise (nothing is read)."""
    data = data or {}
    search = data.get("search")
    if search is not None and (len(search) > MAX_SEARCH_LENGTH or not search.isprintable()):
        raise InvalidInput(f"Search for at most {MAX_SEARCH_LENGTH} printable characters.", field="search")
    tier = data.get("tier")
    customer_ids = data.get("customer_ids")
    if customer_ids is not None and len(customer_ids) > MAX_FILTER_IDS:
        raise InvalidInput(f"Filter by at most {MAX_FILTER_IDS} customers.", field="customerIds")
    return accounts_read.AccountFilter(
        search=search,
        tier_ids=None if tier is None else (from_global_id_to_int(tier, "LoyaltyTier", field="tier"),),
        has_debt=data.get("has_debt"),
        customer_ids=None
        if customer_ids is None
        else tuple(from_global_id_to_int(value, "User", field="customerIds") for value in customer_ids),
    )


class AccountQueries(graphene.ObjectType):
    loyalty_account = graphene.Field(
        LoyaltyAccount,
        customer_id=graphene.ID(
            description=(
                "The Saleor customer (`User:<pk>`) whose account to read; requires MANAGE_USERS unless it "
                "is the caller. Defaults to the caller."
            )
        ),
        description="A customer's loyalty points. Null when no customer has the given ID.",
    )
    loyalty_accounts = ConnectionField(
        LoyaltyAccountCountableConnection,
        filter=LoyaltyAccountFilterInput(description="Narrow the list."),
        description="Customers' loyalty accounts, newest first. Requires MANAGE_USERS.",
    )

    @staticmethod
    def resolve_loyalty_account(_root: Any, info: Any, *, customer_id: str | None = None) -> CustomerAccount | None:
        wanted = None if customer_id is None else from_global_id_to_int(customer_id, "User", field="customerId")
        user_id = require_customer_access(info, wanted)
        # The caller's own user exists (its token was checked); someone else's may not.
        if user_id != get_requestor(info).user_id and not get_user_model()._default_manager.filter(pk=user_id).exists():
            return None
        return CustomerAccount.fetch(user_id)

    @staticmethod
    def resolve_loyalty_accounts(_root: Any, info: Any, **args: Any) -> Any:
        require_any_permission(info, LoyaltyPermission.MANAGE_USERS)
        accounts = accounts_read.list_customer_accounts(clean_account_filter(args.get("filter")))
        connection = create_connection_slice(
            accounts, info, args, LoyaltyAccountCountableConnection, ordering=("-id",)
        )
        # One balance query for the page (a member's figures are their company's, as in loyaltyAccount).
        balances = points.get_customer_balances([edge.node.user_id for edge in connection.edges])
        for edge in connection.edges:
            edge.node = CustomerAccount(customer_id=edge.node.user_id, balance=balances[edge.node.user_id])
        return connection
