"""A mutation that saves only the checkout's email costs no statement, when nothing can have moved.

``saleor/saves.py`` notes what Saleor saved on the instance a hook receives; ``saleor/synced.py``
remembers, per process, the last read that found the checkout in line. These tests prove the
read is skipped only for an email-only save of a checkout untouched since that read, and that
every other change - a line changed elsewhere, another field saved, the voucher, the
configuration, a rules stamp this process has seen, Saleor's price TTL - brings the read back.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from .test_synced_checkouts import b2b_checkout, sync, synced, unit_price  # noqa: F401 (fixtures)

# What Saleor's checkoutEmailUpdate saves.
EMAIL_FIELDS = ["email", "last_change", "search_index_dirty"]


def email_update(checkout, *, fields=EMAIL_FIELDS, config=None, email="new-address@example.com"):
    """What one request does: load the checkout, save it with ``fields``, run the hook's sync on
    that same instance. Returns (sync result, quotes made, statements run by the sync)."""
    from saleor.checkout.models import Checkout

    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.saleor.checkout import sync_checkout
    from saleor_loyalty.services import quotes

    instance = Checkout.objects.get(pk=checkout.pk)
    instance.email = email
    instance.save(update_fields=fields)
    with mock.patch.object(quotes, "quote_checkout_view", wraps=quotes.quote_checkout_view) as quoted, \
            CaptureQueriesContext(connection) as statements:
        result = sync_checkout(instance, config or ProgramConfig())
    return result, quoted.call_count, len(statements)


def touch(checkout, **fields):
    """A change made by another process, written as Saleor writes it (no hook of ours here)."""
    from saleor.checkout.models import Checkout

    Checkout.objects.filter(pk=checkout.pk).update(**fields)


@pytest.fixture
def in_line(synced, b2b_checkout, b2b_price_list):
    """The B2B checkout at the 8.50 break price, found in line by this process's last read."""
    sync(b2b_checkout)
    result, quotes_made = sync(b2b_checkout)
    assert not result.changed and quotes_made == 1
    assert unit_price(b2b_checkout) == Decimal("8.500")
    return b2b_checkout


def test_an_email_update_of_an_untouched_checkout_reads_nothing(in_line):
    # when: the email changes, twice
    first = email_update(in_line)
    second = email_update(in_line, email="third-address@example.com")

    # then: no statement, no quote, and the price stays
    assert first[1:] == (0, 0) and not first[0].changed
    assert second[1:] == (0, 0) and not second[0].changed
    assert unit_price(in_line) == Decimal("8.500")


def test_a_line_changed_elsewhere_is_read_and_priced(in_line):
    # when: another process drops the quantity below the 50-unit break (Saleor moves last_change)
    in_line.lines.update(quantity=20)
    touch(in_line, last_change=timezone.now())
    result, quotes_made, statements = email_update(in_line)

    # then: read and quoted again, the 10-unit break price applies
    assert statements >= 1 and quotes_made == 1 and result.prices_changed == 1
    assert unit_price(in_line) == Decimal("9.500")


@pytest.mark.parametrize("fields", [
    ["last_change"],  # Saleor's gift card and metadata mutations
    ["email", "last_change", "user"],  # checkoutCustomerAttach
    None,  # a full save
], ids=["last-change-only", "email-and-buyer", "full-save"])
def test_a_save_of_anything_but_the_email_is_read(in_line, fields):
    result, quotes_made, statements = email_update(in_line, fields=fields)

    # then: read (its fingerprint is unchanged, so not quoted)
    assert statements == 1 and quotes_made == 0 and not result.changed


def test_a_second_save_of_another_field_on_the_instance_is_read(in_line):
    from saleor.checkout.models import Checkout

    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.saleor.checkout import sync_checkout

    # given: one request saves the email, then the price expiry, on the same instance
    instance = Checkout.objects.get(pk=in_line.pk)
    instance.email = "new-address@example.com"
    instance.save(update_fields=EMAIL_FIELDS)
    instance.price_expiration = timezone.now()
    instance.save(update_fields=["price_expiration", "last_change"])

    # when
    with CaptureQueriesContext(connection) as statements:
        sync_checkout(instance, ProgramConfig())

    # then
    assert len(statements) == 1


def test_a_voucher_or_configuration_changed_without_a_new_last_change_is_read(in_line):
    from saleor_loyalty.config import ProgramConfig

    # when: Saleor's price recalculation drops the voucher code (it saves voucher_code, not last_change)
    touch(in_line, voucher_code="GONE")
    _, _, statements = email_update(in_line)
    # then
    assert statements == 1

    # when: staff change the program's configuration
    sync(in_line)
    _, quotes_made, statements = email_update(in_line, config=ProgramConfig(gifts_enabled=False))
    # then: read and quoted (the rules are compiled for the new configuration too)
    assert statements >= 1 and quotes_made == 1


def test_a_rule_change_is_read_once_this_process_has_seen_its_stamp(in_line, b2b_price_list, channel_USD, product):
    from saleor.checkout.models import Checkout, CheckoutLine

    from saleor_loyalty.services import rules

    # given: staff delete the price list in another process; this one has not read the new stamp
    rules.delete_price_list(b2b_price_list.pk)
    result, quotes_made, statements = email_update(in_line)
    # then: the email update trusts the last read (left to the next read, docs/hooks.md)
    assert statements == 0 and unit_price(in_line) == Decimal("8.500")

    # when: any other checkout's read in this process sees the new stamp
    other = Checkout.objects.create(channel=channel_USD, currency="USD", email="other@example.com")
    CheckoutLine.objects.create(checkout=other, variant=product.variants.first(), quantity=1, currency="USD",
                                undiscounted_unit_price_amount=10)
    sync(other)
    result, quotes_made, statements = email_update(in_line)

    # then: this checkout is read and its price list's price comes off
    assert statements >= 1 and quotes_made == 1 and result.prices_changed == 1
    assert unit_price(in_line) is None


def test_the_last_read_is_trusted_no_longer_than_saleors_price_ttl(in_line, settings):
    # when: an email update comes after Saleor's checkout prices would have expired
    with freeze_time(timezone.now() + settings.CHECKOUT_PRICES_TTL + timedelta(seconds=1)):
        _, _, statements = email_update(in_line)

    # then: read again
    assert statements == 1

    # and the read's confirmation is trusted anew from then on
    with freeze_time(timezone.now() + settings.CHECKOUT_PRICES_TTL + timedelta(seconds=2)):
        _, _, statements = email_update(in_line)
    assert statements == 0



def test_an_email_update_after_a_price_write_reads_nothing(synced, b2b_checkout, b2b_price_list):
    # given: a sync that writes the break price over a read nobody saved after
    result, _ = sync(b2b_checkout)
    assert result.prices_changed == 1

    # when: the email changes
    result, quotes_made, statements = email_update(b2b_checkout)

    # then: the written prices are taken as in line: no statement
    assert (quotes_made, statements) == (0, 0) and not result.changed
    assert unit_price(b2b_checkout) == Decimal("8.500")

    # and a mutation that saves anything else quotes again (no fingerprint was remembered)
    _, quotes_made = sync(b2b_checkout)
    assert quotes_made == 1


def test_a_save_between_the_read_and_the_price_write_is_not_taken_as_in_line(synced, b2b_checkout, b2b_price_list):
    from saleor_loyalty.saleor import checkout as checkout_sync

    real_fetch = checkout_sync.fetch_checkout_row

    def read_then_another_request_saves(checkout, **options):
        row = real_fetch(checkout, **options)
        in_between = timezone.now()
        touch(checkout, last_change=in_between)  # e.g. a parallel checkoutLinesUpdate's save
        return row

    # given: another request saves the checkout after the sync's read, before its price write
    with mock.patch.object(checkout_sync, "fetch_checkout_row", side_effect=read_then_another_request_saves), \
            CaptureQueriesContext(connection) as statements:
        result, _ = sync(b2b_checkout)

    # then: the prices are written and expired all the same (the matching UPDATE found nothing)
    assert result.prices_changed == 1
    expiries = [query["sql"] for query in statements.captured_queries
                if query["sql"].startswith('UPDATE "checkout_checkout"') and "price_expiration" in query["sql"]]
    assert len(expiries) == 2

    # and the next email update reads the checkout again
    _, _, statements_after = email_update(b2b_checkout)
    assert statements_after >= 1
