"""The staff console inside Saleor: Saleor's permissions, and Dashboard's app token checked by
Saleor's own JWT code.

Implements ``console.auth.ConsoleAuth``. A console session's permissions are Saleor's enums as
``User.has_perm`` answers them (as the API's ``SaleorAuthBackend``). The handshake token Dashboard
gives the app's iframe is a ``thirdparty`` access token (``saleor.core.jwt.create_access_token_for_app``):
signed by Saleor, naming the staff user and the app, with the permissions the user and the app
share. It is accepted only when ``jwt_decode`` verifies it, it is of that type, it names an active
app installed from this plugin's manifest, and the user it names is active staff.
"""

from __future__ import annotations

from typing import Any

from ..console.auth import ConsoleAuth, HandshakeResult, bearer_request
from ..graphql.auth import AuthenticationFailed, LoyaltyPermission
from .auth import SaleorAuthBackend, _saleor_permissions


class SaleorConsoleAuth(ConsoleAuth):
    def __init__(self, *, app_identifier: str) -> None:
        self.app_identifier = app_identifier

    def get_permissions(self, user: Any) -> frozenset[LoyaltyPermission]:
        return frozenset(permission for permission, saleor_permission in _saleor_permissions().items()
                         if user.has_perm(saleor_permission))

    def verify_handshake_token(self, token: str) -> HandshakeResult:
        import jwt
        from saleor.app.models import App
        from saleor.core.jwt import APP_KEY_FIELD, JWT_THIRDPARTY_ACCESS_TYPE, jwt_decode

        from ..graphql.core.ids import InvalidGlobalId, from_global_id_to_int

        try:
            payload = jwt_decode(token)
        except jwt.PyJWTError as exc:
            raise AuthenticationFailed(str(exc), code=type(exc).__name__) from exc
        if payload.get("type") != JWT_THIRDPARTY_ACCESS_TYPE:
            raise AuthenticationFailed("Not a Dashboard app token.")
        try:
            app_id = from_global_id_to_int(str(payload.get(APP_KEY_FIELD, "")), "App")
        except InvalidGlobalId as exc:
            raise AuthenticationFailed("The token names no app.") from exc
        if not App.objects.filter(pk=app_id, identifier=self.app_identifier, is_active=True).exists():
            raise AuthenticationFailed("The token belongs to another app.")
        # Saleor's own code reads the user and caps their permissions to the token's.
        requestor = SaleorAuthBackend().get_requestor(bearer_request(token))
        if requestor.user is None or not requestor.is_staff:
            raise AuthenticationFailed("The token does not belong to a staff member.", code="PermissionDenied")
        return HandshakeResult(requestor.user, requestor.permissions)
