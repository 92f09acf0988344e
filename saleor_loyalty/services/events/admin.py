"""Staff define event types: a code the poster names, the points, a limit per customer and
period, an active window and an optional channel. A type is deactivated, never deleted: its
postings (and the ledger rows they explain) keep pointing at it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...engine.bounds import EVENT_CODE_MAX_LENGTH, EVENT_POINTS, POSITIVE_COUNT
from ...exceptions import EventTypeCodeTaken, EventTypeNotFound, InvalidInput
from ...models import EventPeriod, LoyaltyEventType

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
NAME_MAX_LENGTH = 100
CHANNEL_MAX_LENGTH = 255
FIELDS = ("code", "name", "points", "max_per_customer", "period", "starts_at", "ends_at", "channel", "is_active")


@dataclass(frozen=True)
class EventTypeInfo:
    """An event type as stored."""

    id: int
    code: str
    name: str
    points: int
    max_per_customer: int | None
    period: str
    starts_at: datetime | None
    ends_at: datetime | None
    channel: str
    is_active: bool
    updated_at: datetime


def to_info(row: LoyaltyEventType) -> EventTypeInfo:
    return EventTypeInfo(row.pk, row.code, row.name, row.points, row.max_per_customer, str(row.period),
                         row.starts_at, row.ends_at, row.channel, row.is_active, row.updated_at)


def parse_moment(value: Any) -> datetime | None:
    """An aware ``datetime`` from one or its ISO 8601 text; None for anything else (a naive one too)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    return value


def _problems(values: Mapping[str, Any], *, creating: bool) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        problems.append((unknown[0], f"unknown field {unknown[0]!r}"))
    if "code" in values:
        if not creating:
            problems.append(("code", "the code of an event type cannot change (its postings' ledger keys name it)"))
        code = values["code"]
        if not isinstance(code, str) or not CODE_PATTERN.match(code) or len(code) > EVENT_CODE_MAX_LENGTH:
            problems.append(("code", f"must be lower-case letters, digits, '_', '.' or '-', at most "
                                     f"{EVENT_CODE_MAX_LENGTH} characters"))
    elif creating:
        problems.append(("code", "required"))
    if "name" in values or creating:
        name = values.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX_LENGTH:
            problems.append(("name", f"required, at most {NAME_MAX_LENGTH} characters"))
    if "points" in values or creating:
        problem = EVENT_POINTS.problem(values.get("points"))
        if problem:
            problems.append(("points", problem))
    if values.get("max_per_customer") is not None:
        problem = POSITIVE_COUNT.problem(values["max_per_customer"])
        if problem:
            problems.append(("max_per_customer", problem))
    if "period" in values and values["period"] not in EventPeriod.values:
        problems.append(("period", f"must be one of {', '.join(EventPeriod.values)}"))
    for field in ("starts_at", "ends_at"):
        if values.get(field) is not None and parse_moment(values[field]) is None:
            problems.append((field, "must be an ISO 8601 date and time with its time zone"))
    channel = values.get("channel")
    if channel is not None and (not isinstance(channel, str) or len(channel) > CHANNEL_MAX_LENGTH):
        problems.append(("channel", f"must be a channel slug of at most {CHANNEL_MAX_LENGTH} characters"))
    if "is_active" in values and not isinstance(values["is_active"], bool):
        problems.append(("is_active", "must be true or false"))
    return problems


def _save(row: LoyaltyEventType, values: Mapping[str, Any], *, creating: bool, now: datetime | None) -> EventTypeInfo:
    problems = _problems(values, creating=creating)
    if problems:
        raise InvalidInput(problems[0][1], field=problems[0][0], problems=problems)
    for field, value in values.items():
        if field == "channel":
            value = (value or "").strip()
        elif field == "name":
            value = value.strip()
        elif field in ("starts_at", "ends_at") and value is not None:
            value = parse_moment(value)
        setattr(row, field, value)
    if row.starts_at is not None and row.ends_at is not None and row.ends_at <= row.starts_at:
        raise InvalidInput("the window must end after it starts", field="ends_at")
    row.updated_at = now or timezone.now()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise EventTypeCodeTaken(f"an event type with code {row.code!r} exists", field="code") from exc
    return to_info(row)


def create_event_type(values: Mapping[str, Any], *, now: datetime | None = None) -> EventTypeInfo:
    """A new event type from ``values`` (``FIELDS``; ``code``, ``name`` and ``points`` required).

    Every problem is reported at once (``InvalidInput.problems``); a code in use raises
    ``EventTypeCodeTaken``. Nothing is written when anything is wrong.
    """
    return _save(LoyaltyEventType(), values, creating=True, now=now)


def update_event_type(event_type_id: int, values: Mapping[str, Any], *, now: datetime | None = None) -> EventTypeInfo:
    """Change the fields given (not the code); ``EventTypeNotFound`` for an unknown id."""
    with transaction.atomic():
        row = LoyaltyEventType.objects.select_for_update().filter(pk=event_type_id).first()
        if row is None:
            raise EventTypeNotFound(f"no event type {event_type_id}", field="id")
        return _save(row, values, creating=False, now=now)


def deactivate_event_type(event_type_id: int, *, now: datetime | None = None) -> EventTypeInfo:
    """Stop an event type taking postings; what it credited stays (the ledger is append-only)."""
    return update_event_type(event_type_id, {"is_active": False}, now=now)


def list_event_types(*, active_only: bool = False) -> list[EventTypeInfo]:
    """The event types by code; ``active_only`` leaves deactivated ones out."""
    rows = LoyaltyEventType.objects.all()
    if active_only:
        rows = rows.filter(is_active=True)
    return [to_info(row) for row in rows.order_by("code")]
