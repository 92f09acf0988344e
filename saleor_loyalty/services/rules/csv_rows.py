"""Parsing a price-list CSV into entries and breaks, naming the row of every problem.

The format (header row required, columns in any order, extra columns refused)::

    sku,min_quantity,fixed_price,percent_off
    BOLT-M8,1,0.40,
    BOLT-M8,100,0.32,
    ,,,                       <- blank lines are skipped
    target_kind,target_id,... <- or name the target directly: variant/product/category/all

A row names its target either by ``sku`` (resolved to a variant) or by ``target_kind`` and
``target_id``. Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...engine import bounds
from ...engine import rules as engine
from ...engine.errors import EngineError
from . import fields as f

_COLUMNS = frozenset({"sku", "target_kind", "target_id", "min_quantity", "fixed_price", "percent_off"})
_MAX_ROWS = 50_000
_PARSERS: dict[str, f.Parser] = {
    "min_quantity": f.integer(bounds.POSITIVE_COUNT),
    "fixed_price": f.optional(f.decimal(bounds.MONEY)),
    "percent_off": f.optional(f.decimal(bounds.PERCENT)),
    "target_kind": f.optional(f.choice(engine.TargetKind)),
    "target_id": f.optional(f.integer(bounds.ROW_ID.with_minimum(0))),
    "sku": f.optional(f.text(255)),
}


@dataclass
class ParsedEntry:
    sku: str | None
    breaks: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass
class ParsedImport:
    entries: dict[tuple[str, int | None], ParsedEntry]
    problems: list[tuple[str | None, str]]


def parse_price_csv(
    csv_text: str, *, resolve_sku: Callable[[Collection[str]], Mapping[str, int]]
) -> ParsedImport:
    """Parse and check every row; ``problems`` lists each bad row, ``entries`` the good ones."""
    problems: list[tuple[str | None, str]] = []
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = {name.strip() for name in (reader.fieldnames or []) if name is not None}
    if not header:
        return ParsedImport({}, [("csv", "csv: the file is empty or has no header row")])
    unknown = sorted(header - _COLUMNS)
    if unknown:
        problems.append(("csv", f"csv: unknown columns {', '.join(unknown)}"))
    if "min_quantity" not in header:
        problems.append(("csv", "csv: the min_quantity column is required"))
    if problems:
        return ParsedImport({}, problems)

    rows: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > _MAX_ROWS:
            problems.append(("csv", f"csv: more than {_MAX_ROWS} rows; split the file"))
            break
        values = {(key or "").strip(): (value or "").strip() for key, value in raw.items() if key is not None}
        if None in raw:
            problems.append((f"row {number}", f"row {number}: more cells than columns"))
            continue
        if not any(values.values()):
            continue
        parsed: dict[str, Any] = {}
        for name, value in values.items():
            try:
                parsed[name] = _PARSERS[name](value)
            except ValueError as exc:
                problems.append((f"row {number}.{name}", f"row {number}.{name}: {exc}"))
        rows.append((number, parsed))

    skus = {row["sku"] for _, row in rows if row.get("sku")}
    variant_by_sku = dict(resolve_sku(sorted(skus))) if skus else {}
    entries: dict[tuple[str, int | None], ParsedEntry] = {}
    for number, row in rows:
        if any(problem[0] and problem[0].startswith(f"row {number}.") for problem in problems):
            continue
        key = _target(number, row, variant_by_sku, problems)
        if key is None:
            continue
        try:
            engine.PriceBreak(row["min_quantity"], row.get("fixed_price"), row.get("percent_off"))
        except EngineError as exc:
            problems.append((f"row {number}.{exc.field}", f"row {number}: {exc.message}"))
            continue
        entry = entries.setdefault(key, ParsedEntry(sku=row.get("sku")))
        clash = next((line for line, item in zip(entry.rows, entry.breaks) if item["min_quantity"] == row["min_quantity"]), None)
        if clash is not None:
            problems.append(
                (f"row {number}.min_quantity", f"row {number}.min_quantity: repeats row {clash} for the same target")
            )
            continue
        entry.rows.append(number)
        entry.breaks.append(
            {"min_quantity": row["min_quantity"], "fixed_price": row.get("fixed_price"), "percent_off": row.get("percent_off")}
        )
    if not rows and not problems:
        problems.append(("csv", "csv: no rows to import"))
    return ParsedImport(entries, problems)


def _target(
    number: int, row: Mapping[str, Any], variant_by_sku: Mapping[str, int], problems: list[tuple[str | None, str]]
) -> tuple[str, int | None] | None:
    sku, kind, target_id = row.get("sku"), row.get("target_kind"), row.get("target_id")
    if sku and (kind or target_id is not None):
        problems.append((f"row {number}.sku", f"row {number}: give either sku or target_kind/target_id, not both"))
        return None
    if sku:
        variant_id = variant_by_sku.get(sku)
        if variant_id is None:
            problems.append((f"row {number}.sku", f"row {number}.sku: no variant has SKU {sku!r}"))
            return None
        return engine.TargetKind.VARIANT.value, variant_id
    if kind is None:
        problems.append((f"row {number}.sku", f"row {number}: name the target with sku or target_kind"))
        return None
    try:
        engine.PriceListEntry(0, engine.TargetKind(kind), target_id, (engine.PriceBreak(1, percent_off=engine.ONE),))
    except EngineError as exc:
        problems.append((f"row {number}.{exc.field}", f"row {number}: {exc.message}"))
        return None
    return kind, target_id
