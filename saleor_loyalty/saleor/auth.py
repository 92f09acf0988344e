"""Who calls the plugin's GraphQL API inside Saleor: Saleor's JWT for people, app tokens for apps.

Implements ``saleor_loyalty.graphql.auth.AuthBackend``. Saleor's plugin views hand over a bare
request (no auth middleware, ``get_context_value`` not called, the app not set because the path
is not ``/graphql/``), so both are resolved here. Permissions are Saleor's own enums.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..graphql.auth import AuthenticationFailed, LoyaltyPermission, Requestor

if TYPE_CHECKING:
    from django.http import HttpRequest


def _saleor_permissions() -> dict[LoyaltyPermission, Any]:
    from saleor.permission.enums import AccountPermissions, DiscountPermissions, OrderPermissions

    return {
        LoyaltyPermission.MANAGE_DISCOUNTS: DiscountPermissions.MANAGE_DISCOUNTS,
        LoyaltyPermission.MANAGE_USERS: AccountPermissions.MANAGE_USERS,
        LoyaltyPermission.MANAGE_ORDERS: OrderPermissions.MANAGE_ORDERS,
    }


class SaleorAuthBackend:
    def get_requestor(self, request: HttpRequest) -> Requestor:
        import jwt
        from saleor.graphql.app.dataloaders import get_app_promise
        from saleor.graphql.context import get_context_value

        context = get_context_value(request)
        try:
            app = get_app_promise(context).get()
            user = context.user or None
            if user is not None and not user.is_active:
                raise AuthenticationFailed("User not found or inactive")
        except jwt.PyJWTError as exc:
            raise AuthenticationFailed(str(exc), code=type(exc).__name__) from exc
        except Exception as exc:  # Saleor raises its own errors for unknown users and bad keys
            if isinstance(exc, AuthenticationFailed):
                raise
            raise AuthenticationFailed(str(exc) or "Invalid token", code=type(exc).__name__) from exc
        if user is None and app is None:
            from saleor.core.auth import get_token_from_request

            if get_token_from_request(request):
                # A credential was sent and nothing accepted it: refuse, never run as anonymous.
                raise AuthenticationFailed("Invalid token")
            return Requestor()
        granted = frozenset(
            permission for permission, saleor_permission in _saleor_permissions().items()
            if (user is not None and user.has_perm(saleor_permission))
            or (app is not None and app.has_perm(saleor_permission))
        )
        return Requestor(user=user, app=app, permissions=granted)
