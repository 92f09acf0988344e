"""Celery tasks: the periodic ledger and B2B jobs, and the order and customer follow-ups the
Saleor adapter schedules. Saleor autodiscovers this module beside the plugin. Tasks take ids
(and the plugin's configuration as JSON items), never model instances.

Each job runs batches of ``batch_size`` until nothing is due, a batch makes no progress, or
``max_batches`` ran (the next periodic run carries on). Safe to run twice or concurrently:
accounts locked by someone else are skipped (SKIP LOCKED), what is due is re-read under the
account lock, and every write has an idempotency key. Only transient database errors
(``OperationalError``: deadlock, serialization failure, lost connection; ``InterfaceError``: a
connection already closed) are retried, with
exponential backoff and a cap; anything else is a bug and fails loudly.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .apps import is_inside_saleor
from .config import ProgramConfig, parse_program_config
from .services import orders, points, tiers
from .services.b2b import company_tiers, rebate_codes, rebates
from .services.points import BatchResult

logger = logging.getLogger(__name__)

# A lost connection (InterfaceError: "connection already closed") is as transient as a deadlock.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)

RETRY_POLICY = {
    "autoretry_for": TRANSIENT_DB_ERRORS,
    "retry_backoff": 5,  # seconds, doubled on each retry
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


_R = TypeVar("_R")


def _writer_allowed() -> contextlib.AbstractContextManager[Any]:
    """Inside Saleor, ``allow_writer()``: Saleor's task class refuses (its tests) or logs
    (production) queries to the writer database outside it, and every job here writes. A no-op
    without Saleor."""
    if not is_inside_saleor():
        return contextlib.nullcontext()
    from saleor.core.db.connection import allow_writer

    return allow_writer()  # type: ignore[no-any-return]


def loyalty_task(func: Callable[..., _R]) -> Any:
    """A Celery task (``shared_task``, transient errors retried) whose body may use the writer database."""

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> _R:
        with _writer_allowed():
            return func(*args, **kwargs)

    return shared_task(**RETRY_POLICY)(run)


def _run_batches(name: str, job: Callable[..., BatchResult], *, batch_size: int, max_batches: int) -> int:
    processed = 0
    for _ in range(max_batches):
        result = job(batch_size=batch_size)
        processed += result.processed
        if result.skipped_accounts:
            logger.info("%s: skipped %s accounts locked elsewhere", name, result.skipped_accounts)
        if not result.has_more or result.processed == 0:
            break
    else:
        logger.info("%s: stopped after %s batches; the next run carries on", name, max_batches)
    logger.info("%s: %s processed", name, processed)
    return processed


@loyalty_task
def mature_pending_points_task(batch_size: int = 500, max_batches: int = 20) -> int:
    """Make pending points available once their return window is over; returns lots matured."""
    return _run_batches("mature_pending_points", points.mature_due_points, batch_size=batch_size,
                        max_batches=max_batches)


@loyalty_task
def expire_points_task(batch_size: int = 500, max_batches: int = 20) -> int:
    """Write off what is left of lots past their expiry; returns lots expired."""
    return _run_batches("expire_points", points.expire_due_points, batch_size=batch_size, max_batches=max_batches)


@loyalty_task
def release_stale_holds_task(batch_size: int = 500, max_batches: int = 20) -> int:
    """Release holds whose checkout did not become an order in time; returns holds released."""
    return _run_batches("release_stale_holds", points.release_stale_holds, batch_size=batch_size,
                        max_batches=max_batches)


# --- B2B: company tiers and volume rebates (docs/b2b.md) ------------------------------------


@loyalty_task
def close_rebate_periods_task() -> int:
    """Close every rebate period that is over, for all companies at once, and pay what is still
    pending; returns the periods closed. Running it twice closes and pays nothing twice."""
    results = rebates.close_due_rebate_periods()
    for result in results:
        logger.info("rebate program %s: closed %s, %s statements, %s credited", result.program_id,
                    result.period_start, result.statements, result.credited)
    # Rebates paid as a code become vouchers now (and any an earlier run failed to issue).
    issued = rebate_codes.issue_rebate_codes()
    if issued.issued or issued.failed:
        logger.info("rebate codes: %s issued, %s failed (retried next run)", issued.issued, issued.failed)
    return len(results)


@loyalty_task
def evaluate_company_tiers_task() -> int:
    """Re-evaluate every active company's tier (grace periods end without any order); returns
    how many companies changed tier."""
    changed = company_tiers.evaluate_company_tiers()
    logger.info("company tiers: %s changed", len(changed))
    return len(changed)


@loyalty_task
def evaluate_company_tier_task(company_id: int) -> int | None:
    """Re-evaluate one company's tier after one of its orders was paid, refunded or cancelled;
    returns the tier it holds now (None: none)."""
    return company_tiers.evaluate_company_tier(company_id).tier_id


# --- orders and customers (scheduled by the Saleor adapter after its transaction commits) ---


ConfigItems = Sequence[Mapping[str, Any]] | Mapping[str, Any] | None


def _program_config(config: ConfigItems) -> ProgramConfig:
    """The plugin's configuration as the adapter passed it (``config_as_items``: JSON), or the defaults."""
    return ProgramConfig() if config is None else parse_program_config(config)


def _in_saleor() -> bool:
    """Inside Saleor (a worker too): its shop adapter is registered and its metadata mirrored."""
    if not is_inside_saleor():
        return False
    from .saleor.shop import register

    register()  # a worker process may not have loaded the plugin yet
    return True


def _refresh_customer(user_id: int, config: ProgramConfig) -> int | None:
    in_saleor = _in_saleor()
    decision = tiers.reevaluate_tier(user_id, config=config)
    if in_saleor:
        from .saleor.metadata import mirror_customer_metadata

        mirror_customer_metadata(user_id)
    return decision.tier_id


@loyalty_task
def credit_order_task(order_id: str, config: ConfigItems = None) -> int:
    """Credit a recorded order's points, then re-evaluate its customer's tier (and refresh what is
    mirrored for them) and its company's tier; returns the points the order earned.

    Idempotent: the credit happens once per order however often this runs, and re-evaluating is
    safe to repeat, so a retry after a failure half-way finishes the work. An order never
    recorded raises ``OrderNotFound`` (not retried): record it before scheduling this.
    """
    program = _program_config(config)
    _in_saleor()
    result = orders.credit_order(order_id, config=program)
    order = orders.get_order(order_id)
    if order.user_id is not None:
        _refresh_customer(order.user_id, program)
    if order.company_id is not None:
        company_tiers.evaluate_company_tier(order.company_id)
    logger.info("order %s: %s points%s", order_id, result.points, "" if result.created else " (credited before)")
    return result.points


@loyalty_task
def refresh_customer_task(user_id: int, config: ConfigItems = None) -> int | None:
    """Re-evaluate the customer's tier and refresh what is mirrored for them (Saleor's user
    metadata, inside Saleor); returns the tier they hold now (None: none)."""
    return _refresh_customer(user_id, _program_config(config))
