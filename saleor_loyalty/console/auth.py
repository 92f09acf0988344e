"""Who uses the console: staff signed in with the shop's user model, and their permissions.

The console builds the same ``Requestor`` as the GraphQL API (``graphql.auth``), so a page checks
``requestor.has_perm(LoyaltyPermission.MANAGE_USERS)`` exactly as a resolver does. Where the
permissions come from depends on the shop, like the API's backends:

- ``DjangoConsoleAuth`` (the demo, the tests): Django's groups, by the rule of
  ``SignedTokenBackend`` (a group named ``MANAGE_USERS`` grants MANAGE_USERS; superusers all);
  the Dashboard handshake token is one of the demo's signed tokens, checked by that backend.
- ``saleor.console_auth.SaleorConsoleAuth`` (inside Saleor): Saleor's permission enums, and the
  handshake token checked by Saleor's own JWT code.

Only active staff (``is_staff``) may sign in; a session whose user stopped being active staff is
refused on its next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone

from ..graphql.auth import AuthenticationFailed, LoyaltyPermission, Requestor, SignedTokenBackend
from .session import ConsoleSession

__all__ = ["ConsoleAuth", "DjangoConsoleAuth", "HandshakeResult", "bearer_request"]

_LINK_SALT = "saleor_loyalty.console.link"
LINK_MAX_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class HandshakeResult:
    """A verified Dashboard token: the staff user and the permissions the token grants them."""

    user: Any
    permissions: frozenset[LoyaltyPermission]


def bearer_request(token: str) -> HttpRequest:
    """A request carrying only ``Authorization: Bearer <token>``, for an API auth backend."""
    request = HttpRequest()
    request.method = "POST"
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    request.META["SERVER_NAME"], request.META["SERVER_PORT"] = "localhost", "80"
    return request


class ConsoleAuth:
    """Sign-in and permissions; subclasses say where permissions come from."""

    def get_permissions(self, user: Any) -> frozenset[LoyaltyPermission]:
        raise NotImplementedError

    def verify_handshake_token(self, token: str) -> HandshakeResult:
        """The staff user behind a Dashboard app token; raises ``AuthenticationFailed``."""
        raise NotImplementedError

    # --- shared ------------------------------------------------------------------------------

    def authenticate(self, email: str, password: str) -> Any | None:
        """The active staff user with this email and password, else None.

        An unknown email still costs one password hash, so the answer time does not tell which
        emails belong to staff (as Django's ModelBackend does).
        """
        user_model = get_user_model()
        user = user_model._default_manager.filter(email__iexact=email.strip(), is_active=True).order_by("pk").first()
        if user is None:
            user_model().set_password(password)
            return None
        if not user.check_password(password) or not user.is_staff:
            return None
        return user

    def get_requestor(self, session: ConsoleSession) -> Requestor | None:
        """The requestor of a signed-in session, or None when its user may no longer use it."""
        if session.user_id is None:
            return None
        user = get_user_model()._default_manager.filter(pk=session.user_id, is_active=True).first()
        if user is None:
            return None
        permissions = self.get_permissions(user)
        if session.permission_cap is not None:
            permissions = frozenset(p for p in permissions if p.name in session.permission_cap)
        return Requestor(user=user, permissions=permissions)

    # --- the demo's one-time sign-in link -----------------------------------------------------

    @staticmethod
    def create_sign_in_link_token(user: Any) -> str:
        """A short-lived token that signs ``user`` in once (``use_sign_in_link_token``).

        One-time without a table: the token names the user's ``last_login``, which using it
        changes, as Django's password-reset tokens do.
        """
        stamp = user.last_login.isoformat() if user.last_login else ""
        return signing.dumps({"u": user.pk, "l": stamp}, salt=_LINK_SALT)

    @staticmethod
    def use_sign_in_link_token(token: str) -> Any | None:
        """The active staff user a link token names, once; None for a used, old or bad token."""
        try:
            data = signing.loads(token, salt=_LINK_SALT, max_age=LINK_MAX_AGE)
        except signing.BadSignature:
            return None
        users = get_user_model()._default_manager
        user = users.filter(pk=data.get("u"), is_active=True, is_staff=True).first()
        if user is None or (user.last_login.isoformat() if user.last_login else "") != data.get("l"):
            return None
        now = timezone.now()
        # Conditional update: of two concurrent uses of one link, only one changes the row.
        if not users.filter(pk=user.pk, last_login=user.last_login).update(last_login=now):
            return None
        return user


class DjangoConsoleAuth(ConsoleAuth):
    """Permissions from Django's groups, as the API's ``SignedTokenBackend`` grants them."""

    def __init__(self, backend: SignedTokenBackend | None = None) -> None:
        self.backend = backend or SignedTokenBackend()

    def get_permissions(self, user: Any) -> frozenset[LoyaltyPermission]:
        return self.backend.get_permissions(user)

    def verify_handshake_token(self, token: str) -> HandshakeResult:
        requestor = self.backend.get_requestor(bearer_request(token))
        if not requestor.is_staff:
            raise AuthenticationFailed("The token does not belong to a staff member.", code="PermissionDenied")
        return HandshakeResult(requestor.user, requestor.permissions)
