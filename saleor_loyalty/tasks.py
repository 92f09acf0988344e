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
from datetime import timedelta
from typing import Any, TypeVar

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .apps import is_inside_saleor
from .config import ProgramConfig, parse_program_config
from .services import order_delivery, order_events, points, tiers
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
    """Release holds whose checkout did not become an order in time; returns holds released.

    Holds of checkouts that did become orders are captured first (never released: their
    discount was spent)."""
    order_delivery.capture_placed_order_holds(cutoff=timezone.now(), batch_size=batch_size)
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


@loyalty_task
def grant_birthday_bonuses_task(day: str | None = None) -> int:
    """The daily birthday job (``services.birthdays.grant_birthday_bonuses``) for ``day``
    (ISO date; default today in the shop's time zone); returns bonuses credited. Safe to run
    again the same day: every credit has its own idempotency key."""
    from datetime import date as date_type

    from django.utils import timezone

    from .services import birthdays

    when = date_type.fromisoformat(day) if day else timezone.localdate()
    return birthdays.grant_birthday_bonuses(when, config=get_program_config(None)).credited


@loyalty_task
def take_liability_snapshots_task() -> int:
    """The daily liability snapshot (``services.liability``): every ended day since the last one,
    so a missed run is filled in; returns the days written. Safe to run again."""
    from .services import liability

    return liability.take_missing_snapshots(config=get_program_config(None))


# --- orders and customers (follow-ups of services.order_events; docs/hooks.md "Delivery") ----


ConfigItems = Sequence[Mapping[str, Any]] | Mapping[str, Any] | None


def get_program_config(config: ConfigItems) -> ProgramConfig:
    """The plugin's configuration as the adapter passed it (``config_as_items``: JSON); without
    it (the periodic sweep) the plugin's stored configuration inside Saleor, else the defaults."""
    if config is not None:
        return parse_program_config(config)
    if is_inside_saleor():
        from .saleor.configuration import load_program_config

        return load_program_config()
    return ProgramConfig()


def get_mirror() -> order_events.Mirror | None:
    """Inside Saleor, the balance and tier mirrored into the user's metadata; nothing elsewhere."""
    if not is_inside_saleor():
        return None
    from .saleor.metadata import mirror_customer_metadata

    return mirror_customer_metadata


def _run(follow_up: order_events.FollowUp, config: ConfigItems) -> list[order_events.FollowUpDone]:
    return order_events.run_follow_ups((follow_up,), config=get_program_config(config), mirror=get_mirror())


@loyalty_task
def credit_order_task(order_id: str, config: ConfigItems = None) -> int:
    """Credit a recorded order's points, then re-evaluate its customer's tier (and refresh what is
    mirrored for them) and its company's tier; returns the points the order earned.

    Idempotent: the credit happens once per order however often this runs, and the refresh is
    marked on the order with the credit, so a retry, a second delivery or the delivery sweep
    finishes the work without doubling it. An order never recorded raises ``OrderNotFound``
    (not retried): the adapter records it before scheduling this.
    """
    done = _run(order_events.CreditOrder(order_id), config)
    credit = done[0].credit
    points_earned = credit.points if credit is not None else 0
    logger.info("order %s: %s points%s", order_id, points_earned,
                "" if credit is not None and credit.created else " (credited before or cancelled)")
    return points_earned


@loyalty_task
def refresh_order_owners_task(order_id: str, config: ConfigItems = None) -> None:
    """After an order's points changed (cancel, refund): its customer's tier and mirror, its
    company's tier."""
    _run(order_events.RefreshOrderOwners(order_id), config)


@loyalty_task
def refresh_customer_task(user_id: int, config: ConfigItems = None) -> int | None:
    """Re-evaluate the customer's tier and refresh what is mirrored for them (Saleor's user
    metadata, inside Saleor); returns the tier they hold now (None: none)."""
    decision = tiers.reevaluate_tier(user_id, config=get_program_config(config))
    mirror = get_mirror()
    if mirror is not None:
        mirror(user_id)
    return decision.tier_id


@loyalty_task
def deliver_order_work_task(grace_minutes: int = 10, batch_size: int = 200) -> dict[str, int]:
    """The outbox sweep: deliver every order event's work still due ``grace_minutes`` after it
    was recorded - credits, cancellations, refunds, uncaptured points of placed orders, owner
    refreshes - exactly once each (``services.order_delivery``); returns the counts."""
    result = order_delivery.deliver_due_order_work(
        config=get_program_config(None), grace=timedelta(minutes=grace_minutes), batch_size=batch_size,
        mirror=get_mirror(),
    )
    if result.total or result.failed:
        logger.info("order delivery: %s", result.as_dict())
    return result.as_dict()
