"""Checkouts whose loyalty prices and gift lines were found in line with their quote, per process.

A checkout mutation that changes nothing the program depends on (an email, an address, a
delivery method) still fires ``checkout_updated``. The sync reads the checkout anyway (one
statement) and compares the read's fingerprint with the one remembered here: the same lines,
prices, overrides, buyer, facts and rules stamp, under the same configuration, before the next
moment a price list or gift rule opens or closes, give the same quote, so the quote and the
comparison are skipped. A sync that found nothing to change is remembered with its read's
fingerprint; one that wrote only new prices over a read nobody saved after is remembered
without one (the text it would read now differs, so only an email-only save, below, can use
it). Every input comes from the database read or the configuration, so processes need not
share this memory. Bounded: the least recently used
checkouts are forgotten first.

A mutation that saved nothing but the email (``saleor/saves.py``) may skip even the read, when
the checkout is untouched since that read: its ``last_change`` as the mutation loaded it is the
one remembered (Saleor moves ``last_change`` on every save that changes lines, voucher or buyer,
and on every price expiry, ours included), the checkout row's own inputs (currency, discount,
voucher, buyer) and the configuration are the remembered ones, this process has seen no newer
rules stamp, no rule window has opened or closed, and the read is younger than Saleor's
``CHECKOUT_PRICES_TTL`` - so loyalty trusts its last read of a checkout no longer than Saleor
trusts its last price calculation. ``saleor/checkout.py`` says what this leaves to the next read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

MAX_CHECKOUTS = 4096


@dataclass(frozen=True)
class SyncedCheckout:
    """The last sync of one checkout that left it in line with its quote.

    ``fingerprint``: the read's text digest (``None`` after a price write: matches no read); ``row_key``: what the quote takes from the checkout
    row and the configuration; ``last_change``: the checkout's ``last_change`` the read saw;
    ``rules_stamp``: the read's rules stamp; ``read_at``: when that read ran; ``until``: the next
    moment a rule window opens or closes (``None``: never)."""

    fingerprint: Hashable
    row_key: Hashable
    last_change: datetime | None
    rules_stamp: str | None
    read_at: datetime
    until: datetime | None

    def is_valid_at(self, now: datetime) -> bool:
        return self.until is None or now < self.until


class SyncedCheckouts:
    """token -> the checkout's last sync that left it in line."""

    def __init__(self, size: int = MAX_CHECKOUTS) -> None:
        self._size = size
        self._entries: OrderedDict[str, SyncedCheckout] = OrderedDict()
        self._lock = threading.Lock()

    def _get(self, token: str) -> SyncedCheckout | None:
        with self._lock:
            entry = self._entries.get(token)
            if entry is not None:
                self._entries.move_to_end(token)
        return entry

    def is_current(self, token: str, *, fingerprint: Hashable, row_key: Hashable, now: datetime) -> bool:
        """Whether the checkout was last found in line under exactly this read and row, and no
        rule window has opened or closed since."""
        entry = self._get(token)
        return (entry is not None and entry.fingerprint == fingerprint and entry.row_key == row_key
                and entry.is_valid_at(now))

    def is_untouched(
        self, token: str, *, last_change: datetime | None, row_key: Hashable, rules_stamp: str | None,
        now: datetime, max_age: timedelta,
    ) -> bool:
        """Whether a checkout loaded with ``last_change`` is still the one the last in-line read
        saw (no save since), under the same row and configuration, the rules stamp this process
        knows as the newest, inside every rule window, and read less than ``max_age`` ago."""
        entry = self._get(token)
        return (entry is not None and last_change is not None and entry.last_change == last_change
                and entry.row_key == row_key and rules_stamp is not None and entry.rules_stamp == rules_stamp
                and entry.is_valid_at(now) and now - entry.read_at < max_age)

    def remember(self, token: str, entry: SyncedCheckout) -> None:
        """Note that the checkout, read as ``entry`` says, is in line with its quote."""
        with self._lock:
            self._entries[token] = entry
            self._entries.move_to_end(token)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def move(self, token: str, *, last_change: datetime | None, read_at: datetime | None = None) -> None:
        """The checkout was saved again and is still in line: found so by a read at ``read_at``,
        or saved without touching anything the sync depends on (the email; ``read_at`` None)."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is not None:
                self._entries[token] = replace(entry, last_change=last_change, read_at=read_at or entry.read_at)

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


synced_checkouts = SyncedCheckouts()
