"""Posting an event: staff or an app report that a customer did something an event type pays
for; the points are credited once per (event type, event id), whoever posts it and however often.

Checks, in order, with nothing written when one fails (``EventNotAccepted.reason``):
``inactive``, ``not_started``, ``ended``, ``wrong_channel``, ``event_id_used`` (the id was
posted for another customer), ``limit_reached`` (``max_per_customer`` in the current ``period``).
The customer's loyalty row is locked while counting, so two postings for one customer cannot
both pass the last free place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ...config import ProgramConfig
from ...engine.bounds import EVENT_ID_MAX_LENGTH
from ...exceptions import EventNotAccepted, EventTypeNotFound, IdempotencyKeyReused, InvalidInput
from ...models import EventPeriod, LoyaltyEventPosting, LoyaltyEventType, SystemCode
from .. import customers, points


@dataclass(frozen=True)
class EventPostResult:
    """A posting: the points the event was worth, and ``created`` False when it was booked before."""

    code: str
    user_id: int
    event_id: str
    points: int
    created: bool
    posted_at: datetime


def period_start(period: str, now: datetime) -> datetime | None:
    """Where the current period began (local calendar); None for ``ever``.

    >>> from datetime import UTC
    >>> period_start("month", datetime(2026, 3, 14, 9, tzinfo=UTC)).isoformat()
    '2026-03-01T00:00:00+00:00'
    """
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == EventPeriod.DAY:
        return midnight
    if period == EventPeriod.MONTH:
        return midnight.replace(day=1)
    if period == EventPeriod.YEAR:
        return midnight.replace(month=1, day=1)
    return None


def _refuse(message: str, reason: str, field: str | None = None) -> EventNotAccepted:
    return EventNotAccepted(message, reason=reason, field=field)


def _check_open(event_type: LoyaltyEventType, *, channel: str, now: datetime) -> None:
    if not event_type.is_active:
        raise _refuse(f"event type {event_type.code!r} is deactivated", "inactive", "code")
    if event_type.starts_at is not None and now < event_type.starts_at:
        raise _refuse(f"event type {event_type.code!r} opens at {event_type.starts_at.isoformat()}", "not_started",
                      "code")
    if event_type.ends_at is not None and now >= event_type.ends_at:
        raise _refuse(f"event type {event_type.code!r} closed at {event_type.ends_at.isoformat()}", "ended", "code")
    if event_type.channel and channel != event_type.channel:
        raise _refuse(f"event type {event_type.code!r} counts only in channel {event_type.channel!r}",
                      "wrong_channel", "channel")


def _check_limit(event_type: LoyaltyEventType, user_id: int, *, now: datetime) -> None:
    if event_type.max_per_customer is None:
        return
    postings = LoyaltyEventPosting.objects.filter(event_type=event_type, user_id=user_id)
    start = period_start(str(event_type.period), now)
    if start is not None:
        postings = postings.filter(posted_at__gte=start)
    if postings.count() >= event_type.max_per_customer:
        raise _refuse(f"the customer reached the limit of {event_type.max_per_customer} for "
                      f"{event_type.code!r} ({event_type.period})", "limit_reached")


def post_event(
    code: str, user_id: int, event_id: str, *, config: ProgramConfig, channel: str = "",
    posted_by_user_id: int | None = None, posted_by_app_id: int | None = None, now: datetime | None = None,
) -> EventPostResult:
    """Credit ``code``'s points to the customer for the event ``event_id``, once.

    The same event id for the same customer again returns the first posting (``created`` False)
    without checking anything else, so a retry after a timeout is always safe. The points are a
    bonus (``SystemCode.BONUSES``, ledger key ``event:<code>:<event_id>``): available at once,
    expiring ``config.expiry_days`` later, like the sign-up and birthday bonuses.
    """
    now = now or timezone.now()
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > EVENT_ID_MAX_LENGTH:
        raise InvalidInput(f"event id must be 1 to {EVENT_ID_MAX_LENGTH} characters", field="event_id")
    channel = (channel or "").strip()
    event_type = LoyaltyEventType.objects.filter(code=code).first()
    if event_type is None:
        raise EventTypeNotFound(f"no event type {code!r}", field="code")
    customers.fetch_customer(user_id)
    with transaction.atomic():
        customers.get_or_create_state(user_id, lock=True)
        earlier = LoyaltyEventPosting.objects.filter(event_type=event_type, event_id=event_id).first()
        if earlier is not None:
            if earlier.user_id != user_id:
                raise _refuse(f"event {event_id!r} was posted for another customer", "event_id_used", "event_id")
            return EventPostResult(code, user_id, event_id, earlier.points, False, earlier.posted_at)
        _check_open(event_type, channel=channel, now=now)
        _check_limit(event_type, user_id, now=now)
        expires_at = now + timedelta(days=config.expiry_days) if config.expiry_days else None
        try:
            points.credit_bonus(
                points.Owner.customer(user_id), f"event:{code}:{event_id}", points=event_type.points,
                reason=event_type.name, system_code=SystemCode.BONUSES, expires_at=expires_at, now=now,
            )
        except IdempotencyKeyReused as exc:  # a concurrent posting for another customer won the id
            raise _refuse(f"event {event_id!r} was posted for another customer", "event_id_used", "event_id") from exc
        LoyaltyEventPosting.objects.create(
            event_type=event_type, user_id=user_id, event_id=event_id, points=event_type.points, channel=channel,
            posted_by_user_id=posted_by_user_id, posted_by_app_id=posted_by_app_id, posted_at=now,
        )
    return EventPostResult(code, user_id, event_id, event_type.points, True, now)
