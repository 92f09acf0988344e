"""The B2B part of the API: company queries and the company and membership mutations
(``types/company.py`` and ``types/rebate.py`` hold the types, ``company_errors.py`` the errors).

``schema.py`` registers it with one import and two spreads::

    from .companies import COMPANY_MUTATIONS, COMPANY_QUERIES
    QUERIES = (..., *COMPANY_QUERIES)
    MUTATIONS = {..., **COMPANY_MUTATIONS}
"""

from __future__ import annotations

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
from .queries.companies import CompanyQueries
from .queries.company_invitations import CompanyInvitationQueries

COMPANY_QUERIES: tuple[type[graphene.ObjectType], ...] = (CompanyQueries, CompanyInvitationQueries)

COMPANY_MUTATIONS: dict[str, type[graphene.Mutation]] = {
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
}
