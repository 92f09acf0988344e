"""``loyalty_backtest`` and the order-record source: the same replay from the plugin's own records."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from saleor_loyalty.models import CustomerLoyalty, LedgerTransaction, OrderRecord, OrderStatus
from saleor_loyalty.services.backtest import OrderRecordSource
from saleor_loyalty.services.metrics import parse_period

from .conftest import at
from .test_backtest import CANDIDATE, CURRENT, ORDERS

D = Decimal


def line(variant: int, quantity: int, price: str, **extra: Any) -> dict[str, Any]:
    return {"line_id": str(variant), "variant_id": variant, "product_id": variant * 10, "category_ids": [5],
            "quantity": quantity, "paid_total": str(D(price) * quantity), **extra}


@pytest.fixture
def rule_files(tmp_path: Path) -> tuple[Path, Path]:
    current, candidate = tmp_path / "current.json", tmp_path / "candidate.json"
    current.write_text(json.dumps(CURRENT))
    candidate.write_text(json.dumps(CANDIDATE))
    return current, candidate


@pytest.fixture
def records(customer: Any, make_order: Callable[..., Any]) -> Any:
    """The hand-checked orders of test_backtest, as order records (o4 by a guest), plus noise."""
    make_order(customer, "2025-03-01T10:00:00+00:00", "60.00", lines=[line(1, 1, "60.00", base_unit_price="60.00")])
    make_order(customer, "2025-03-02T10:00:00+00:00", "50.00", lines=[line(2, 2, "25.00")])
    make_order(customer, "2025-03-03T10:00:00+00:00", "60.00", lines=[line(1, 1, "60.00")])
    make_order(None, "2025-03-04T10:00:00+00:00", "40.00", email="guest@example.com", lines=[line(1, 1, "40.00")])
    make_order(customer, "2025-03-05T10:00:00+00:00", "99.00", status=OrderStatus.CANCELLED, lines=[line(1, 1, "99")])
    make_order(customer, "2025-04-05T10:00:00+00:00", "99.00", lines=[line(1, 1, "99")])
    return customer


def test_the_record_source_streams_counted_orders_oldest_first(records: Any) -> None:
    source = OrderRecordSource(chunk_size=2)
    march = parse_period("2025-03")

    orders = list(source.iter_orders(march.start, march.end))

    assert [order.placed_at for order in orders] == [at(f"2025-03-0{day}T10:00:00+00:00") for day in (1, 2, 3, 4)]
    assert [order.user_id for order in orders] == [records.pk] * 3 + [None]
    assert orders[1].lines[0].base_unit_price == D("25.00") and orders[1].lines[0].product_id == 20
    # three lines had no list price: their paid price stood in
    assert source.fallback_lines == 3
    assert orders[0].signed_up_on == records.date_joined.date()


def test_the_command_compares_the_rule_sets_from_the_order_records(records: Any, rule_files: tuple[Path, Path]) -> None:
    out = io.StringIO()

    call_command("loyalty_backtest", "--period", "2025-03", "--current", str(rule_files[0]),
                 "--candidate", str(rule_files[1]), "--workers", "1", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert (report["orders"], report["fallback_lines"]) == (4, 3)
    # a replay in memory: no ledger row, no tier, and the order records untouched
    assert not LedgerTransaction.objects.exists() and not CustomerLoyalty.objects.exists()
    assert OrderRecord.objects.filter(points_earned=0, credited=False).count() == OrderRecord.objects.count() == 6
    assert (report["current"]["points_issued"], report["candidate"]["points_issued"]) == (170, 218)
    assert (report["candidate"]["tier_price_discount"], report["candidate"]["gift_cost"]) == ("6.00", "15.00")
    assert report["candidate"]["tier_distribution"] == {"Silver": 1}


def test_the_table_shows_each_figure_and_the_change(rule_files: tuple[Path, Path], tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS)
    out = io.StringIO()

    call_command("loyalty_backtest", "--period", "2025-03", "--current", str(rule_files[0]), "--candidate",
                 str(rule_files[1]), "--orders-csv", str(orders), "--workers", "1", stdout=out)

    table = out.getvalue()
    assert "4 orders in EUR" in table
    assert [cell for cell in table.splitlines() if cell.startswith("points_issued")][0].split() == [
        "points_issued", "170", "218", "+48"]
    assert [cell for cell in table.splitlines() if "Silver" in cell][0].split() == ["Silver", "0", "1", "+1"]


def test_the_current_rules_default_to_the_database(records: Any, rule_files: tuple[Path, Path]) -> None:
    # No rules in the database: the program's defaults (1 point per 1.00) give the same 170 points.
    out = io.StringIO()

    call_command("loyalty_backtest", "--period", "2025-03", "--candidate", str(rule_files[1]), "--workers", "1",
                 "--format", "json", stdout=out)

    assert json.loads(out.getvalue())["current"]["points_issued"] == 170


def test_a_bad_candidate_file_stops_with_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"tiers": [{"id": 1}]}))

    with pytest.raises(CommandError, match=r"tiers\[0\].name: is required"):
        call_command("loyalty_backtest", "--period", "2025-03", "--candidate", str(bad), "--current", str(bad),
                     "--workers", "1", stdout=io.StringIO())


def test_recorded_gift_lines_are_left_out_and_recorded_list_prices_are_used(
    customer: Any, make_order: Callable[..., Any]
) -> None:
    # given: a line sold at a tier price (list 30.00, sold 25.00) and a gift the old rules added
    make_order(customer, "2025-03-01T10:00:00+00:00", "50.00", lines=[
        line(1, 2, "25.00", base_unit_price="30.00", unit_price="25.00", is_gift=False),
        line(9, 1, "0", base_unit_price="12.50", unit_price="0", is_gift=True),
    ])
    source = OrderRecordSource()
    march = parse_period("2025-03")

    (order,) = source.iter_orders(march.start, march.end)

    # then: only the bought line is replayed, at its list price; nothing fell back to paid prices
    assert [(cart.variant_id, cart.quantity, cart.base_unit_price) for cart in order.lines] == [(1, 2, D("30.00"))]
    assert source.fallback_lines == 0
