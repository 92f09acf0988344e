"""``LoyaltyViewer``: who the API takes the caller to be, and what they may do."""

from __future__ import annotations

from typing import Any

import graphene

from ..auth import LoyaltyPermission, Requestor
from ..core.ids import to_global_id
from ..enums import LoyaltyPermissionEnum


class LoyaltyViewer(graphene.ObjectType):
    customer_id = graphene.ID(
        description="The caller's own Saleor user ID (`User:<pk>`); null for anonymous callers and apps."
    )
    is_staff = graphene.Boolean(required=True, description="Whether the caller is a staff user.")
    is_app = graphene.Boolean(required=True, description="Whether the caller is a Saleor app.")
    permissions = graphene.List(
        graphene.NonNull(LoyaltyPermissionEnum),
        required=True,
        description="The permissions of the caller that this API checks.",
    )

    class Meta:
        description = "The caller of the request, as the loyalty API sees it."

    @staticmethod
    def resolve_customer_id(root: Requestor, _info: Any) -> str | None:
        return None if root.user_id is None else to_global_id("User", root.user_id)

    @staticmethod
    def resolve_is_staff(root: Requestor, _info: Any) -> bool:
        return root.is_staff

    @staticmethod
    def resolve_is_app(root: Requestor, _info: Any) -> bool:
        return root.is_app

    @staticmethod
    def resolve_permissions(root: Requestor, _info: Any) -> list[LoyaltyPermission]:
        return sorted(root.permissions, key=lambda permission: permission.name)
