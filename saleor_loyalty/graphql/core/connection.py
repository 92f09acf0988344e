"""Relay cursor connections over querysets, paginated by keyset, with Saleor's rules.

Saleor's rules, kept so storefront code carries over: ``first`` or ``last`` is required, at most
``MAX_PAGE_SIZE``; ``first`` goes with ``after``, ``last`` with ``before``; ``totalCount`` counts
the whole filtered list.

Cursors are keyset cursors: base64 of the JSON list of the row's ordering values, e.g.
``["2024-05-01T10:00:00.123456+00:00", "42"]`` for the ordering ``("-created_at", "-id")``.
The next page is "rows after these values" in the ordering, not an offset, so rows written
while a client pages (points are earned all the time) neither shift nor repeat what it sees.
The ordering must end with a unique field and use non-null fields, all in one direction.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from graphql import GraphQLError

MAX_PAGE_SIZE = 100

_INVALID_CURSOR = "Received cursor is invalid."


class CountableConnection(graphene.relay.Connection):
    """A connection with ``totalCount``; subclasses set ``Meta.node``."""

    class Meta:
        abstract = True

    total_count = graphene.Int(description="A total count of items in the collection.")

    @staticmethod
    def resolve_total_count(root: Any, _info: Any) -> int | None:
        total = getattr(root, "total_count", None)
        return total() if callable(total) else total


class ConnectionField(graphene.Field):
    """A field with the relay paging arguments, described as Saleor describes them.

    ``backward=False`` leaves out ``last`` and ``before`` for lists that a service pages in one
    direction only (a statement, newest first).
    """

    def __init__(self, type_: Any, *args: Any, backward: bool = True, **kwargs: Any) -> None:
        limit_note = (
            "Note that the system only allows fetching a maximum of "
            f"{MAX_PAGE_SIZE} objects in a single query."
        )
        kwargs.setdefault(
            "after", graphene.String(description="Return the elements in the list that come after the specified cursor.")
        )
        kwargs.setdefault("first", graphene.Int(description=f"Retrieve the first n elements from the list. {limit_note}"))
        if backward:
            kwargs.setdefault(
                "before",
                graphene.String(description="Return the elements in the list that come before the specified cursor."),
            )
            kwargs.setdefault("last", graphene.Int(description=f"Retrieve the last n elements from the list. {limit_note}"))
        super().__init__(type_, *args, **kwargs)


def validate_page_args(args: dict[str, Any], field_name: str, *, backward: bool = True) -> int:
    """The page size asked for, once ``args`` follow the paging rules; else ``GraphQLError``."""
    first: int | None = args.get("first")
    last: int | None = args.get("last")
    if first is not None and last is not None:
        raise GraphQLError("Argument `last` cannot be combined with `first`.")
    if first is None and last is None:
        wanted = "a `first` or `last` value" if backward else "a `first` value"
        raise GraphQLError(f"You must provide {wanted} to properly paginate the `{field_name}` connection.")
    if first is not None and args.get("before") is not None:
        raise GraphQLError("Argument `first` cannot be combined with `before`.")
    if last is not None and args.get("after") is not None:
        raise GraphQLError("Argument `last` cannot be combined with `after`.")
    if first is not None:
        name, size = "first", first
    else:
        assert last is not None  # refused above when both are missing
        name, size = "last", last
    if size < 1:
        raise GraphQLError(f"Argument `{name}` must be a positive integer.")
    if size > MAX_PAGE_SIZE:
        raise GraphQLError(
            f"Requesting {size} records on the `{field_name}` connection exceeds the "
            f"`{name}` limit of {MAX_PAGE_SIZE} records."
        )
    return size


def create_connection_slice(
    queryset: QuerySet[Any],
    info: Any,
    args: dict[str, Any],
    connection_type: type[graphene.relay.Connection],
    *,
    ordering: Sequence[str] = ("-created_at", "-id"),
) -> Any:
    """One page of ``queryset`` as a ``connection_type`` instance, in ``ordering``.

    Costs one query for the page and, only when ``totalCount`` is selected, one count.
    """
    fields, descending = _parse_ordering(ordering)
    size = validate_page_args(args, info.field_name)
    backwards = args.get("last") is not None
    cursor = args.get("before") if backwards else args.get("after")

    # Paging backwards reads the ordering in reverse, then turns the page around.
    read_descending = descending != backwards
    page_qs = queryset.order_by(*(("-" if read_descending else "") + name for name in fields))
    if cursor is not None:
        values = _decode_cursor(cursor, queryset.model, fields)
        page_qs = page_qs.filter(_keyset_filter(fields, values, descending=read_descending))
    rows = list(page_qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    edge_type = connection_type.Edge
    edges = [edge_type(node=row, cursor=_encode_cursor(row, fields)) for row in rows]
    page_info = graphene.relay.PageInfo(
        has_next_page=bool(cursor) if backwards else has_more,
        has_previous_page=has_more if backwards else bool(cursor),
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return connection_type(edges=edges, page_info=page_info, total_count=queryset.count)


def connection_from_page(
    connection_type: type[graphene.relay.Connection],
    nodes: Sequence[Any],
    cursors: Sequence[str],
    *,
    has_next_page: bool,
    has_previous_page: bool,
    total_count: Any = None,
) -> Any:
    """A connection instance from one page a service already cut (nodes and their cursors)."""
    edges = [connection_type.Edge(node=node, cursor=cursor) for node, cursor in zip(nodes, cursors, strict=True)]
    page_info = graphene.relay.PageInfo(
        has_next_page=has_next_page,
        has_previous_page=has_previous_page,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    if total_count is None:
        return connection_type(edges=edges, page_info=page_info)
    return connection_type(edges=edges, page_info=page_info, total_count=total_count)


def encode_cursor(values: Sequence[Any]) -> str:
    """base64 of the JSON list of ``values`` (datetimes in full ISO form), as Saleor's cursors."""
    return base64.b64encode(json.dumps([_cursor_value(value) for value in values]).encode()).decode()


def decode_int_cursor(cursor: str | None) -> int | None:
    """The positive integer a one-value cursor holds (an entry id), or ``GraphQLError``."""
    if cursor is None:
        return None
    try:
        [value] = json.loads(base64.b64decode(cursor, validate=True))
        number = int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else 0
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise GraphQLError(_INVALID_CURSOR) from exc
    if not 0 < number < 2**63:
        raise GraphQLError(_INVALID_CURSOR)
    return number


def _parse_ordering(ordering: Sequence[str]) -> tuple[list[str], bool]:
    directions = {name.startswith("-") for name in ordering}
    if not ordering or len(directions) != 1:
        raise ValueError(f"a keyset ordering needs fields in one direction, got {ordering!r}")
    return [name.lstrip("-") for name in ordering], directions.pop()


def _cursor_value(value: Any) -> str:
    # isoformat keeps microseconds: a cursor that lost them would skip or repeat rows.
    return value.isoformat() if isinstance(value, (datetime, date)) else str(value)


def _encode_cursor(row: Model, fields: list[str]) -> str:
    return encode_cursor([getattr(row, name) for name in fields])


def _decode_cursor(cursor: str, model: type[Model], fields: list[str]) -> list[Any]:
    try:
        values = json.loads(base64.b64decode(cursor, validate=True))
        if not isinstance(values, list) or len(values) != len(fields):
            raise ValueError("wrong cursor shape")
        decoded = [model._meta.get_field(name).to_python(value) for name, value in zip(fields, values)]
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, ValidationError) as exc:
        raise GraphQLError(_INVALID_CURSOR) from exc
    if any(value is None for value in decoded):
        raise GraphQLError(_INVALID_CURSOR)
    return decoded


def _keyset_filter(fields: list[str], values: list[Any], *, descending: bool) -> Q:
    """Rows strictly after ``values`` in the ordering: ``(a > x) OR (a = x AND b > y) ...``."""
    lookup = "lt" if descending else "gt"
    condition = Q()
    for index, name in enumerate(fields):
        equal_before = {fields[i]: values[i] for i in range(index)}
        condition |= Q(**equal_before, **{f"{name}__{lookup}": values[index]})
    return condition
