"""The per-process memory of checkouts found in line with their quote (``saleor/synced.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from saleor_loyalty.saleor.synced import SyncedCheckouts

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)


def test_a_checkout_is_current_only_under_the_key_it_was_remembered_with() -> None:
    synced = SyncedCheckouts()
    synced.remember("t1", ("read", 1), until=None)

    assert synced.is_current("t1", ("read", 1), NOW)
    assert not synced.is_current("t1", ("read", 2), NOW)  # anything read differs
    assert not synced.is_current("t2", ("read", 1), NOW)  # another checkout


def test_a_remembered_checkout_expires_at_the_next_rule_window() -> None:
    synced = SyncedCheckouts()
    synced.remember("t1", "key", until=NOW + timedelta(hours=1))

    assert synced.is_current("t1", "key", NOW + timedelta(minutes=59))
    assert not synced.is_current("t1", "key", NOW + timedelta(hours=1))


def test_forget_and_the_size_bound_drop_the_least_recently_used() -> None:
    synced = SyncedCheckouts(size=2)
    synced.remember("a", "key", until=None)
    synced.remember("b", "key", until=None)
    assert synced.is_current("a", "key", NOW)  # a is now the most recently used

    synced.remember("c", "key", until=None)  # over the bound: b goes
    synced.forget("a")

    assert not synced.is_current("a", "key", NOW)
    assert not synced.is_current("b", "key", NOW)
    assert synced.is_current("c", "key", NOW)
