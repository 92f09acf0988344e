"""``loyaltyCompany`` (a member's company, or any for staff) and ``loyaltyCompanies`` (staff)."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import CompanyNotFound, NotCompanyMember
from ...services.b2b import companies
from ..auth import LoyaltyPermission
from ..core.context import require_any_permission
from ..core.ids import from_global_id_to_int
from ..types.company import CompanyView, LoyaltyCompany, get_company_actor

MAX_COMPANIES = 100


class CompanyQueries(graphene.ObjectType):
    loyalty_company = graphene.Field(
        LoyaltyCompany,
        id=graphene.ID(
            description="The company (`LoyaltyCompany:<pk>`); defaults to the caller's own. Any company needs MANAGE_USERS."
        ),
        description=(
            "A company with its shared points, tier, members and rebates. Null when the caller is in no company "
            "(or, for staff, when no company has the ID); a member asking for another company is refused."
        ),
    )
    loyalty_companies = graphene.List(
        graphene.NonNull(LoyaltyCompany),
        required=True,
        search=graphene.String(description="Part of the name or slug, any case."),
        include_inactive=graphene.Boolean(description="Include deactivated companies (default true)."),
        first=graphene.Int(description=f"At most this many, by name (1 to {MAX_COMPANIES}; default 50)."),
        description="Companies by name. Requires MANAGE_USERS.",
    )

    @staticmethod
    def resolve_loyalty_company(_root: Any, info: Any, *, id: str | None = None) -> CompanyView | None:
        actor = get_company_actor(info)
        wanted = None if id is None else from_global_id_to_int(id, "LoyaltyCompany", field="id")
        if wanted is None:
            if actor.user_id is None:
                return None  # an app has no company of its own
            membership = companies.get_membership(actor.user_id)
            if membership is None:
                return None
            wanted = membership.company_id
        elif not actor.is_staff:
            membership = companies.get_membership(actor.user_id) if actor.user_id is not None else None
            # The same refusal whether the company exists or not: a customer learns nothing of others.
            if membership is None or membership.company_id != wanted:
                raise NotCompanyMember("you are not a member of this company", field="id")
        try:
            company = companies.get_company(wanted, by=actor)
        except CompanyNotFound:
            return None
        return CompanyView(company, actor.user_id, actor.is_staff)

    @staticmethod
    def resolve_loyalty_companies(
        _root: Any, info: Any, *, search: str | None = None, include_inactive: bool | None = None,
        first: int | None = None,
    ) -> list[CompanyView]:
        requestor = require_any_permission(info, LoyaltyPermission.MANAGE_USERS)
        size = 50 if first is None else max(1, min(first, MAX_COMPANIES))
        found = companies.list_companies(
            search=search or "", include_inactive=include_inactive is not False, limit=size
        )
        return [CompanyView(company, requestor.user_id, True) for company in found]
