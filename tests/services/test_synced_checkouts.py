"""The per-process memory of checkouts found in line with their quote (``saleor/synced.py``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from saleor_loyalty.saleor.synced import SyncedCheckout, SyncedCheckouts

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
SAVED = NOW - timedelta(seconds=5)
TTL = timedelta(hours=1)


def entry(fingerprint="read", row_key="row", *, until=None, last_change=SAVED, stamp="s1", read_at=NOW):
    return SyncedCheckout(fingerprint=fingerprint, row_key=row_key, last_change=last_change, rules_stamp=stamp,
                          read_at=read_at, until=until)


def is_current(synced, token, fingerprint="read", row_key="row", now=NOW):
    return synced.is_current(token, fingerprint=fingerprint, row_key=row_key, now=now)


def is_untouched(synced, token="t1", *, last_change=SAVED, row_key="row", stamp="s1", now=NOW):
    return synced.is_untouched(token, last_change=last_change, row_key=row_key, rules_stamp=stamp, now=now,
                               max_age=TTL)


def test_a_checkout_is_current_only_under_the_key_it_was_remembered_with() -> None:
    synced = SyncedCheckouts()
    synced.remember("t1", entry(("read", 1)))

    assert is_current(synced, "t1", ("read", 1))
    assert not is_current(synced, "t1", ("read", 2))  # anything read differs
    assert not is_current(synced, "t1", ("read", 1), row_key="other row")  # the checkout row or configuration
    assert not is_current(synced, "t2", ("read", 1))  # another checkout


def test_a_remembered_checkout_expires_at_the_next_rule_window() -> None:
    synced = SyncedCheckouts()
    synced.remember("t1", entry(until=NOW + timedelta(hours=1)))

    assert is_current(synced, "t1", now=NOW + timedelta(minutes=59))
    assert not is_current(synced, "t1", now=NOW + timedelta(hours=1))
    assert not is_untouched(synced, now=NOW + timedelta(hours=1))


def test_forget_and_the_size_bound_drop_the_least_recently_used() -> None:
    synced = SyncedCheckouts(size=2)
    synced.remember("a", entry())
    synced.remember("b", entry())
    assert is_current(synced, "a")  # a is now the most recently used

    synced.remember("c", entry())  # over the bound: b goes
    synced.forget("a")

    assert not is_current(synced, "a")
    assert not is_current(synced, "b")
    assert is_current(synced, "c")


def test_untouched_only_at_the_read_last_change_row_stamp_and_age() -> None:
    synced = SyncedCheckouts()
    synced.remember("t1", entry())

    assert is_untouched(synced)
    assert not is_untouched(synced, last_change=NOW)  # saved since the read
    assert not is_untouched(synced, last_change=None)
    assert not is_untouched(synced, row_key="other row")  # voucher, buyer, configuration...
    assert not is_untouched(synced, stamp="s2")  # the process has seen newer rules
    assert not is_untouched(synced, stamp=None)
    assert not is_untouched(synced, now=NOW + TTL)  # read too long ago
    assert not is_untouched(synced, token="t2")


def test_move_carries_the_entry_to_the_new_last_change() -> None:
    synced = SyncedCheckouts()
    synced.remember("t1", entry())

    # an email-only save: same read, new last_change
    synced.move("t1", last_change=NOW)
    assert is_untouched(synced, last_change=NOW) and not is_untouched(synced, last_change=SAVED)
    assert not is_untouched(synced, last_change=NOW, now=NOW + TTL)  # the read's age is kept

    # a read that found the same fingerprint: its time counts from then
    synced.move("t1", last_change=NOW, read_at=NOW + TTL)
    assert is_untouched(synced, last_change=NOW, now=NOW + TTL)

    synced.move("unknown", last_change=NOW)  # nothing remembered: nothing to move
    assert not is_untouched(synced, token="unknown", last_change=NOW)
