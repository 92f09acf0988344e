"""``loyaltyCompanyCreate``: staff create a B2B company (no members yet)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.b2b import companies
from ..auth import LoyaltyPermission
from ..errors import LoyaltyCompanyError
from ..core.context import get_requestor
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import CompanyView, LoyaltyCompany


class LoyaltyCompanyCreate(BaseMutation):
    company = graphene.Field(LoyaltyCompany, description="The company created.")

    class Arguments:
        name = graphene.String(required=True, description="The company's name (1 to 255 characters).")
        slug = graphene.String(description="A unique slug; defaults to one made from the name.")
        customer_type_id = graphene.ID(description="The Saleor customer type its members buy as (`CustomerType:<pk>`).")

    class Meta:
        description = "Create a company. Requires MANAGE_USERS."
        error_type_class = LoyaltyCompanyError
        permissions = (LoyaltyPermission.MANAGE_USERS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, name: str, slug: str | None = None, customer_type_id: str | None = None
    ) -> LoyaltyCompanyCreate:
        type_id = None if customer_type_id is None else from_global_id_to_int(
            customer_type_id, "CustomerType", field="customer_type_id")
        company = companies.create_company(name, slug=slug, customer_type_id=type_id)
        return cls(company=CompanyView(company, get_requestor(info).user_id, True))
