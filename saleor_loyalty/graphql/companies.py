"""The B2B part of the API: company queries and the company and membership mutations
and the rebate program mutations (``types/company.py``, ``types/rebate.py`` and
``types/rebate_program.py`` hold the types, ``company_errors.py`` the errors).

``schema.py`` registers it with one import and two spreads::

    from .companies import COMPANY_MUTATIONS, COMPANY_QUERIES
    QUERIES = (..., *COMPANY_QUERIES)
    MUTATIONS = {..., **COMPANY_MUTATIONS}
"""

from __future__ import annotations

import graphene

from .mutations.company_create import LoyaltyCompanyCreate
from .mutations.company_delete import LoyaltyCompanyDelete
from .mutations.company_member_add import LoyaltyCompanyMemberAdd
from .mutations.company_member_remove import LoyaltyCompanyMemberRemove
from .mutations.company_member_update import LoyaltyCompanyMemberUpdate
from .mutations.company_update import LoyaltyCompanyUpdate
from .mutations.rebate_program_create import LoyaltyRebateProgramCreate
from .mutations.rebate_program_update import LoyaltyRebateProgramUpdate
from .queries.companies import CompanyQueries

COMPANY_QUERIES: tuple[type[graphene.ObjectType], ...] = (CompanyQueries,)

COMPANY_MUTATIONS: dict[str, type[graphene.Mutation]] = {
    "loyaltyCompanyCreate": LoyaltyCompanyCreate,
    "loyaltyCompanyUpdate": LoyaltyCompanyUpdate,
    "loyaltyCompanyDelete": LoyaltyCompanyDelete,
    "loyaltyCompanyMemberAdd": LoyaltyCompanyMemberAdd,
    "loyaltyCompanyMemberUpdate": LoyaltyCompanyMemberUpdate,
    "loyaltyCompanyMemberRemove": LoyaltyCompanyMemberRemove,
    "loyaltyRebateProgramCreate": LoyaltyRebateProgramCreate,
    "loyaltyRebateProgramUpdate": LoyaltyRebateProgramUpdate,
}
