"""Custom event types and postings (``services.events``)."""

from __future__ import annotations

from typing import Any

import graphene

from ...engine.bounds import EVENT_POINTS
from ..core.ids import to_global_id
from .rules import LoyaltyDateTimeInput


class LoyaltyEventPeriodEnum(graphene.Enum):
    EVER = "ever"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"

    class Meta:
        description = "The period a per-customer limit counts over (calendar periods, the shop's time zone)."


class LoyaltyEventType(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyEventType:<pk>`.")
    code = graphene.String(required=True, description="What a poster names in `loyaltyEventPost`; never changes.")
    name = graphene.String(required=True, description="Shown on the customer's statement.")
    points = graphene.Int(required=True, description="Points credited per event.")
    max_per_customer = graphene.Int(description="At most this many credits per customer per `period`; null: no limit.")
    period = LoyaltyEventPeriodEnum(required=True)
    starts_at = graphene.DateTime(description="Postings before this are refused (NOT_STARTED).")
    ends_at = graphene.DateTime(description="Postings from this on are refused (ENDED).")
    channel = graphene.String(required=True, description="The only channel it counts in; empty: every channel.")
    is_active = graphene.Boolean(required=True)
    updated_at = graphene.DateTime(required=True)

    class Meta:
        description = "A staff-defined event that earns points (a review, a survey, a store visit...)."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyEventType", root.id)

    @staticmethod
    def resolve_period(root: Any, _info: Any) -> str:
        return str(root.period)


class LoyaltyEventTypeInput(graphene.InputObjectType):
    code = graphene.String(description="Lower-case letters, digits, `_`, `.`, `-`; at most 64. Create only.")
    name = graphene.String(description="At most 100 characters.")
    points = graphene.Int(description=f"{EVENT_POINTS.minimum} to {EVENT_POINTS.maximum:,}.")
    max_per_customer = graphene.Int(description="A positive limit per customer per period; null: none.")
    period = LoyaltyEventPeriodEnum(description="Default EVER.")
    starts_at = LoyaltyDateTimeInput(description="An aware ISO 8601 date and time; null: open from the start.")
    ends_at = LoyaltyDateTimeInput(description="Must be after `startsAt`; null: no end.")
    channel = graphene.String(description="A channel slug; empty: every channel.")
    is_active = graphene.Boolean()


def to_event_values(data: Any) -> dict[str, Any]:
    """The fields sent (a field sent as null kept as None), enums as their values."""
    values = {key: value for key, value in dict(data).items()}
    if values.get("period") is not None:
        values["period"] = getattr(values["period"], "value", values["period"])
    return values


class LoyaltyEventPosting(graphene.ObjectType):
    code = graphene.String(required=True, description="The event type.")
    customer_id = graphene.ID(required=True, description="`User:<pk>`.")
    event_id = graphene.String(required=True)
    points = graphene.Int(required=True, description="Points the event was worth.")
    created = graphene.Boolean(
        required=True, description="False when this event id had been booked before (nothing was credited now)."
    )
    posted_at = graphene.DateTime(required=True, description="When it was first booked.")

    class Meta:
        description = "A posted custom event."

    @staticmethod
    def resolve_customer_id(root: Any, _info: Any) -> str:
        return to_global_id("User", root.user_id)
