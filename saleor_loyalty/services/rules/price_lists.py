"""Price-list entries and their quantity breaks: create, update, delete, and CSV import.

Validation reports every problem at once (``InvalidInput.problems``), per break
(``breaks[1].percent_off``) or per CSV row (``row 3.fixed_price``); nothing is written unless
everything passes, and every write bumps the rules-version stamp in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...engine import bounds
from ...engine import rules as engine
from ...engine.errors import EngineError
from ...exceptions import InvalidInput, NotFound
from ...models import PriceBreak, PriceList, PriceListEntry
from ...shop import get_shop
from . import fields as f
from . import loader as rule_loader
from .csv_rows import ParsedImport, parse_price_csv
from .fields import Problems, raise_problems
from .versions import bump_rules_version


def _get_price_list(price_list_id: int) -> PriceList:
    price_list = PriceList.objects.filter(pk=price_list_id).first()
    if price_list is None:
        raise NotFound(f"no price list with id {price_list_id}", field="price_list_id")
    return price_list



_ENTRY_FIELDS: dict[str, f.Parser] = {
    "target_kind": f.choice(engine.TargetKind),
    "target_id": f.optional(f.integer(bounds.ROW_ID.with_minimum(0))),
    "sku": f.optional(f.text(255)),
}
_BREAK_FIELDS: dict[str, f.Parser] = {
    "min_quantity": f.integer(bounds.POSITIVE_COUNT),
    "fixed_price": f.optional(f.decimal(bounds.MONEY)),
    "percent_off": f.optional(f.decimal(bounds.PERCENT)),
}


def _parse_breaks(raw: Any) -> tuple[list[dict[str, Any]], Problems]:
    if not isinstance(raw, (list, tuple)) or not raw:
        return [], [("breaks", "breaks: at least one price break is required")]
    breaks: list[dict[str, Any]] = []
    problems: Problems = []
    for index, item in enumerate(raw):
        prefix = f"breaks[{index}]"
        if not isinstance(item, Mapping):
            problems.append((prefix, f"{prefix}: must be an object"))
            continue
        parsed: dict[str, Any] = {}
        for name, raw_value in item.items():
            parser = _BREAK_FIELDS.get(name)
            try:
                if parser is None:
                    raise ValueError("unknown field")
                parsed[name] = parser(raw_value)
            except ValueError as exc:
                problems.append((f"{prefix}.{name}", f"{prefix}.{name}: {exc}"))
        if "min_quantity" not in item:
            problems.append((f"{prefix}.min_quantity", f"{prefix}.min_quantity: is required"))
        elif not any(problem[0] and problem[0].startswith(prefix) for problem in problems):
            try:
                engine.PriceBreak(parsed["min_quantity"], parsed.get("fixed_price"), parsed.get("percent_off"))
            except EngineError as exc:
                problems.append((f"{prefix}.{exc.field}", f"{prefix}: {exc.message}"))
        breaks.append(parsed)
    return breaks, problems


def _save_entry(row: PriceListEntry, values: Mapping[str, Any], *, creating: bool) -> PriceListEntry:
    problems: Problems = []
    for name, raw in values.items():
        if name == "breaks":
            continue
        parser = _ENTRY_FIELDS.get(name)
        try:
            if parser is None:
                raise ValueError("unknown field")
            setattr(row, name, parser(raw))
        except ValueError as exc:
            problems.append((name, f"{name}: {exc}"))
    if creating and "target_kind" not in values:
        problems.append(("target_kind", "target_kind: is required"))
    breaks: list[dict[str, Any]] | None = None
    if "breaks" in values or creating:
        breaks, break_problems = _parse_breaks(values.get("breaks"))
        problems.extend(break_problems)
    if not problems:
        engine_breaks = breaks if breaks is not None else [
            {"min_quantity": b.min_quantity, "fixed_price": b.fixed_price, "percent_off": b.percent_off}
            for b in row.breaks.all()
        ]
        try:
            rule_loader.to_entry(row, [PriceBreak(**item) for item in engine_breaks])
        except EngineError as exc:
            problems.append((exc.field, exc.message))
        duplicate = PriceListEntry.objects.filter(
            price_list_id=row.price_list_id, target_kind=row.target_kind, target_id=row.target_id
        ).exclude(pk=row.pk)
        if duplicate.exists():
            problems.append(("target_id", "target_id: the price list already has an entry for this target"))
    raise_problems(problems)
    with transaction.atomic():
        row.save()
        if breaks is not None:
            row.breaks.all().delete()
            PriceBreak.objects.bulk_create(PriceBreak(entry=row, **item) for item in breaks)
        PriceList.objects.filter(pk=row.price_list_id).update(updated_at=timezone.now())
        bump_rules_version()
    return row


def get_price_list_entries(price_list_id: int) -> list[PriceListEntry]:
    """The entries of a price list with their breaks (two queries); ``NotFound`` for no list."""
    _get_price_list(price_list_id)
    return list(PriceListEntry.objects.filter(price_list_id=price_list_id).prefetch_related("breaks"))


def create_price_list_entry(price_list_id: int, values: Mapping[str, Any]) -> PriceListEntry:
    """Add an entry with its breaks: ``{"target_kind", "target_id", "sku", "breaks": [{...}]}``.

    Each break is ``{"min_quantity": 10, "fixed_price": "9.50"}`` or ``{..., "percent_off": "5"}``.
    """
    price_list = _get_price_list(price_list_id)
    return _save_entry(PriceListEntry(price_list=price_list), values, creating=True)


def update_price_list_entry(entry_id: int, values: Mapping[str, Any]) -> PriceListEntry:
    """Change an entry; a given ``breaks`` list replaces all its breaks."""
    row = PriceListEntry.objects.filter(pk=entry_id).first()
    if row is None:
        raise NotFound(f"no price list entry with id {entry_id}", field="id")
    return _save_entry(row, values, creating=False)


def delete_price_list_entry(entry_id: int) -> None:
    """Delete an entry with its breaks."""
    with transaction.atomic():
        deleted, _ = PriceListEntry.objects.filter(pk=entry_id).delete()
        if not deleted:
            raise NotFound(f"no price list entry with id {entry_id}", field="id")
        bump_rules_version()


# A CSV this large is already ~50,000 rows; more is a mistake or an attack, not a price list.
MAX_CSV_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class PriceListImport:
    """What an import did: entries created, entries whose breaks were replaced, entries a
    replacing import deleted, breaks written."""

    price_list_id: int
    entries_created: int
    entries_replaced: int
    entries_deleted: int
    breaks_written: int


def import_price_list_csv(
    price_list_id: int,
    csv_text: str,
    *,
    resolve_sku: Callable[[Collection[str]], Mapping[str, int]] | None = None,
    replace: bool = False,
) -> PriceListImport:
    """Import price breaks from CSV into a price list; all or nothing.

    One row per break: ``sku`` (or ``target_kind`` + ``target_id``), ``min_quantity``, and
    ``fixed_price`` or ``percent_off``. Rows for one target form one entry, which replaces that
    target's existing entry; other entries are kept, unless ``replace``: then the list keeps only
    the CSV's targets (the others are deleted in the same transaction, so a refused file deletes
    nothing either). ``resolve_sku`` maps the SKUs (all at once, one call) to variant ids; by
    default the shop looks them up (``resolve_skus``). A file over ``MAX_CSV_BYTES`` is refused
    before it is read. Every row is validated first; a bad row raises ``InvalidInput`` whose
    problems name the row (``row 3.fixed_price``) and nothing is written.
    """
    size = len(csv_text.encode("utf-8", "surrogatepass"))
    if size > MAX_CSV_BYTES:
        raise InvalidInput(
            f"csv: the file is {size} bytes; the maximum is {MAX_CSV_BYTES} (split it into several imports)",
            field="csv",
        )
    _get_price_list(price_list_id)
    parsed: ParsedImport = parse_price_csv(csv_text, resolve_sku=resolve_sku or resolve_skus)
    raise_problems(parsed.problems)
    with transaction.atomic():
        deleted = 0
        if replace:
            _, per_model = PriceListEntry.objects.filter(price_list_id=price_list_id).delete()
            deleted = per_model.get(PriceListEntry._meta.label, 0)  # entries only, not their breaks
        existing = {
            (row.target_kind, row.target_id): row
            for row in PriceListEntry.objects.select_for_update().filter(price_list_id=price_list_id)
        }
        replaced = [existing[key].pk for key in parsed.entries if key in existing]
        PriceBreak.objects.filter(entry_id__in=replaced).delete()
        created = PriceListEntry.objects.bulk_create(
            PriceListEntry(price_list_id=price_list_id, target_kind=kind, target_id=target_id, sku=entry.sku)
            for (kind, target_id), entry in parsed.entries.items()
            if (kind, target_id) not in existing
        )
        entry_ids = {(row.target_kind, row.target_id): row.pk for row in [*existing.values(), *created]}
        breaks = PriceBreak.objects.bulk_create(
            PriceBreak(entry_id=entry_ids[key], **item) for key, entry in parsed.entries.items() for item in entry.breaks
        )
        bump_rules_version()
    return PriceListImport(price_list_id, entries_created=len(created), entries_replaced=len(replaced),
                           entries_deleted=deleted, breaks_written=len(breaks))


def resolve_skus(skus: Collection[str]) -> dict[str, int]:
    """SKU -> variant id through the shop, all at once.

    ``fetch_variant_ids_by_sku(skus) -> {sku: variant_id}`` is an optional capability of the shop
    port (a catalogue lookup by SKU); a shop without it gets a clear refusal naming the other way
    to name a variant (``target_kind=variant`` with ``target_id``).
    """
    lookup = getattr(get_shop(), "fetch_variant_ids_by_sku", None)
    if lookup is None:
        raise InvalidInput(
            "csv: this shop cannot look variants up by SKU; use the target_kind and target_id columns instead",
            field="csv",
        )
    return {str(sku): int(variant_id) for sku, variant_id in lookup(list(skus)).items()}
