"""What the customer mutations share: they act for a signed-in customer, never for an app."""

from __future__ import annotations

from typing import Any, NoReturn

from ...exceptions import LoyaltyError, Refused

from ..core.context import get_requestor
from ..core.errors import PermissionDenied


def require_signed_in_customer(info: Any) -> int:
    """The caller's user id; ``PermissionDenied`` for anonymous callers and apps."""
    user_id = get_requestor(info).user_id
    if user_id is None:
        raise PermissionDenied("You must be signed in as a customer.")
    return user_id


class RefusalByReason(LoyaltyError):
    """A service's ``Refused`` with its ``reason`` as the code the client sees (``BELOW_MINIMUM``...)."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(refused.message, field=refused.field)
        self.code = refused.reason.upper()


def raise_refusal(exc: Refused) -> NoReturn:
    raise RefusalByReason(exc) from exc
