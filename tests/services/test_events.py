"""Custom events: event types staff define, postings credited once per event id, limits and windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import EventNotAccepted, EventTypeCodeTaken, EventTypeNotFound, InvalidInput
from saleor_loyalty.models import LedgerTransaction, LoyaltyEventPosting, LoyaltyEventType, PointLot
from saleor_loyalty.services import events, points

NOW = datetime(2026, 3, 14, 9, tzinfo=UTC)


def _balance(user: Any) -> int:
    return points.get_balance(points.Owner.customer(user.pk)).available


@pytest.fixture
def review(db: None) -> events.EventTypeInfo:
    return events.create_event_type({"code": "review", "name": "Product review", "points": 50,
                                     "max_per_customer": 2, "period": "month"}, now=NOW)


def test_create_reports_every_problem_and_writes_nothing(db: None):
    with pytest.raises(InvalidInput) as refused:
        events.create_event_type({"code": "Bad Code", "name": "", "points": 0, "period": "week"})
    assert [field for field, _ in refused.value.problems] == ["code", "name", "points", "period"]
    assert not LoyaltyEventType.objects.exists()


def test_codes_are_unique_and_cannot_change(review: events.EventTypeInfo):
    with pytest.raises(EventTypeCodeTaken):
        events.create_event_type({"code": "review", "name": "Again", "points": 5})
    with pytest.raises(InvalidInput) as refused:
        events.update_event_type(review.id, {"code": "reviews"})
    assert refused.value.field == "code"
    with pytest.raises(EventTypeNotFound):
        events.update_event_type(review.id + 1000, {"points": 5})


def test_update_deactivate_and_list(review: events.EventTypeInfo):
    survey = events.create_event_type({"code": "survey", "name": "Survey", "points": 20})
    changed = events.update_event_type(review.id, {"points": 75, "name": " Review "})
    events.deactivate_event_type(survey.id)
    assert (changed.points, changed.name) == (75, "Review")
    assert [t.code for t in events.list_event_types()] == ["review", "survey"]
    assert [t.code for t in events.list_event_types(active_only=True)] == ["review"]


def test_window_must_end_after_it_starts(db: None):
    with pytest.raises(InvalidInput) as refused:
        events.create_event_type({"code": "x", "name": "X", "points": 1, "starts_at": NOW, "ends_at": NOW})
    assert refused.value.field == "ends_at"


def test_same_event_id_twice_credits_once(shopper: Any, review: events.EventTypeInfo, config: ProgramConfig):
    # when
    first = events.post_event("review", shopper.pk, "rev-1", config=config, now=NOW)
    again = events.post_event("review", shopper.pk, "rev-1", config=config, now=NOW + timedelta(hours=1))
    # then
    assert (first.points, first.created, again.points, again.created) == (50, True, 50, False)
    assert _balance(shopper) == 50
    assert LedgerTransaction.objects.filter(idempotency_key="event:review:rev-1").count() == 1
    assert LoyaltyEventPosting.objects.count() == 1


def test_limit_per_customer_per_month(shopper: Any, review: events.EventTypeInfo, config: ProgramConfig):
    # given: two reviews this month
    events.post_event("review", shopper.pk, "rev-1", config=config, now=NOW)
    events.post_event("review", shopper.pk, "rev-2", config=config, now=NOW)
    # when / then: a third this month is refused, next month is fine
    with pytest.raises(EventNotAccepted) as refused:
        events.post_event("review", shopper.pk, "rev-3", config=config, now=NOW)
    assert refused.value.reason == "limit_reached"
    assert events.post_event("review", shopper.pk, "rev-3", config=config, now=datetime(2026, 4, 1, tzinfo=UTC)).created
    assert _balance(shopper) == 150


def test_an_event_id_belongs_to_one_customer(
    shopper: Any, other_customer: Any, shop: Any, review: events.EventTypeInfo, config: ProgramConfig
):
    shop.add_customer(other_customer)
    events.post_event("review", shopper.pk, "rev-1", config=config, now=NOW)
    with pytest.raises(EventNotAccepted) as refused:
        events.post_event("review", other_customer.pk, "rev-1", config=config, now=NOW)
    assert (refused.value.reason, _balance(other_customer)) == ("event_id_used", 0)


@pytest.mark.parametrize(("values", "channel", "reason"), [
    ({"is_active": False}, "", "inactive"),
    ({"starts_at": NOW + timedelta(days=1)}, "", "not_started"),
    ({"ends_at": NOW}, "", "ended"),
    ({"channel": "pl"}, "us", "wrong_channel"),
])
def test_closed_event_types_refuse_and_write_nothing(
    shopper: Any, config: ProgramConfig, values: dict[str, Any], channel: str, reason: str
):
    events.create_event_type({"code": "visit", "name": "Store visit", "points": 10, **values})
    with pytest.raises(EventNotAccepted) as refused:
        events.post_event("visit", shopper.pk, "v-1", config=config, channel=channel, now=NOW)
    assert refused.value.reason == reason
    assert (_balance(shopper), LoyaltyEventPosting.objects.count()) == (0, 0)


def test_channel_bound_type_credits_in_its_channel(shopper: Any, config: ProgramConfig):
    events.create_event_type({"code": "visit", "name": "Store visit", "points": 10, "channel": "pl"})
    assert events.post_event("visit", shopper.pk, "v-1", config=config, channel="pl", now=NOW).points == 10


def test_bad_posts_are_refused(shopper: Any, review: events.EventTypeInfo, config: ProgramConfig):
    with pytest.raises(EventTypeNotFound):
        events.post_event("nope", shopper.pk, "x", config=config)
    with pytest.raises(InvalidInput):
        events.post_event("review", shopper.pk, " ", config=config)
    with pytest.raises(InvalidInput):
        events.post_event("review", shopper.pk, "x" * 129, config=config)


def test_points_expire_per_program_config(shopper: Any, review: events.EventTypeInfo):
    events.post_event("review", shopper.pk, "rev-1", config=ProgramConfig(pending_days=0, expiry_days=30), now=NOW)
    lot = PointLot.objects.get()
    assert lot.expires_at == NOW + timedelta(days=30)
