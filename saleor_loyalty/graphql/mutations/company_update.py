"""``loyaltyCompanyUpdate``: staff rename, re-type, deactivate or reactivate a company."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import InvalidInput
from ...services.b2b import companies
from ..auth import LoyaltyPermission
from ..errors import LoyaltyCompanyError
from ..core.context import get_requestor
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..types.company import CompanyView, LoyaltyCompany


class LoyaltyCompanyUpdate(BaseMutation):
    company = graphene.Field(LoyaltyCompany, description="The company after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")
        name = graphene.String(description="A new name.")
        slug = graphene.String(description="A new unique slug.")
        customer_type_id = graphene.ID(description="The Saleor customer type its members buy as (`CustomerType:<pk>`).")
        clear_customer_type = graphene.Boolean(description="True: the members buy as their own customer type again.")
        is_active = graphene.Boolean(
            description="False deactivates: members keep the shared points but cannot redeem; no rebates."
        )

    class Meta:
        description = "Change a company; only the arguments given change. Requires MANAGE_USERS."
        error_type_class = LoyaltyCompanyError
        permissions = (LoyaltyPermission.MANAGE_USERS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, id: str, clear_customer_type: bool | None = None, **changes: Any
    ) -> LoyaltyCompanyUpdate:
        company_id = from_global_id_to_int(id, "LoyaltyCompany", field="id")
        # graphql-core 2 drops null arguments, so a null can only mean "leave it"; clearing the
        # customer type has its own flag.
        kept = {key: value for key, value in changes.items() if value is not None}
        if "customer_type_id" in kept:
            if clear_customer_type:
                raise InvalidInput("give customerTypeId or clearCustomerType, not both", field="customer_type_id")
            kept["customer_type_id"] = from_global_id_to_int(
                kept["customer_type_id"], "CustomerType", field="customer_type_id")
        elif clear_customer_type:
            kept["customer_type_id"] = None
        company = companies.update_company(company_id, **kept)
        return cls(company=CompanyView(company, get_requestor(info).user_id, True))
