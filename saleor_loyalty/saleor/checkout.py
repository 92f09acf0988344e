"""Checkout writes: loyalty unit prices and gift lines, through ``CheckoutLine.price_override``.

``sync_checkout`` runs on every ``checkout_created`` / ``checkout_updated``:

1. Read the checkout, its lines, the buyer and the buyer's loyalty facts in one statement
   (``checkout_reader``); a checkout without lines has nothing of ours to keep.
2. If this process found the checkout in line with its quote under the very same read (its
   fingerprint), configuration and rule windows (``synced``), stop: nothing it depends on changed.
3. Split off units the buyer added to one of our gift lines (Saleor merges a same-variant add
   into the existing line): the gift line goes back to its gift quantity, the extra units move
   to a new, ordinary paid line.
4. Quote the cart (gift lines left out) with the facts already read; prices and gifts need
   neither the balance nor tier progress.
5. Set or clear our overrides (recognised by ``REASON_PREFIX``; foreign overrides are left
   alone) in one UPDATE, and add, resize or delete gift lines, writing only what changed.
6. If anything changed, expire the checkout's prices (what Saleor's ``invalidate_checkout_prices``
   writes, in one UPDATE that also tells whether anything saved the checkout since the read):
   Saleor recomputes totals and discounts, with our prices, when the response reads them. No
   checkout event is emitted from here. A checkout whose prices were written over an untouched
   read, or found in line, is remembered (``synced``).

Before step 1, a mutation that saved nothing but the email (``saves``) of a checkout this
process read in line, untouched since (``synced``), stops without a statement. So an email
update costs none, any other mutation that changes nothing the program depends on (address,
delivery method) one, a quantity change that moves prices three, and none of the counts grows
with the number of lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ..config import ProgramConfig
from ..engine.money import quantize
from ..engine.values import GiftLine, Quote
from .checkout_reader import LineRow, fetch_checkout_row, get_fingerprint, parse_checkout_read, read_checkout
from .mappers import (
    GIFT_METADATA_KEY, GIFT_QUANTITY_KEY, GIFT_REASON_PREFIX, REASON_PREFIX, is_gift_line, is_loyalty_override,
)
from .saves import CheckoutSaves, take_saves
from .synced import SyncedCheckout, synced_checkouts

if TYPE_CHECKING:
    from saleor.checkout.models import Checkout

logger = logging.getLogger(__name__)

PRICE_FIELDS = ["price_override", "price_override_reason"]
# Set on the checkout instance a hook received, to its last_change after our sync.
SYNC_MARK = "_loyalty_synced_at"
REASON_MAX_LENGTH = 255
# How long an email-only mutation trusts the last read when Saleor has no CHECKOUT_PRICES_TTL.
DEFAULT_TRUST = timedelta(hours=1)


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


def sync_checkout(checkout: Checkout, config: ProgramConfig, *, force: bool = False) -> SyncResult:
    """Bring the checkout's loyalty prices and gift lines in line with a fresh quote."""
    from ..services.quotes import quote_checkout_view

    saves = take_saves(checkout)
    # Saleor emits checkout_created and checkout_updated back to back for one checkoutCreate,
    # on the same instance: unchanged since our last sync (same last_change), nothing to do.
    if not force and getattr(checkout, SYNC_MARK, None) == checkout.last_change:
        return SyncResult()
    if not force and saves is not None and saves.is_email_only and _is_untouched(checkout, saves, config):
        synced_checkouts.move(str(checkout.token), last_change=checkout.last_change)
        result = SyncResult()
    else:
        result = _sync(checkout, config, quote_checkout_view, trust_synced=not force)
    setattr(checkout, SYNC_MARK, checkout.last_change)
    return result


def _is_untouched(checkout: Checkout, saves: CheckoutSaves, config: ProgramConfig) -> bool:
    """Whether this process's last read of the checkout still holds after a mutation that saved
    only its email (``synced.SyncedCheckouts.is_untouched``): no statement at all.

    Left to the next read (the next line change, any other checkout mutation, Saleor's price TTL
    running out, and before the order when a line carries our price): changes made elsewhere to
    what the read covers but the checkout row does not record - the buyer's tier or company,
    a listing price, a gift's stock, rules when this process has not seen their new stamp yet.
    Saleor itself holds a checkout's prices for the same TTL without looking at the catalogue.
    """
    from django.conf import settings

    from ..services.rules.versions import get_seen_rules_stamp

    return synced_checkouts.is_untouched(
        str(checkout.token), last_change=saves.loaded_last_change, row_key=_row_key(checkout, config),
        rules_stamp=get_seen_rules_stamp(), now=timezone.now(),
        max_age=getattr(settings, "CHECKOUT_PRICES_TTL", DEFAULT_TRUST))


def _sync(
    checkout: Checkout, config: ProgramConfig, quote_checkout_view: Any, *, write: bool = True, trust_synced: bool = True
) -> SyncResult:
    with_gifts = _may_offer_gifts(config)
    text, read_last_change = fetch_checkout_row(checkout, with_gifts=with_gifts)
    now = timezone.now()
    token = str(checkout.token)
    fingerprint, row_key = get_fingerprint(text), _row_key(checkout, config)
    if trust_synced and synced_checkouts.is_current(token, fingerprint=fingerprint, row_key=row_key, now=now):
        if write:
            synced_checkouts.move(token, last_change=checkout.last_change, read_at=now)
        return SyncResult()  # decided before a single row is built
    read = parse_checkout_read(checkout, text)
    if read.rows and not with_gifts and _offers_gifts(config, read):
        # The read's rules stamp is newer than what this process knew and has gift rules.
        text, read_last_change = fetch_checkout_row(checkout)
        fingerprint = get_fingerprint(text)
        read = parse_checkout_read(checkout, text)
    if not read.rows:
        return SyncResult()
    split = split_paid_units_off_gift_lines(checkout, read.rows) if write else 0
    if split:
        read = read_checkout(checkout)
    has_ours = any(is_loyalty_override(row) or row.is_ours_gift for row in read.rows)
    if not read.view.cart.lines and not has_ours:
        return SyncResult(lines_split=split)
    quote: Quote = quote_checkout_view(
        read.view, config=config, now=now, with_points=False, with_progress=False, facts=read.facts)
    prices_changed = apply_line_prices(read.rows, quote, currency=checkout.currency, write=write)
    gifts = quote.gift_lines if config.gifts_enabled else ()
    added, changed, removed = apply_gift_lines(checkout, read.rows, gifts, write=write)
    result = SyncResult(prices_changed, added, changed, removed, split)
    # A gift whose variant is not sold in the channel is neither added nor in the read: a listing
    # added later must be noticed, so such a checkout is never taken as in line.
    in_line = read.facts is not None and _gifts_in_place(read.rows, gifts)
    if result.changed:
        synced_checkouts.forget(token)
        if not write:
            return result
        untouched = expire_prices(checkout, seen=read_last_change)
        # New prices written over a read nobody saved after are in line with it; gift lines
        # written are not remembered (their rows were not read back).
        if untouched and in_line and result == SyncResult(prices_changed=prices_changed):
            _remember(checkout, config, read, row_key, fingerprint=None, now=now)
    elif in_line:
        _remember(checkout, config, read, row_key, fingerprint=fingerprint, now=now)
    return result


def _may_offer_gifts(config: ProgramConfig) -> bool:
    """Whether the read should carry the gift picks and stock: gifts are on and the rules this
    process compiled last have a gift rule (or it has compiled none yet)."""
    from ..services.rules.versions import get_seen_compiled_rules

    seen = get_seen_compiled_rules()
    return config.gifts_enabled and (seen is None or bool(seen.gift_rules))


def _offers_gifts(config: ProgramConfig, read: Any) -> bool:
    """Whether the rules of the read's own stamp have a gift rule (compiled once per stamp)."""
    from ..services.rules.versions import get_compiled_rules

    return (config.gifts_enabled and read.facts is not None
            and bool(get_compiled_rules(config, stamp=read.facts.rules_stamp).gift_rules))


def _remember(checkout: Checkout, config: ProgramConfig, read: Any, row_key: Any, *, fingerprint: Any,
              now: Any) -> None:
    """Note the checkout as in line at its current ``last_change``. ``fingerprint`` None (after
    a write): only an email-only save may skip the next read; any other mutation quotes again."""
    from ..services.rules.versions import get_compiled_rules

    rules = get_compiled_rules(config, stamp=read.facts.rules_stamp)
    synced_checkouts.remember(str(checkout.token), SyncedCheckout(
        fingerprint=fingerprint, row_key=row_key, last_change=checkout.last_change,
        rules_stamp=read.facts.rules_stamp.stamp, read_at=now, until=rules.get_next_window_change(now)))


def _row_key(checkout: Checkout, config: ProgramConfig) -> tuple[Any, ...]:
    """What a sync's outcome takes from the checkout row itself and the configuration, beside
    the read's fingerprint. Not the email: no price or gift depends on it (only referral checks
    do, never run here), so checkoutEmailUpdate is recognised as changing nothing."""
    return (checkout.currency, checkout.discount_amount, checkout.voucher_code, checkout.user_id, config)


def _gifts_in_place(rows: tuple[LineRow, ...], gifts: tuple[GiftLine, ...]) -> bool:
    existing = {(_gift_rule_id(row), row.variant_id) for row in rows if row.is_ours_gift}
    return all((str(gift.rule_id), gift.variant_id) in existing for gift in gifts)


def is_synced(checkout: Checkout, config: ProgramConfig) -> bool:
    """Whether the checkout's loyalty prices and gift lines are what a fresh quote gives (reads
    only): a rule deleted or changed since the last checkout mutation leaves them stale."""
    from ..services.quotes import quote_checkout_view

    return not _sync(checkout, config, quote_checkout_view, write=False).changed


def has_loyalty_lines(lines: Any) -> bool:
    """Whether any of Saleor's loaded line infos carries our price or is our gift (no query)."""
    return any(is_loyalty_override(info.line) or is_gift_line(info.line) for info in lines or ())


def _expired_now() -> dict[str, datetime]:
    """What Saleor's ``invalidate_checkout_prices`` writes to a checkout, as of now."""
    now = timezone.now()
    return {"price_expiration": now, "discount_expiration": now, "last_change": now}


def expire_prices(checkout: Checkout, *, seen: datetime | None) -> bool:
    """Make Saleor recompute the checkout's prices and discounts when they are next read; returns
    whether nothing had saved the checkout since a read that saw its ``last_change`` at ``seen``.

    What Saleor's own ``invalidate_checkout_prices`` writes (``price_expiration``,
    ``discount_expiration``, ``last_change``: now), as one UPDATE that matches the checkout only
    while its ``last_change`` is still ``seen``; when another request saved it in between, a
    second UPDATE expires it anyway. Always written, even when the mutation expired the prices
    before emitting the event: the instance a hook receives is not always the one Saleor saved
    last (``checkoutCreate`` prices the checkout on another), so its expiry cannot be trusted.
    The instance gets the same values, as Saleor's function gives them.
    """
    from saleor.checkout.models import Checkout

    fields = _expired_now()
    checkouts = Checkout.objects.filter(pk=checkout.pk)
    untouched = seen is not None and checkouts.filter(last_change=seen).update(**fields) == 1
    if not untouched:
        checkouts.update(**fields)
    for name, value in fields.items():
        setattr(checkout, name, value)
    return untouched


def _reason(code: str) -> str:
    return f"{REASON_PREFIX}{code}"[:REASON_MAX_LENGTH]


def _line(row: LineRow, **fields: Any) -> Any:
    """An unsaved ``CheckoutLine`` with the row's primary key and ``fields``, for a bulk update."""
    from saleor.checkout.models import CheckoutLine

    return CheckoutLine(id=row.line_id, **fields)


def apply_line_prices(rows: tuple[LineRow, ...], quote: Quote, *, currency: str, write: bool = True) -> int:
    """Set the quoted unit price on lines whose price dropped; clear ours where it no longer does."""
    quoted = {line.line_id: line for line in quote.lines}
    updates: list[tuple[str, Decimal | None, str | None]] = []
    for row in rows:
        if row.is_ours_gift or row.is_gift:
            continue
        line_quote = quoted.get(str(row.line_id))
        wanted: tuple[Decimal | None, str | None] = (None, None)
        if line_quote is not None and line_quote.reason is not None and line_quote.unit_price < line_quote.base_unit_price:
            wanted = (quantize(line_quote.unit_price, currency), _reason(line_quote.reason.code))
        elif not is_loyalty_override(row):
            continue  # not ours, or nothing to clear
        current = (row.price_override, row.price_override_reason)
        if current[0] is not None and wanted[0] is not None and Decimal(current[0]) == wanted[0] and current[1] == wanted[1]:
            continue
        if current == wanted:
            continue
        updates.append((str(row.line_id), *wanted))
    if updates and write:
        update_line_prices(updates)
    return len(updates)


# One statement for any number of lines. The lines are locked first, in primary-key order, as
# Saleor's ``checkout_lines_bulk_update`` locks them (so two writers cannot deadlock); Django's
# ``bulk_update`` would build a CASE expression per line and field, which costs ~27 ms of Python
# at 30 lines - more than the rest of the mutation's loyalty work together.
_UPDATE_PRICES_SQL = """
WITH wanted(id, price, reason) AS (VALUES {values}),
locked AS (
    SELECT line.id FROM checkout_checkoutline AS line
    WHERE line.id IN (SELECT wanted.id FROM wanted) ORDER BY line.id FOR UPDATE
)
UPDATE checkout_checkoutline AS line
SET price_override = wanted.price, price_override_reason = wanted.reason
FROM wanted
WHERE line.id = wanted.id AND line.id IN (SELECT locked.id FROM locked)
"""


def update_line_prices(updates: list[tuple[str, Decimal | None, str | None]]) -> None:
    """Write (line id, override price or None, reason or None) to the lines, in one UPDATE."""
    from django.db import connection

    values = ", ".join(["(%s::uuid, %s::numeric, %s::varchar)"] * len(updates))
    params = [value for update in updates for value in update]
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_PRICES_SQL.format(values=values), params)


def _gift_reason(gift: GiftLine) -> str:
    code = gift.reason_code if gift.reason_code.startswith("gift:") else f"gift:{gift.reason_code}"
    return _reason(code)


def _gift_rule_id(row: LineRow) -> str | None:
    value = (row.metadata or {}).get(GIFT_METADATA_KEY)
    return None if value is None else str(value)


def apply_gift_lines(
    checkout: Checkout, rows: tuple[LineRow, ...], gifts: tuple[GiftLine, ...], *, write: bool = True
) -> tuple[int, int, int]:
    """Add, resize and remove the plugin's gift lines; returns (added, changed, removed).
    ``write`` False only counts what would change."""
    from saleor.checkout.models import CheckoutLine
    from saleor.checkout.utils import checkout_lines_bulk_delete, checkout_lines_bulk_update

    existing = {(_gift_rule_id(row), row.variant_id): row for row in rows if row.is_ours_gift}
    wanted = {(str(gift.rule_id), gift.variant_id): gift for gift in gifts}
    to_delete = [row.line_id for key, row in existing.items() if key not in wanted]
    to_update = []
    for key, gift in wanted.items():
        row = existing.get(key)
        if row is None:
            continue
        reason = _gift_reason(gift)
        if (row.quantity != gift.quantity or row.price_override != 0 or row.price_override_reason != reason
                or _gift_quantity_of(row.metadata) != gift.quantity):
            line = _line(row, quantity=gift.quantity, price_override=Decimal(0), price_override_reason=reason,
                         metadata=dict(row.metadata or {}))
            line.store_value_in_metadata({GIFT_QUANTITY_KEY: str(gift.quantity)})
            to_update.append(line)
    to_create = [gift for key, gift in wanted.items() if key not in existing]
    created = _create_gift_lines(checkout, to_create) if to_create else []
    if not write:
        return len(created), len(to_update), len(to_delete)
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


def split_paid_units_off_gift_lines(checkout: Checkout, rows: tuple[LineRow, ...]) -> int:
    """Move units a buyer added to our gift line (Saleor merged them) to a separate paid line.

    The gift quantity is stored in the line's metadata when we write the line, so the excess over
    it is what the buyer added.
    """
    from saleor.checkout.models import CheckoutLine
    from saleor.checkout.utils import checkout_lines_bulk_update

    to_update, to_create = [], []
    for row in rows:
        gift_quantity = _gift_quantity_of(row.metadata) if row.is_ours_gift else None
        if gift_quantity is None or row.quantity <= gift_quantity:
            continue
        to_update.append(_line(row, quantity=gift_quantity))
        to_create.append(CheckoutLine(
            checkout=checkout, variant_id=row.variant_id, quantity=row.quantity - gift_quantity,
            currency=checkout.currency, undiscounted_unit_price_amount=row.listing_price or Decimal(0),
            prior_unit_price_amount=row.prior_price,
        ))
    if to_update:
        checkout_lines_bulk_update(to_update, ["quantity"])
        CheckoutLine.objects.bulk_create(to_create)
    return len(to_create)


def _gift_quantity_of(metadata: dict[str, Any] | None) -> int | None:
    raw = (metadata or {}).get(GIFT_QUANTITY_KEY)
    try:
        return None if raw is None else int(raw)
    except (TypeError, ValueError):
        return None


def clear_loyalty_lines() -> int:
    """Take the plugin's prices and gift lines off every checkout; returns the checkouts changed.

    For a plugin switched off (``LoyaltyPlugin.pre_save_plugin_configuration`` schedules it) or
    about to be removed (``manage.py loyalty_clear_checkouts``): no hook runs for an inactive
    plugin, so without this a checkout priced while it was on keeps its loyalty prices, and an
    order placed later pays by them. Foreign overrides are left alone; the checkouts' prices
    are expired so Saleor recomputes them at list price.
    """
    from django.db import transaction
    from django.db.models import Q
    from saleor.checkout.models import Checkout, CheckoutLine

    ours = Q(price_override_reason__startswith=REASON_PREFIX)
    gifts = Q(price_override_reason__startswith=GIFT_REASON_PREFIX) | Q(metadata__has_key=GIFT_METADATA_KEY)
    with transaction.atomic():
        tokens = set(CheckoutLine.objects.filter(ours | gifts).values_list("checkout_id", flat=True))
        if not tokens:
            return 0
        CheckoutLine.objects.filter(gifts).delete()
        CheckoutLine.objects.filter(ours).update(price_override=None, price_override_reason=None)
        Checkout.objects.filter(token__in=tokens).update(**_expired_now())
    return len(tokens)
