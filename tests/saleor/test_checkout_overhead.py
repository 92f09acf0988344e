"""Statements the plugin adds to each checkout mutation, plugin on minus plugin off (issue 14).

Deterministic, so they are tests; the time side is ``benchmarks/checkout.py``. Each case runs
the real mutation through Saleor's API on fresh data, at 1 and at 30 lines, with a B2B buyer
whose price list breaks at 10 units. The issue's budgets: nothing the program depends on changed, 2;
a line change that keeps prices, 3; one that moves prices, 8; ``checkoutComplete``, 4. The tests
hold the plugin to what it does now, below them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .overhead import Shop, cases, measure, plugin_statements

# What the plugin adds now; the targets (3, 3, 3, 8, 2, 2, 2, 4) are the outer bound, these
# the regression guard: one read per mutation, plus the price UPDATE and the checkout's price
# expiry when prices move; none for an email update of a checkout this process read in line
# (saleor/saves.py); checkoutComplete: the read before the order, the order row, its credit.
BUDGETS = {
    "checkoutCreate": 1,
    "checkoutLinesAdd": 1,
    "checkoutLinesUpdate (prices kept)": 1,
    "checkoutLinesUpdate (crossing a break)": 3,
    "checkoutShippingAddressUpdate": 1,
    "checkoutEmailUpdate": 0,
    "checkoutDeliveryMethodUpdate": 1,
    "checkoutComplete": 3,
}


def extra_statements(shop: Shop, name: str, lines: int, settings: Any) -> tuple[int, Any]:
    case = cases(shop)[name]
    for on in (False, True):  # warm both paths (compiled rules, plugin configuration) first
        measure(case, lines, settings=settings, on=on)
    off, _, _ = measure(case, lines, settings=settings, on=False)
    on, _, state = measure(case, lines, settings=settings, on=True)
    return len(on) - len(off), (state, plugin_statements(on, off))


@pytest.mark.parametrize("lines", [1, 30])
@pytest.mark.parametrize("name", list(BUDGETS))
def test_extra_statements_stay_within_budget(
    overhead_shop: Shop, name: str, lines: int, settings: Any
) -> None:
    # when the mutation runs with the plugin on and off
    extra, (_, sql) = extra_statements(overhead_shop, name, lines, settings)
    # then the plugin adds no more than the budget
    assert extra <= BUDGETS[name], f"{name} at {lines} lines: {extra} extra statements:\n" + "\n".join(sql)


def test_crossing_a_break_is_priced_in_the_measured_mutation(
    overhead_shop: Shop, settings: Any
) -> None:
    """The budget test above measures real work: the plugin's price is on every line after it."""
    from saleor.checkout.models import Checkout

    from saleor_loyalty.saleor.checkout_reader import read_checkout

    _, ((checkout_id, _), _) = extra_statements(
        overhead_shop, "checkoutLinesUpdate (crossing a break)", 30, settings)
    import graphene

    token = graphene.Node.from_global_id(checkout_id)[1]
    rows = read_checkout(Checkout.objects.get(token=token)).rows
    assert len(rows) == 30
    assert {(row.quantity, row.price_override, (row.price_override_reason or "")[:18]) for row in rows} == {
        (10, Decimal("9.50"), "loyalty:tier-price")}


def test_on_a_kept_connection_the_read_is_prepared_and_reads_the_same(
    overhead_shop: Shop, settings: Any
) -> None:
    """The one statement of an unchanged mutation (an address update; an email update reads
    nothing) is an EXECUTE of the prepared read (the test's connection is kept, as with
    DB_CONN_MAX_AGE > 0), and it reads exactly what the plain SQL does."""
    import graphene
    from django.db import connection
    from saleor.checkout.models import Checkout

    from saleor_loyalty.saleor.checkout_reader import fetch_checkout_text, get_read_checkout_sql

    extra, (checkout_id, sql) = extra_statements(overhead_shop, "checkoutShippingAddressUpdate", 30, settings)
    # (statements are told apart by their text, so the token-bearing ones of both runs show up)
    assert extra == 1
    assert any(statement.startswith("EXECUTE loyalty_read_checkout") for statement in sql), sql
    assert not any("json_build_array" in statement for statement in sql), sql
    checkout = Checkout.objects.get(token=graphene.Node.from_global_id(checkout_id)[1])
    with connection.cursor() as cursor:
        cursor.execute(get_read_checkout_sql(), [checkout.pk])
        plain = cursor.fetchone()[0]
    assert fetch_checkout_text(checkout) == plain
    assert len(plain) > 1000  # thirty lines, not an empty read
