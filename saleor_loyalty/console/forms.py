"""Form fields of the console: render inputs, read what was posted, show each error by its field.

Validation is not here: the posted text goes to the same service functions the GraphQL
mutations call (``services.rules`` and friends), whose field parsers accept text. This module
only turns form text into those inputs (a checkbox into a bool, an empty optional field into
None, a UTC date-time input into an aware date-time) and the services' ``InvalidInput.problems``
back into errors beside the fields they name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from django.http import QueryDict


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    kind: str = "text"  # text, number, decimal, select, checkbox, textarea, datetime
    required: bool = False
    choices: Sequence[tuple[str, Any]] | Callable[[], Sequence[tuple[str, Any]]] = ()
    help: Any = ""
    default: Any = ""
    # Left empty: None (the service clears the value) when True; left out (unchanged, or the
    # model's default on create) when False. Required fields always send their text.
    clearable: bool = True
    # How a stored value is shown in the form (e.g. a list as lines of text); None: as it is.
    show: Callable[[Any], Any] | None = None


def enum_choices(enum: type[Enum], *, blank: bool = False) -> list[tuple[str, str]]:
    choices = [(str(member.value), str(member.value).replace("_", " ").capitalize()) for member in enum]
    return [("", "-")] + choices if blank else choices


def initial_values(fields: Iterable[Field], row: Any | None) -> dict[str, Any]:
    """The values a form shows for ``row`` (or the defaults for a new one)."""
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(row, field.name, None) if row is not None else field.default
        if field.show is not None and row is not None:
            value = field.show(value)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
        elif value is None:
            value = ""
        values[field.name] = value
    return values


def read_values(fields: Iterable[Field], data: QueryDict) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(service input, values to show again)`` from a posted form.

    Every field is sent (an empty optional field clears it), so create and update alike pass the
    whole form to the service.
    """
    values: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for field in fields:
        if field.kind == "checkbox":
            values[field.name] = shown[field.name] = data.get(field.name) == "on"
            continue
        raw = data.get(field.name, "")
        shown[field.name] = raw
        if field.kind == "datetime" and raw.strip():
            try:
                values[field.name] = datetime.fromisoformat(raw.strip()).replace(tzinfo=UTC)
            except ValueError:
                values[field.name] = raw  # the service's parser reports it in its own words
        elif raw.strip() or field.required or field.kind == "textarea":
            values[field.name] = raw
        elif field.clearable:
            values[field.name] = None
    return values, shown


def bound_fields(fields: Iterable[Field], values: Mapping[str, Any], errors: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    """What ``field.html`` renders for each field; choices may be a callable (read per request)."""
    return [
        {
            "name": field.name, "label": field.label, "kind": field.kind, "required": field.required,
            "choices": field.choices() if callable(field.choices) else field.choices, "help": field.help, "value": values.get(field.name, ""),
            "checked": values.get(field.name) is True,
            "errors": [_without_prefix(field.name, message) for message in errors.get(field.name, [])],
            "id": f"f-{field.name}",
        }
        for field in fields
    ]


def unmatched_errors(fields: Iterable[Field], errors: Mapping[str, list[str]], general: list[str]) -> list[str]:
    """Messages with no field on the form (``general`` plus fields the form does not show)."""
    names = {field.name for field in fields}
    return [*general, *(message for name, messages in errors.items() if name not in names for message in messages)]


def _without_prefix(name: str, message: str) -> str:
    """``threshold: must be >= 0`` shown beside the threshold field reads ``must be >= 0``."""
    return message.removeprefix(f"{name}: ")
