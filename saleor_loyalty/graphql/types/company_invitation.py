"""``LoyaltyCompanyInvitation``: a company admin's invitation, as its invitee or the company sees it."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import InvitationStatus
from ...services.b2b.company_invitations import InvitationInfo
from ..core.ids import to_global_id
from .company import LoyaltyCompanyRoleEnum


class LoyaltyCompanyInvitationStatusEnum(graphene.Enum):
    """Pending until the invitee accepts or declines, the company cancels it, or it expires
    (an expired one shows as CANCELLED)."""

    class Meta:
        enum = InvitationStatus


class LoyaltyCompanyInvitation(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyCompanyInvitation:<pk>`.")
    company_id = graphene.ID(required=True, description="The company (`LoyaltyCompany:<pk>`).")
    company_name = graphene.String(required=True, description="The company's name, for the invitee to recognise.")
    customer_id = graphene.ID(required=True, description="The invitee (`User:<pk>`), as the inviter named them.")
    role = LoyaltyCompanyRoleEnum(required=True, description="The role the invitee gets on accepting.")
    redemption_limit = graphene.Int(description="The monthly redemption limit the invitee gets; null: none.")
    status = LoyaltyCompanyInvitationStatusEnum(required=True)
    created_at = graphene.DateTime(required=True)
    expires_at = graphene.DateTime(required=True, description="After this the invitation can no longer be accepted.")
    responded_at = graphene.DateTime(description="When it was accepted, declined or cancelled.")

    class Meta:
        description = "An invitation to join a company; the invitee joins only by accepting it."

    @staticmethod
    def resolve_id(root: InvitationInfo, _info: Any) -> str:
        return to_global_id("LoyaltyCompanyInvitation", root.invitation_id)

    @staticmethod
    def resolve_company_id(root: InvitationInfo, _info: Any) -> str:
        return to_global_id("LoyaltyCompany", root.company_id)

    @staticmethod
    def resolve_customer_id(root: InvitationInfo, _info: Any) -> str:
        return to_global_id("User", root.invitee_user_id)

    @staticmethod
    def resolve_role(root: InvitationInfo, _info: Any) -> str:
        return root.role

    @staticmethod
    def resolve_status(root: InvitationInfo, _info: Any) -> str:
        return root.status
