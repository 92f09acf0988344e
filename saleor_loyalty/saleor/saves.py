"""What was saved on a checkout instance since the plugin last looked at it.

A ``pre_save`` receiver on Saleor's ``Checkout`` notes, on the instance itself, the
``last_change`` it was loaded with (the receiver runs before ``auto_now`` moves it) and the
fields every save since named. Saleor's ``checkoutEmailUpdate`` saves ``email``,
``last_change`` and ``search_index_dirty`` and nothing else; a mutation that touches lines,
the voucher, the buyer or an address saves the price expiry or the field it changed as well,
so it never passes for an email-only save, and neither does a full save (``update_fields=None``).
The sync takes the note off the instance it receives (``take_saves``): a hook given an instance
that was not the one saved finds no note and reads the checkout as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Saved by checkoutEmailUpdate; none of them feeds a quote (docs/hooks.md).
UNPRICED_FIELDS = frozenset({"email", "last_change", "search_index_dirty"})
SAVES_ATTR = "_loyalty_saves"


@dataclass(frozen=True)
class CheckoutSaves:
    """``loaded_last_change``: the checkout's ``last_change`` before the first save noted;
    ``fields``: every field the saves since named, ``None`` once one of them was a full save."""

    loaded_last_change: datetime | None
    fields: frozenset[str] | None

    @property
    def is_email_only(self) -> bool:
        """The email was saved, and nothing a quote depends on. Required positively (the email
        named), so a bare ``last_change`` save - Saleor's gift card and metadata mutations - is
        not taken for one."""
        return self.fields is not None and "email" in self.fields and self.fields <= UNPRICED_FIELDS


def note_checkout_save(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """``pre_save`` receiver for ``saleor.checkout.models.Checkout``."""
    fields = None if raw or update_fields is None or instance._state.adding else frozenset(update_fields)
    noted: CheckoutSaves | None = instance.__dict__.get(SAVES_ATTR)
    if noted is None:
        instance.__dict__[SAVES_ATTR] = CheckoutSaves(instance.last_change, fields)
    elif noted.fields is not None:
        joined = None if fields is None else noted.fields | fields
        instance.__dict__[SAVES_ATTR] = CheckoutSaves(noted.loaded_last_change, joined)


def take_saves(checkout: Any) -> CheckoutSaves | None:
    """The note of what was saved on ``checkout`` since the last call, removed from it."""
    saves: CheckoutSaves | None = checkout.__dict__.pop(SAVES_ATTR, None)
    return saves


def connect() -> None:
    """Register the receiver (once per process, from ``LoyaltyConfig.ready`` inside Saleor)."""
    from django.db.models.signals import pre_save
    from saleor.checkout.models import Checkout

    pre_save.connect(note_checkout_save, sender=Checkout, dispatch_uid="saleor_loyalty.checkout_saves")
