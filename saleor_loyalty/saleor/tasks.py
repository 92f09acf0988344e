"""Work that can wait after an order event, handed to the Celery tasks in ``saleor_loyalty.tasks``.

Scheduled with ``transaction.on_commit`` so a worker sees the committed order and ledger, and a
rolled-back order schedules nothing. The tasks take ids and the configuration as JSON items;
they are idempotent (one credit per order), so a retry or a repeated event credits once.
With ``CELERY_TASK_ALWAYS_EAGER`` (Saleor without a broker, its tests) they run right after
the commit in the same process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from ..config import ProgramConfig, config_as_items


def _delay_on_commit(task: Any, *args: Any) -> None:
    transaction.on_commit(_delayer(task, args))


def _delayer(task: Any, args: tuple[Any, ...]) -> Callable[[], None]:
    # Saleor's task class (RestrictWriterDBTask) refuses writer-DB queries outside
    # ``allow_writer`` (its tests; production logs them): each task body opens it itself
    # (``saleor_loyalty.tasks.loyalty_task``), in a worker and in an eager run alike.
    def delay() -> None:
        task.delay(*args)

    return delay


def schedule_order_credit(order_id: str, config: ProgramConfig) -> None:
    """Credit the recorded order, then re-evaluate its customer's and its company's tier."""
    from ..tasks import credit_order_task

    _delay_on_commit(credit_order_task, order_id, config_as_items(config))


def schedule_customer_refresh(user_id: int, config: ProgramConfig) -> None:
    """Re-evaluate the customer's tier and refresh the balance mirrored into their metadata."""
    from ..tasks import refresh_customer_task

    _delay_on_commit(refresh_customer_task, user_id, config_as_items(config))


def schedule_company_tier(company_id: int) -> None:
    """Re-evaluate a company's tier after one of its orders was cancelled or refunded."""
    from ..tasks import evaluate_company_tier_task

    _delay_on_commit(evaluate_company_tier_task, company_id)
