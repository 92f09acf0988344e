"""``loyalty_metrics``: the report as CSV on stdout or in a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from saleor_loyalty.services.metrics import CSV_COLUMNS


def run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("loyalty_metrics", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_csv_has_one_line_per_group_after_the_overall_line(
    customer: Any, make_order: Callable[..., Any]
) -> None:
    # given: a member's two orders and a guest's one (AOV (10 + 20 + 60) / 3 = 30.00)
    make_order(customer, "2025-03-02", "10.00")
    make_order(customer, "2025-03-03", "20.00")
    make_order(None, "2025-03-04", "60.00", email="guest@example.com")

    # when
    rows = run("--period", "2025-03", "--group-by", "membership", "--gross-margin", "0.3")

    # then
    assert [row["group_label"] for row in rows] == ["All", "Guests (non-members)", "Members"]
    overall = rows[0]
    assert (overall["period"], overall["currency"], overall["orders"]) == ("2025-03", "EUR", "3")
    assert (overall["average_order_value"], overall["repeat_customer_rate"]) == ("30.00", "50.00")
    assert overall["customer_lifetime_value"] == ""  # nobody was a customer at start: undefined
    assert (rows[2]["orders"], rows[2]["revenue"]) == ("2", "30.00")


def test_the_header_names_every_column(customer: Any, make_order: Callable[..., Any]) -> None:
    make_order(customer, "2025-03-02", "10.00")
    out = io.StringIO()

    call_command("loyalty_metrics", "--period", "2025-03", stdout=out)

    assert out.getvalue().splitlines()[0].split(",") == list(CSV_COLUMNS)
    assert "nps" in CSV_COLUMNS and "liability" in CSV_COLUMNS


def test_output_goes_to_a_file(customer: Any, make_order: Callable[..., Any], tmp_path: Path) -> None:
    make_order(customer, "2025-03-02", "10.00")
    target = tmp_path / "metrics.csv"

    call_command("loyalty_metrics", "--period", "2025-03", "--output", str(target), stderr=io.StringIO())

    assert len(target.read_text().splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "March"), "is not one of YYYY"),
        (("--period", "2025-03", "--gross-margin", "lots"), "not a number"),
        (("--period", "2025-03", "--lookback-days", "ever"), "number of days or 'all'"),
        (("--period", "2025-03", "--gross-margin", "2"), "gross_margin must be between 0 and 1"),
    ],
)
def test_bad_arguments_stop_with_a_message(customer: Any, make_order: Callable[..., Any], args: tuple[str, ...],
                                          message: str) -> None:
    make_order(customer, "2025-03-02", "10.00")

    with pytest.raises(CommandError, match=message):
        call_command("loyalty_metrics", *args, stdout=io.StringIO())
