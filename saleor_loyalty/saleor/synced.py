"""Checkouts whose loyalty prices and gift lines were found in line with their quote, per process.

A checkout mutation that changes nothing the program depends on (an email, an address, a
delivery method) still fires ``checkout_updated``. The sync reads the checkout anyway (one
statement) and compares the read's fingerprint with the one remembered here: the same lines,
prices, overrides, buyer, facts and rules stamp, under the same configuration, before the next
moment a price list or gift rule opens or closes, give the same quote, so the quote and the
comparison are skipped. Only a sync that found nothing to change is remembered (after a write
the checkout differs from what was read); every input comes from the database read or the
configuration, so processes need not share this memory. Bounded: the least recently used
checkouts are forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime

MAX_CHECKOUTS = 4096


class SyncedCheckouts:
    """token -> (fingerprint key, valid until) of the last sync that changed nothing."""

    def __init__(self, size: int = MAX_CHECKOUTS) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[Hashable, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def is_current(self, token: str, key: Hashable, now: datetime) -> bool:
        """Whether the checkout was last found in line under exactly ``key`` and no rule window
        has opened or closed since."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return False
            self._entries.move_to_end(token)
        remembered, until = entry
        return remembered == key and (until is None or now < until)

    def remember(self, token: str, key: Hashable, *, until: datetime | None) -> None:
        """Note that the checkout, read as ``key``, needed no change; valid until ``until``."""
        with self._lock:
            self._entries[token] = (key, until)
            self._entries.move_to_end(token)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


synced_checkouts = SyncedCheckouts()
