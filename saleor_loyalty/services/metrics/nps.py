"""NPS answers: a customer's 0-10 score, once per order or once per survey period.

The survey period is the calendar month (UTC) of the answer. An answer about an order must name
one of the customer's own orders (as the plugin recorded it); an answer without an order is
about the shop in general. The one-per-order and one-per-period rules are UNIQUE constraints
(``models.metrics``), so a double submission is refused by the database even under concurrency;
this module turns that refusal into ``NpsAlreadySubmitted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...exceptions import InvalidInput, LoyaltyError, NotFound
from ...models.metrics import NPS_COMMENT_MAX_LENGTH, NpsResponse
from ...models.orders import OrderRecord

__all__ = [
    "NPS_COMMENT_MAX_LENGTH", "NpsAlreadySubmitted", "NpsOrderNotFound", "NpsResponseInfo", "get_nps_period_start",
    "submit_nps_response",
]


class NpsAlreadySubmitted(LoyaltyError):
    """The customer already answered for this order, or (without an order) in this period."""

    code = "NPS_ALREADY_SUBMITTED"


class NpsOrderNotFound(NotFound):
    """No order with this id belongs to the customer (another customer's order looks the same)."""

    code = "NPS_ORDER_NOT_FOUND"


@dataclass(frozen=True, slots=True)
class NpsResponseInfo:
    id: int
    user_id: int
    score: int
    comment: str
    order_id: str
    channel: str
    period_start: date
    created_at: datetime


def get_nps_period_start(moment: datetime) -> date:
    """The first day of the survey period (the UTC calendar month) that ``moment`` falls in.

    >>> get_nps_period_start(datetime(2025, 3, 31, 23, 30, tzinfo=UTC))
    datetime.date(2025, 3, 1)
    """
    utc = moment.astimezone(UTC)
    return date(utc.year, utc.month, 1)


def _next_period_start(period_start: date) -> date:
    return date(period_start.year + period_start.month // 12, period_start.month % 12 + 1, 1)


def _check_input(score: object, comment: str, channel: str) -> None:
    problems: list[tuple[str | None, str]] = []
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        problems.append(("score", f"score must be a whole number from 0 to 10, got {score!r}"))
    if len(comment) > NPS_COMMENT_MAX_LENGTH:
        problems.append(("comment", f"comment must be at most {NPS_COMMENT_MAX_LENGTH} characters, got {len(comment)}"))
    elif "\x00" in comment:
        # PostgreSQL text cannot hold NUL; refusing beats failing inside the INSERT.
        problems.append(("comment", "comment must not contain NUL characters"))
    if len(channel) > 255 or "\x00" in channel:
        problems.append(("channel", "channel must be a channel slug (at most 255 characters)"))
    if problems:
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems)


def _violated_constraint(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return str(getattr(diag, "constraint_name", "") or "")


def submit_nps_response(
    user_id: int,
    score: int,
    *,
    comment: str = "",
    order_id: str | None = None,
    channel: str = "",
    now: datetime | None = None,
) -> NpsResponseInfo:
    """Record the customer's answer; refuse a second one for the same order or period.

    With ``order_id`` the order must be the customer's (else ``NpsOrderNotFound``) and the
    answer takes the order's channel; without it ``channel`` says where the customer answered.
    Raises ``InvalidInput`` (score outside 0-10, comment too long) and ``NpsAlreadySubmitted``.
    """
    comment = comment.strip()
    _check_input(score, comment, channel)
    now = now or timezone.now()
    period_start = get_nps_period_start(now)
    order_id = (order_id or "").strip()
    if order_id:
        order_channel = (
            OrderRecord.objects.filter(order_id=order_id, user_id=user_id).values_list("channel", flat=True).first()
        )
        if order_channel is None:
            raise NpsOrderNotFound(f"you have no order {order_id}", field="order_id")
        channel = order_channel
    try:
        with transaction.atomic():
            row = NpsResponse.objects.create(
                user_id=user_id, score=score, comment=comment, order_id=order_id, channel=channel,
                period_start=period_start, created_at=now,
            )
    except IntegrityError as error:
        constraint = _violated_constraint(error)
        if constraint == "loyalty_nps_one_per_order":
            raise NpsAlreadySubmitted(f"order {order_id} already has an answer", field="order_id") from error
        if constraint == "loyalty_nps_one_per_period":
            raise NpsAlreadySubmitted(
                f"you already answered in {period_start:%B %Y}; you can answer again from "
                f"{_next_period_start(period_start).isoformat()}",
                field="order_id",
            ) from error
        raise
    return NpsResponseInfo(
        row.pk, user_id, row.score, row.comment, row.order_id, row.channel, row.period_start, row.created_at
    )
