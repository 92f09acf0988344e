"""Who is asking: the requestor of a GraphQL request, and the backends that find it.

The schema never reads headers or tokens itself. The view asks an ``AuthBackend`` for a
``Requestor`` once per request, and resolvers check ``requestor.has_perm(...)``. Two backends
implement the protocol:

- ``SignedTokenBackend`` (this module): Django users with bearer tokens signed by
  ``django.core.signing``. The demo and the tests use it; it is not meant for production.
- the Saleor adapter (``saleor_loyalty.saleor``): Saleor's JWT for customers and staff and app
  tokens for apps, checked against Saleor's permission enums. ``LoyaltyPermission.saleor_codename``
  is the permission string Saleor's ``User.has_perm`` and ``App.has_perm`` accept.

Both read the ``Authorization: Bearer <token>`` header only (no cookies, no query strings), so
the endpoint needs no CSRF protection.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest

__all__ = [
    "AuthBackend",
    "AuthenticationFailed",
    "LoyaltyPermission",
    "Requestor",
    "SignedTokenBackend",
    "create_access_token",
    "get_bearer_token",
]


class LoyaltyPermission(enum.Enum):
    """What staff and apps may do beyond their own account.

    The names are Saleor's: a Saleor staff member or app with ``MANAGE_USERS`` may read and
    adjust any customer's points, without a permission of our own to grant.
    """

    MANAGE_DISCOUNTS = "discount.manage_discounts"  # loyalty rules, tiers, price lists
    MANAGE_USERS = "account.manage_users"  # any customer's account, adjustments, referrals
    MANAGE_ORDERS = "order.manage_orders"  # corrections tied to an order

    @property
    def saleor_codename(self) -> str:
        """The ``<app_label>.<codename>`` string of Saleor's enum (``saleor/permission/enums.py``)."""
        return self.value


@dataclass(frozen=True)
class Requestor:
    """The caller of one request: a user, an app, or nobody (anonymous).

    ``permissions`` is worked out once by the backend, so checks in resolvers cost no queries.
    ``user`` is the Django user (Saleor's ``account.User`` inside Saleor); ``app`` is Saleor's
    ``App``, opaque here.
    """

    user: Any | None = None
    app: Any | None = None
    permissions: frozenset[LoyaltyPermission] = field(default_factory=frozenset)

    @property
    def is_app(self) -> bool:
        return self.app is not None

    @property
    def is_staff(self) -> bool:
        return self.user is not None and bool(getattr(self.user, "is_staff", False))

    @property
    def user_id(self) -> int | None:
        """The caller's own user id: the only customer a non-privileged caller may act for."""
        return None if self.user is None else int(self.user.pk)

    def has_perm(self, permission: LoyaltyPermission) -> bool:
        return permission in self.permissions

    def has_any_perm(self, *permissions: LoyaltyPermission) -> bool:
        return any(permission in self.permissions for permission in permissions)


ANONYMOUS = Requestor()


class AuthenticationFailed(Exception):
    """A credential was sent but is not valid; the request is refused, never run as anonymous.

    ``code`` follows Saleor's (the class name of PyJWT's exception) so that storefront SDKs that
    refresh a token on ``ExpiredSignatureError`` work unchanged against this API.
    """

    def __init__(self, message: str, *, code: str = "InvalidTokenError") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class AuthBackend(Protocol):
    """Finds the requestor of a request. Implementations live beside their identity provider.

    ``get_requestor`` returns ``Requestor()`` for a request without credentials and raises
    ``AuthenticationFailed`` for a credential that does not verify (bad signature, expired,
    unknown or inactive user). It is called once per HTTP request, before execution.
    """

    def get_requestor(self, request: HttpRequest) -> Requestor: ...


def get_bearer_token(request: HttpRequest) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, as Saleor reads it.

    Like Saleor, another scheme (``Basic`` from a proxy, say) is not ours and counts as no token.
    """
    parts = request.META.get("HTTP_AUTHORIZATION", "").split(maxsplit=1)
    if len(parts) == 2 and parts[0].upper() == "BEARER":
        return parts[1].strip()
    return None


_TOKEN_SALT = "saleor_loyalty.graphql.access"


def create_access_token(user: Any) -> str:
    """A signed, timestamped access token for ``user`` (demo and tests only).

    The token carries the user's pk; ``SignedTokenBackend`` checks the signature and the age.
    """
    return signing.dumps({"user": user.pk}, salt=_TOKEN_SALT, compress=True)


class SignedTokenBackend:
    """Requestors from tokens made by ``create_access_token``, for running without Saleor.

    Permissions come from Django's own auth data so that they can be granted without models of
    our own: an active superuser has every ``LoyaltyPermission``; any other active user has
    those named by the Django ``Group`` rows they belong to (a group called ``MANAGE_USERS``
    grants ``LoyaltyPermission.MANAGE_USERS``). ``group_name_for`` gives the group name.
    """

    def __init__(self, *, max_age: timedelta = timedelta(hours=1)) -> None:
        self.max_age = max_age

    @staticmethod
    def group_name_for(permission: LoyaltyPermission) -> str:
        return permission.name

    def get_requestor(self, request: HttpRequest) -> Requestor:
        token = get_bearer_token(request)
        if token is None:
            return ANONYMOUS
        user = self._get_user(token)
        return Requestor(user=user, permissions=self.get_permissions(user))

    def _get_user(self, token: str) -> Any:
        try:
            payload = signing.loads(token, salt=_TOKEN_SALT, max_age=self.max_age)
        except signing.SignatureExpired as exc:
            raise AuthenticationFailed("Signature has expired", code="ExpiredSignatureError") from exc
        except signing.BadSignature as exc:
            raise AuthenticationFailed("Invalid token") from exc
        user_pk = payload.get("user") if isinstance(payload, dict) else None
        if not isinstance(user_pk, int):
            raise AuthenticationFailed("Invalid token")
        user = get_user_model()._default_manager.filter(pk=user_pk, is_active=True).first()
        if user is None:
            raise AuthenticationFailed("User not found or inactive")
        return user

    def get_permissions(self, user: Any) -> frozenset[LoyaltyPermission]:
        """The permissions of an active ``user`` (the staff console asks this too)."""
        if user.is_superuser:
            return frozenset(LoyaltyPermission)
        names = set(user.groups.values_list("name", flat=True))
        return frozenset(p for p in LoyaltyPermission if self.group_name_for(p) in names)
