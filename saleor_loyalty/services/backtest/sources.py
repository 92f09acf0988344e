"""Where historical orders come from: a small interface and two implementations.

``OrderSource.iter_orders(start, end)`` yields ``HistoricalOrder`` values in ``placed_at`` order,
streaming (the implementations read in chunks and never hold the whole period). Implementations:

- ``OrderRecordSource``: the plugin's own order records (``loyalty_order``);
- ``CsvOrderSource``: a CSV export, one row per order line, for shops coming from another
  platform (columns in ``CSV_COLUMNS``, docs/metrics.md "Backtest");
- a third, reading Saleor's order tables directly (with Saleor's undiscounted line prices),
  belongs to the Saleor adapter (``saleor_loyalty/saleor/``) and is not written yet.

Prices are *list* prices (before any loyalty price or discount), because the replay lets each
rule set apply its own prices. The order records keep only what each line was paid, so unless a
line carries ``base_unit_price`` its paid price stands in for the list price (counted in
``fallback_lines``: tier prices already applied in history then look like list prices). Lines
recorded as gifts (``is_gift``) are left out: each rule set adds its own gifts in the replay.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol, TextIO

from ...engine.errors import InvalidValue
from ...engine.values import CartLine
from ...exceptions import InvalidInput
from ...models import OrderRecord, OrderStatus

ZERO = Decimal("0")
# Customer ids from another platform that are not whole numbers get synthetic ids from here up.
SYNTHETIC_ID_BASE = 10**12


@dataclass(frozen=True, slots=True)
class HistoricalOrder:
    """One past order as the replay needs it; ``user_id`` None is a guest (no points, no tier)."""

    order_id: str
    placed_at: datetime
    user_id: int | None
    email: str
    channel: str
    currency: str
    lines: tuple[CartLine, ...]
    shipping: Decimal = ZERO
    order_discount: Decimal = ZERO
    company_id: int | None = None
    customer_type_id: int | None = None
    signed_up_on: date | None = None


class OrderSource(Protocol):
    """Historical orders of a period, oldest first."""

    fallback_lines: int

    def iter_orders(self, start: datetime, end: datetime) -> Iterator[HistoricalOrder]: ...


# --- the order records ----------------------------------------------------------------------


def _record_lines(raw: Any, source: OrderRecordSource) -> tuple[CartLine, ...]:
    lines = []
    for index, line in enumerate(raw if isinstance(raw, list) else []):
        quantity = int(line.get("quantity") or 0)
        if quantity < 1 or line.get("is_gift") is True:
            continue
        if line.get("base_unit_price") is not None:
            base = Decimal(str(line["base_unit_price"]))
        else:
            source.fallback_lines += 1
            base = Decimal(str(line.get("paid_total") or 0)) / quantity
        lines.append(CartLine(
            line_id=str(line.get("line_id") or index), variant_id=int(line.get("variant_id") or 0),
            product_id=int(line.get("product_id") or 0), category_ids=tuple(line.get("category_ids") or ()),
            sku=None, quantity=quantity, base_unit_price=base,
        ))
    return tuple(lines)


class OrderRecordSource:
    """The plugin's order records: counted orders (not cancelled, not fully refunded) by ``placed_at``."""

    def __init__(self, *, channel: str | None = None, chunk_size: int = 2000) -> None:
        self.channel = channel
        self.chunk_size = chunk_size
        self.fallback_lines = 0

    def iter_orders(self, start: datetime, end: datetime) -> Iterator[HistoricalOrder]:
        from django.contrib.auth import get_user_model

        from ..metrics.queries import get_customer_type_column

        records = OrderRecord.objects.filter(placed_at__gte=start, placed_at__lt=end).exclude(
            status__in=(OrderStatus.CANCELLED, OrderStatus.REFUNDED)
        )
        if self.channel is not None:
            records = records.filter(channel=self.channel)
        user_fields = {field.name for field in get_user_model()._meta.get_fields()}
        fields = ["order_id", "placed_at", "user_id", "email", "channel", "currency", "lines", "shipping",
                  "company_id"]
        if "date_joined" in user_fields:
            fields.append("user__date_joined")
        if get_customer_type_column() is not None:
            fields.append("user__customer_type_id")
        rows = records.order_by("placed_at", "id").values(*fields).iterator(chunk_size=self.chunk_size)
        for row in rows:
            joined = row.get("user__date_joined")
            yield HistoricalOrder(
                order_id=row["order_id"], placed_at=row["placed_at"], user_id=row["user_id"], email=row["email"],
                channel=row["channel"], currency=row["currency"],
                lines=_record_lines(row["lines"], self), shipping=row["shipping"],
                company_id=row["company_id"], customer_type_id=row.get("user__customer_type_id"),
                signed_up_on=joined.date() if joined is not None else None,
            )


# --- a CSV export ---------------------------------------------------------------------------

CSV_COLUMNS = (
    "order_id", "placed_at", "customer_id", "email", "channel", "currency", "variant_id", "product_id",
    "category_ids", "quantity", "unit_price", "shipping", "order_discount", "company_id", "customer_type_id",
    "signed_up_on", "status",
)
_REQUIRED = ("order_id", "placed_at", "channel", "currency", "variant_id", "quantity", "unit_price")
_SKIPPED_STATUSES = frozenset({"cancelled", "canceled", "refunded", "draft"})


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _money(text: str) -> Decimal:
    return Decimal(text) if text else ZERO


class CsvOrderSource:
    """Orders from a CSV file, one row per order line, rows of an order together, oldest order first.

    ``unit_price`` is the list price of one unit; ``shipping`` and ``order_discount`` (vouchers and
    other order-level discounts) are per order, read from its first row. ``customer_id`` may be
    any text: whole numbers are used as user ids, other ids get synthetic ones; a row without
    ``customer_id`` is a guest. ``category_ids`` are separated by ``|``. Rows whose ``status`` is
    cancelled, refunded or draft are skipped. A file out of ``placed_at`` order is refused
    (tiers depend on the order of events).
    """

    def __init__(self, path: str | Path | None = None, *, stream: TextIO | None = None,
                 channel: str | None = None) -> None:
        if (path is None) == (stream is None):
            raise ValueError("pass a path or a stream")
        self.path, self.stream, self.channel = path, stream, channel
        self.fallback_lines = 0
        self._synthetic: dict[str, int] = {}

    def iter_orders(self, start: datetime, end: datetime) -> Iterator[HistoricalOrder]:
        if self.stream is not None:
            yield from self._read(self.stream, start, end)
            return
        assert self.path is not None
        with open(self.path, newline="", encoding="utf-8") as stream:
            yield from self._read(stream, start, end)

    def _read(self, stream: Iterable[str], start: datetime, end: datetime) -> Iterator[HistoricalOrder]:
        reader = csv.reader(stream)
        header = next(reader, [])
        missing = [name for name in _REQUIRED if name not in header]
        if missing:
            raise InvalidInput(f"the orders CSV lacks the column(s) {', '.join(missing)}", field="source")
        # Plain rows and a column map (a dict per row costs more than the rest of the parsing);
        # optional columns the file lacks point at an empty cell padded onto every row.
        width = len(header) + 1
        column = {name: header.index(name) if name in header else len(header) for name in CSV_COLUMNS}
        order_at = column["order_id"]
        group: list[list[str]] = []
        last: datetime | None = None
        for row in reader:
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            if group and row[order_at] != group[0][order_at]:
                placed_at = self._placed_at(group[0], column, reader.line_num, last)
                if placed_at >= end:
                    return  # the file is sorted: nothing later can be in the period
                if placed_at >= start and (order := self._order(group, column, placed_at, reader.line_num)):
                    yield order
                group, last = [], placed_at
            group.append(row)
        if group:
            placed_at = self._placed_at(group[0], column, reader.line_num, last)
            if start <= placed_at < end and (order := self._order(group, column, placed_at, reader.line_num)):
                yield order

    @staticmethod
    def _placed_at(row: list[str], column: dict[str, int], line: int, last: datetime | None) -> datetime:
        order_id = row[column["order_id"]]
        try:
            placed_at = datetime.fromisoformat(row[column["placed_at"]].strip())
        except ValueError as error:
            raise InvalidInput(f"order {order_id} (before line {line}): {error}", field="source") from None
        if placed_at.tzinfo is None:
            raise InvalidInput(f"order {order_id} (before line {line}): placed_at needs a time zone (e.g. +00:00)",
                               field="source")
        if last is not None and placed_at < last:
            raise InvalidInput(
                f"the orders CSV is not sorted by placed_at: order {order_id} (before line {line}) is older "
                "than the order before it", field="source",
            )
        return placed_at

    def _customer(self, raw: str) -> int | None:
        text = raw.strip()
        if not text:
            return None
        if text.isdigit():
            return int(text)
        return self._synthetic.setdefault(text, SYNTHETIC_ID_BASE + len(self._synthetic))

    def _order(self, rows: list[list[str]], column: dict[str, int], placed_at: datetime,
               line: int) -> HistoricalOrder | None:
        first = [cell.strip() for cell in rows[0]]
        if first[column["status"]].lower() in _SKIPPED_STATUSES:
            return None
        if self.channel is not None and first[column["channel"]] != self.channel:
            return None
        variant, product, categories = column["variant_id"], column["product_id"], column["category_ids"]
        quantity, price = column["quantity"], column["unit_price"]
        try:
            lines = tuple(
                CartLine(
                    line_id=str(index), variant_id=int(row[variant]), product_id=int(row[product] or 0),
                    category_ids=tuple(int(item) for item in row[categories].split("|") if item.strip()),
                    sku=None, quantity=int(row[quantity]), base_unit_price=_money(row[price].strip()),
                )
                for index, row in enumerate(rows)
            )
            signed_up_on = first[column["signed_up_on"]]
            return HistoricalOrder(
                order_id=first[column["order_id"]], placed_at=placed_at,
                user_id=self._customer(first[column["customer_id"]]), email=first[column["email"]],
                channel=first[column["channel"]], currency=first[column["currency"]], lines=lines,
                shipping=_money(first[column["shipping"]]), order_discount=_money(first[column["order_discount"]]),
                company_id=_optional_int(first[column["company_id"]]),
                customer_type_id=_optional_int(first[column["customer_type_id"]]),
                signed_up_on=date.fromisoformat(signed_up_on) if signed_up_on else None,
            )
        except (ValueError, InvalidOperation, ArithmeticError, InvalidValue) as error:
            raise InvalidInput(f"order {first[column['order_id']]} (before line {line}): {error}",
                               field="source") from None
