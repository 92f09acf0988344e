"""GraphQL enums of the API: permissions, and one error-code enum per mutation family.

A family's enum lists the ``LoyaltyError.code`` values its services raise; a code missing here
still reaches the client (as ``INVALID`` or ``NOT_FOUND``, with its message) and logs a warning.
"""

from __future__ import annotations

import graphene

from .auth import LoyaltyPermission


class LoyaltyPermissionEnum(graphene.Enum):
    """Saleor permissions that the loyalty API checks (named after Saleor's ``PermissionEnum``)."""

    class Meta:
        enum = LoyaltyPermission
