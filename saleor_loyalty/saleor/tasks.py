"""Schedule the follow-ups of an order event (``services.order_events``) as Celery tasks.

Scheduled with ``transaction.on_commit`` so a worker sees the committed order and ledger, and a
rolled-back order schedules nothing. The tasks take ids and the configuration as JSON items and
are idempotent (one credit per order), so a retry or a repeated event credits once. With
``CELERY_TASK_ALWAYS_EAGER`` (Saleor without a broker, its tests) they run right after the commit
in the same process.

The order row already says what is due (the outbox) before anything is queued: a broker that
refuses the message is logged here and the periodic ``deliver_order_work_task`` delivers it.
This module imports the tasks; the tasks import nothing of it (no circle).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from kombu.exceptions import KombuError

from .. import tasks
from ..config import ProgramConfig, config_as_items
from ..services.order_events import CreditOrder, FollowUp, RefreshOrderOwners

logger = logging.getLogger(__name__)


def schedule_follow_ups(follow_ups: Iterable[FollowUp], config: ProgramConfig) -> None:
    """Queue each follow-up's task once the current transaction commits."""
    items = config_as_items(config)
    for follow_up in follow_ups:
        if isinstance(follow_up, CreditOrder):
            transaction.on_commit(_delayer(tasks.credit_order_task, follow_up.order_id, items))
        elif isinstance(follow_up, RefreshOrderOwners):
            transaction.on_commit(_delayer(tasks.refresh_order_owners_task, follow_up.order_id, items))
        else:
            raise TypeError(f"no task runs {follow_up!r}")


def _delayer(task: Any, *args: Any) -> Callable[[], None]:
    # Saleor's task class (RestrictWriterDBTask) refuses writer-DB queries outside
    # ``allow_writer`` (its tests; production logs them): each task body opens it itself
    # (``saleor_loyalty.tasks.loyalty_task``), in a worker and in an eager run alike.
    def delay() -> None:
        try:
            task.delay(*args)
        except (KombuError, OSError):
            # The broker is unreachable (kombu's OperationalError after its publish retries):
            # the outbox row keeps the work; the shopper's mutation must not fail for it.
            logger.warning(
                "Loyalty could not queue %s%s; the delivery sweep will run it", task.name, args[:1], exc_info=True
            )

    return delay
