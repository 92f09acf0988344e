"""A candidate rule set as JSON, in the engine's own terms, read into an engine ``RuleSet``.

The JSON mirrors the engine's rule objects field by field (``engine/rules.py``,
``engine/terms.py``): ``terms``, ``tiers``, ``price_lists`` (with ``audience``, ``entries`` and
their ``breaks``), ``earn_rules``, ``gift_rules``, ``referral``, ``next_purchase``. Money and
rates are strings or numbers (read as ``Decimal``), enums their values (``"spend"``,
``"base_rate"``...), datetimes ISO 8601 with a time zone. Besides the rules, ``variant_prices``
(``{"variant id": "price"}``) values gift lines in the backtest. Example in docs/metrics.md.

The reader is generic over the engine's dataclasses, so a new rule field needs no change here;
the engine's own checks run when each object is built. Every problem is reported at once, with
its path (``tiers[0].threshold: ...``).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from ...engine import rules as engine
from ...engine.errors import EngineError
from ...exceptions import InvalidInput

Problems = list[tuple[str | None, str]]
_TOP_LEVEL = {"version", "terms", "tiers", "price_lists", "earn_rules", "gift_rules", "referral", "next_purchase",
              "channel_terms", "variant_prices"}


class _Bad(Exception):
    """A problem at one path; collected, never escapes this module."""


def _convert(kind: Any, raw: Any, path: str, problems: Problems) -> Any:
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        return None if raw is None else _convert(options[0], raw, path, problems)
    if origin is tuple:
        if not isinstance(raw, list):
            raise _Bad(f"{path}: expected a list, got {raw!r}")
        item_kind = typing.get_args(kind)[0]
        items, failed = [], False
        for index, item in enumerate(raw):  # every item, so that all their problems are reported
            try:
                items.append(_convert(item_kind, item, f"{path}[{index}]", problems))
            except _Bad as bad:
                if str(bad):
                    problems.append((f"{path}[{index}]", str(bad)))
                failed = True
        if failed:
            raise _Bad("")
        return tuple(items)
    if dataclasses.is_dataclass(kind):
        return _build(kind, raw, path, problems)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(raw)
        except ValueError:
            choices = ", ".join(str(member.value) for member in kind)
            raise _Bad(f"{path}: must be one of {choices}, got {raw!r}") from None
    if kind is Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise _Bad(f"{path}: expected a number, got {raw!r}")
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise _Bad(f"{path}: expected a number, got {raw!r}") from None
    if kind is datetime:
        try:
            return datetime.fromisoformat(raw)
        except (TypeError, ValueError):
            raise _Bad(f"{path}: expected an ISO 8601 datetime, got {raw!r}") from None
    if kind is int and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise _Bad(f"{path}: expected a whole number, got {raw!r}")
    if kind is bool and not isinstance(raw, bool):
        raise _Bad(f"{path}: expected true or false, got {raw!r}")
    if kind is str and not isinstance(raw, str):
        raise _Bad(f"{path}: expected text, got {raw!r}")
    return raw


def _build(cls: Any, raw: Any, path: str, problems: Problems) -> Any:
    if not isinstance(raw, dict):
        raise _Bad(f"{path}: expected an object, got {raw!r}")
    hints = typing.get_type_hints(cls)
    known = {field.name: field for field in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise _Bad(f"{path}: unknown field(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    failed = False
    for name, field in known.items():
        if name not in raw:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                problems.append((f"{path}.{name}", f"{path}.{name}: is required"))
                failed = True
            continue
        try:
            values[name] = _convert(hints[name], raw[name], f"{path}.{name}", problems)
        except _Bad as bad:
            if str(bad):  # an empty message: a nested object already recorded its problems
                problems.append((f"{path}.{name}", str(bad)))
            failed = True
    if failed:
        raise _Bad("")  # the problems are recorded; the caller skips this object
    try:
        return cls(**values)
    except EngineError as error:
        raise _Bad(f"{path}: {error.message}") from None


def _section(name: str, kind: Any, raw: Any, problems: Problems) -> Any:
    try:
        return _convert(kind, raw, name, problems)
    except _Bad as bad:
        if str(bad):
            problems.append((name, str(bad)))
        return None


def parse_rule_set(data: Any, *, version: str = "candidate") -> tuple[engine.RuleSet, dict[int, Decimal]]:
    """The ``RuleSet`` and gift ``variant_prices`` a JSON document describes.

    Raises ``InvalidInput`` listing every problem (unknown or missing fields, bad values, rules
    the engine refuses).
    """
    if not isinstance(data, dict):
        raise InvalidInput("a rule set file holds a JSON object", field="rules")
    problems: Problems = []
    unknown = sorted(set(data) - _TOP_LEVEL)
    if unknown:
        problems.append((None, f"unknown section(s) {', '.join(unknown)}"))
    hints = typing.get_type_hints(engine.RuleSet)
    sections = {
        name: _section(name, hints[name], data[name], problems)
        for name in ("terms", "tiers", "price_lists", "earn_rules", "gift_rules", "referral", "next_purchase",
                     "channel_terms")
        if name in data
    }
    prices: dict[int, Decimal] = {}
    raw_prices = data.get("variant_prices", {})
    if not isinstance(raw_prices, dict):
        problems.append(("variant_prices", "variant_prices: expected an object of variant id -> price"))
    else:
        for key, value in raw_prices.items():
            try:
                prices[int(key)] = Decimal(str(value))
            except (ValueError, InvalidOperation):
                problems.append(("variant_prices", f"variant_prices.{key}: expected a variant id and a price"))
    if problems:
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems)
    try:
        rule_set = engine.RuleSet(version=str(data.get("version") or version), **sections)
    except EngineError as error:
        raise InvalidInput(error.message, field=error.field) from None
    return rule_set, prices


def load_rule_set_file(path: str | Path) -> tuple[engine.RuleSet, dict[int, Decimal]]:
    """``parse_rule_set`` of a JSON file; the version defaults to the file's name."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InvalidInput(f"cannot read rule set {path}: {error}", field="rules") from None
    return parse_rule_set(data, version=Path(path).stem)


def dump_rule_set(rules: engine.RuleSet) -> dict[str, Any]:
    """The JSON document ``parse_rule_set`` reads back into ``rules`` (a starting point to edit).

    Field by field over the engine's dataclasses, like the reader: enums as their values,
    ``Decimal`` as text (no float noise), datetimes in ISO 8601.
    """

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {item.name: plain(getattr(value, item.name)) for item in dataclasses.fields(value) if item.init}
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, (list, tuple, set, frozenset)):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        return value

    document: dict[str, Any] = plain(rules)
    return document
