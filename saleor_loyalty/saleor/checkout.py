"""Checkout writes: loyalty unit prices and gift lines, through ``CheckoutLine.price_override``.

``sync_checkout`` runs on every ``checkout_created`` / ``checkout_updated``:

1. Split off units the buyer added to one of our gift lines (Saleor merges a same-variant add
   into the existing line): the gift line goes back to its gift quantity, the extra units move
   to a new, ordinary paid line.
2. Quote the cart (gift lines left out) with the services.
3. Set or clear our overrides (recognised by ``REASON_PREFIX``; foreign overrides are left
   alone), add, resize or delete gift lines, writing only what changed.
4. If anything changed, re-fetch the lines and ``invalidate_checkout`` so Saleor recomputes the
   totals. No checkout event is emitted from here.

The number of queries does not grow with the number of lines: reads are Saleor's prefetching
``fetch_checkout_lines``; writes are one bulk update, one bulk create and one delete.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..config import ProgramConfig
from ..engine.money import quantize
from ..engine.values import GiftLine, Quote
from .quoting import quote_loaded_checkout
from .mappers import GIFT_METADATA_KEY, GIFT_QUANTITY_KEY, REASON_PREFIX, is_gift_line, is_loyalty_override, to_cart

if TYPE_CHECKING:
    from saleor.checkout.fetch import CheckoutInfo, CheckoutLineInfo
    from saleor.checkout.models import Checkout

logger = logging.getLogger(__name__)

PRICE_FIELDS = ["price_override", "price_override_reason"]
REASON_MAX_LENGTH = 255


@dataclass(frozen=True)
class SyncResult:
    """What one sync changed (for logs and tests)."""

    prices_changed: int = 0
    gifts_added: int = 0
    gifts_changed: int = 0
    gifts_removed: int = 0
    lines_split: int = 0

    @property
    def changed(self) -> bool:
        return any((self.prices_changed, self.gifts_added, self.gifts_changed, self.gifts_removed, self.lines_split))


def load_checkout(checkout: Checkout) -> tuple[CheckoutInfo, list[CheckoutLineInfo], Any]:
    from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
    from saleor.plugins.manager import get_plugins_manager

    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout)
    return fetch_checkout_info(checkout, lines, manager), lines, manager


def sync_checkout(checkout: Checkout, config: ProgramConfig) -> SyncResult:
    """Bring the checkout's loyalty prices and gift lines in line with a fresh quote."""
    from saleor.checkout.utils import invalidate_checkout

    checkout_info, lines, manager = load_checkout(checkout)
    split = split_paid_units_off_gift_lines(checkout, lines)
    if split:
        checkout_info, lines, manager = load_checkout(checkout)
    cart = to_cart(checkout_info, lines)
    has_ours = any(is_loyalty_override(info.line) or is_gift_line(info.line) for info in lines)
    if not cart.lines and not has_ours:
        return SyncResult(lines_split=split)
    quote: Quote = quote_loaded_checkout(checkout_info, lines, config)
    prices_changed = apply_line_prices(lines, quote, currency=cart.currency)
    added, changed, removed = apply_gift_lines(checkout, lines, quote.gift_lines if config.gifts_enabled else ())
    result = SyncResult(prices_changed, added, changed, removed, split)
    if result.changed:
        checkout_info, lines, manager = load_checkout(checkout)
        invalidate_checkout(checkout_info, lines, manager, save=True)
    return result


def _reason(code: str) -> str:
    return f"{REASON_PREFIX}{code}"[:REASON_MAX_LENGTH]


def apply_line_prices(lines: list[CheckoutLineInfo], quote: Quote, *, currency: str) -> int:
    """Set the quoted unit price on lines whose price dropped; clear ours where it no longer does."""
    from saleor.checkout.utils import checkout_lines_bulk_update

    quoted = {line.line_id: line for line in quote.lines}
    to_update = []
    for info in lines:
        line = info.line
        if is_gift_line(line) or line.is_gift:
            continue
        line_quote = quoted.get(str(line.pk))
        wanted: tuple[Decimal | None, str | None] = (None, None)
        if line_quote is not None and line_quote.reason is not None and line_quote.unit_price < line_quote.base_unit_price:
            wanted = (quantize(line_quote.unit_price, currency), _reason(line_quote.reason.code))
        elif not is_loyalty_override(line):
            continue  # not ours, or nothing to clear
        current = (line.price_override, line.price_override_reason)
        if current[0] is not None and wanted[0] is not None and Decimal(current[0]) == wanted[0] and current[1] == wanted[1]:
            continue
        if current == wanted:
            continue
        line.price_override, line.price_override_reason = wanted
        to_update.append(line)
    if to_update:
        checkout_lines_bulk_update(to_update, PRICE_FIELDS)
    return len(to_update)


def _gift_reason(gift: GiftLine) -> str:
    code = gift.reason_code if gift.reason_code.startswith("gift:") else f"gift:{gift.reason_code}"
    return _reason(code)


def _gift_rule_id(line: Any) -> str | None:
    value = (line.metadata or {}).get(GIFT_METADATA_KEY)
    return None if value is None else str(value)


def apply_gift_lines(checkout: Checkout, lines: list[CheckoutLineInfo], gifts: tuple[GiftLine, ...]) -> tuple[int, int, int]:
    """Add, resize and remove the plugin's gift lines; returns (added, changed, removed)."""
    from saleor.checkout.models import CheckoutLine
    from saleor.checkout.utils import checkout_lines_bulk_delete, checkout_lines_bulk_update

    existing = {(_gift_rule_id(info.line), info.line.variant_id): info.line for info in lines if is_gift_line(info.line)}
    wanted = {(str(gift.rule_id), gift.variant_id): gift for gift in gifts}
    to_delete = [line.pk for key, line in existing.items() if key not in wanted]
    to_update = []
    for key, gift in wanted.items():
        line = existing.get(key)
        if line is None:
            continue
        reason = _gift_reason(gift)
        if (line.quantity != gift.quantity or line.price_override != 0 or line.price_override_reason != reason
                or _gift_quantities_of(line) != gift.quantity):
            line.quantity, line.price_override, line.price_override_reason = gift.quantity, Decimal(0), reason
            line.store_value_in_metadata({GIFT_QUANTITY_KEY: str(gift.quantity)})
            to_update.append(line)
    to_create = [gift for key, gift in wanted.items() if key not in existing]
    created = _create_gift_lines(checkout, to_create) if to_create else []
    if to_delete:
        checkout_lines_bulk_delete(to_delete)
    if to_update:
        checkout_lines_bulk_update(to_update, ["quantity", "metadata", *PRICE_FIELDS])
    if created:
        CheckoutLine.objects.bulk_create(created)
    return len(created), len(to_update), len(to_delete)


def _create_gift_lines(checkout: Checkout, gifts: list[GiftLine]) -> list[Any]:
    """Unsaved gift lines for the variants that are sold in the checkout's channel."""
    from saleor.checkout.models import CheckoutLine
    from saleor.product.models import ProductVariantChannelListing

    listings = {
        listing.variant_id: listing
        for listing in ProductVariantChannelListing.objects.filter(
            channel_id=checkout.channel_id, variant_id__in=[gift.variant_id for gift in gifts], price_amount__isnull=False
        ).select_related("variant")
    }
    created = []
    for gift in gifts:
        listing = listings.get(gift.variant_id)
        if listing is None:
            logger.warning("Gift variant %s is not sold in channel %s; gift rule %s skipped",
                           gift.variant_id, checkout.channel_id, gift.rule_id)
            continue
        variant = listing.variant
        line = CheckoutLine(
            checkout=checkout, variant=variant, quantity=gift.quantity, currency=checkout.currency,
            price_override=Decimal(0), price_override_reason=_gift_reason(gift),
            undiscounted_unit_price_amount=Decimal(0),
            prior_unit_price_amount=variant.get_prior_price_amount(listing),
        )
        line.store_value_in_metadata({GIFT_METADATA_KEY: str(gift.rule_id), GIFT_QUANTITY_KEY: str(gift.quantity)})
        created.append(line)
    return created


def split_paid_units_off_gift_lines(checkout: Checkout, lines: list[CheckoutLineInfo]) -> int:
    """Move units a buyer added to our gift line (Saleor merged them) to a separate paid line.

    The gift quantity is stored in the line's metadata when we write the line, so the excess over
    it is what the buyer added.
    """
    from saleor.checkout.models import CheckoutLine
    from saleor.checkout.utils import checkout_lines_bulk_update

    gift_quantities = _gift_quantities(lines)
    to_update, to_create = [], []
    for info in lines:
        line = info.line
        if not is_gift_line(line):
            continue
        gift_quantity = gift_quantities.get(str(line.pk))
        if gift_quantity is None or line.quantity <= gift_quantity:
            continue
        excess = line.quantity - gift_quantity
        line.quantity = gift_quantity
        to_update.append(line)
        listing = info.channel_listing
        to_create.append(CheckoutLine(
            checkout=checkout, variant=info.variant, quantity=excess, currency=checkout.currency,
            undiscounted_unit_price_amount=listing.price_amount if listing else Decimal(0),
            prior_unit_price_amount=info.variant.get_prior_price_amount(listing) if listing else None,
        ))
    if to_update:
        checkout_lines_bulk_update(to_update, ["quantity"])
        CheckoutLine.objects.bulk_create(to_create)
    return len(to_create)


def _gift_quantities_of(line: Any) -> int | None:
    raw = (line.metadata or {}).get(GIFT_QUANTITY_KEY)
    try:
        return None if raw is None else int(raw)
    except (TypeError, ValueError):
        return None


def _gift_quantities(lines: list[CheckoutLineInfo]) -> dict[str, int]:
    """The quantity each of our gift lines was written with, from its metadata."""
    quantities = {}
    for info in lines:
        quantity = _gift_quantities_of(info.line)
        if quantity is not None and is_gift_line(info.line):
            quantities[str(info.line.pk)] = quantity
    return quantities

