"""Custom events: staff-defined event types (a review, a survey answered, a store visit...) and
the postings that credit them, once per event id (docs/rules.md, "Custom events")."""

from .admin import EventTypeInfo, create_event_type, deactivate_event_type, list_event_types, update_event_type
from .postings import EventPostResult, post_event

__all__ = [
    "EventPostResult", "EventTypeInfo", "create_event_type", "deactivate_event_type", "list_event_types",
    "post_event", "update_event_type",
]
