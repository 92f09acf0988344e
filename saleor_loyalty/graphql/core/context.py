"""The per-request context resolvers see as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ...config import ProgramConfig
from ...exceptions import CheckoutNotFound
from ...services import quotes
from ...shop import CheckoutView
from ..auth import LoyaltyPermission, Requestor
from .errors import PermissionDenied
from .ids import to_global_id


@dataclass
class LoyaltyContext:
    """What one execution shares: who asks, the request, the loaders, and one clock reading.

    ``request_time`` lets every field of one response see the same "now" (a balance and its
    expiring points must agree). ``dataloaders`` is filled by ``core.dataloaders.DataLoader``.
    """

    request: HttpRequest | None
    requestor: Requestor
    request_time: datetime = field(default_factory=timezone.now)
    dataloaders: dict[str, Any] = field(default_factory=dict)


def get_requestor(info: Any) -> Requestor:
    return info.context.requestor  # type: ignore[no-any-return]


def require_any_permission(info: Any, *permissions: LoyaltyPermission) -> Requestor:
    """The requestor, when it has one of ``permissions``; else ``PermissionDenied``."""
    requestor = get_requestor(info)
    if not requestor.has_any_perm(*permissions):
        raise PermissionDenied(permissions=permissions)
    return requestor


def require_customer_access(info: Any, customer_id: int | None) -> int:
    """The customer whose data the requestor asked for, when it may see it; else ``PermissionDenied``.

    ``customer_id=None`` means "mine". A customer may see only their own data; staff and apps
    with ``MANAGE_USERS`` may see anyone's. Apps have no data of their own, so they must name
    the customer.
    """
    requestor = get_requestor(info)
    if customer_id is None:
        if requestor.user_id is None:
            if requestor.is_app:
                raise PermissionDenied("Apps must pass the customer's ID.")
            raise PermissionDenied("You must be signed in to see your loyalty account.")
        return requestor.user_id
    if customer_id == requestor.user_id or requestor.has_perm(LoyaltyPermission.MANAGE_USERS):
        return customer_id
    raise PermissionDenied(permissions=(LoyaltyPermission.MANAGE_USERS,))


def require_checkout_owner(info: Any, token: str, *, staff_may: bool) -> CheckoutView:
    """Refuse a caller who does not own the checkout (``CheckoutNotFound`` for an unknown one).

    A guest checkout (no customer) is the token holder's, as in Saleor: the token is the secret.
    Staff with MANAGE_USERS may read (``staff_may``) but never act on a customer's checkout.
    """
    try:
        checkout = quotes.fetch_checkout(token)
    except CheckoutNotFound as exc:
        raise CheckoutNotFound(f"Couldn't resolve to a checkout: {to_global_id('Checkout', token)}", field="checkoutId") from exc
    requestor = get_requestor(info)
    if checkout.user_id is None or checkout.user_id == requestor.user_id:
        return checkout
    if staff_may and requestor.has_perm(LoyaltyPermission.MANAGE_USERS):
        return checkout
    raise PermissionDenied("This checkout belongs to another customer.")


def get_program_config(info: Any) -> ProgramConfig:
    """The plugin's configuration, which the Saleor adapter (or the demo) puts on the request; else the defaults."""
    return get_context_program_config(info.context)


def get_context_program_config(context: LoyaltyContext) -> ProgramConfig:
    """``get_program_config`` for code that has the context but no ``info`` (a dataloader)."""
    request = context.request
    config = getattr(request, "loyalty_config", None)
    return config if isinstance(config, ProgramConfig) else ProgramConfig()
