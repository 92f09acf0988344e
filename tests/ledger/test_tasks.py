"""The Celery tasks: eager (tests/celery_app.py from Django settings) and on a real Redis worker."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from saleor_loyalty import tasks
from saleor_loyalty.services import points
from saleor_loyalty.services.points import BatchResult, Owner
from tests.celery_app import app, make_worker_app

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def due_everything(owner: Owner, credit: Callable[..., Any]) -> Owner:
    """Points due to mature, a lot due to expire and a hold due to time out, all in the past."""
    past = timezone.now() - timedelta(days=10)
    credit(10, available_at=past + timedelta(days=1), now=past)
    credit(20, expires_at=past + timedelta(days=2), now=past)
    credit(30, now=past)
    points.hold_points_for_checkout(owner, "c-1", points=5, expires_at=past + timedelta(days=1), now=past)
    return owner


def test_tasks_run_eagerly_on_the_settings_app(due_everything: Owner) -> None:
    # given
    assert app.conf.task_always_eager

    # when
    matured = tasks.mature_pending_points_task.delay().get()
    expired = tasks.expire_points_task.delay().get()
    released = tasks.release_stale_holds_task.delay().get()
    again = [task.delay().get() for task in (tasks.mature_pending_points_task, tasks.expire_points_task,
                                             tasks.release_stale_holds_task)]

    # then
    assert (matured, expired, released) == (1, 1, 1)
    assert again == [0, 0, 0]
    balance = points.get_balance(due_everything)
    assert (balance.available, balance.pending, balance.held) == (40, 0, 0)


def test_tasks_loop_over_batches_up_to_a_cap(create_user: Callable[..., Any]) -> None:
    # given: three customers with due points, batches of one
    past = timezone.now() - timedelta(days=2)
    for index in range(3):
        owner = Owner.customer(create_user().pk)
        points.credit_points_for_order(owner, f"o-{index}", points=5, available_at=past + timedelta(days=1), now=past)

    # then
    assert tasks.mature_pending_points_task.delay(batch_size=1, max_batches=2).get() == 2
    assert tasks.mature_pending_points_task.delay(batch_size=1, max_batches=2).get() == 1


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection unexpectedly"), InterfaceError("connection already closed")],
)
def test_transient_database_errors_are_retried(db: None, error: Exception) -> None:
    # given: the first run loses its connection
    calls = [error, BatchResult(3, 0, False)]
    with mock.patch.object(points, "mature_due_points", side_effect=calls) as job:
        # when: throw=False lets the eager run go through Celery's retry path (settings propagate)
        result = tasks.mature_pending_points_task.apply(throw=False)

    # then
    assert result.get() == 3
    assert job.call_count == 2


def test_other_errors_are_not_retried(db: None) -> None:
    with mock.patch.object(points, "expire_due_points", side_effect=ValueError("a bug")) as job:
        result = tasks.expire_points_task.apply(throw=False)

    assert isinstance(result.result, ValueError)
    assert job.call_count == 1


def test_retry_policy_has_backoff_and_a_cap() -> None:
    task = tasks.release_stale_holds_task
    assert task.autoretry_for == (OperationalError, InterfaceError)
    assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (5, 300, 5)


@pytest.fixture
def redis_broker() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except (redis.exceptions.ConnectionError, OSError) as exc:
        pytest.skip(f"the Redis broker at {REDIS_URL} is unreachable ({exc}); start redis-server to run this test")
    return REDIS_URL


@pytest.fixture
def worker_cleanup() -> Iterator[None]:
    """The worker thread opens its own database connection: close it after each task. Starting a
    worker makes its app the current one: make the eager settings app current again afterwards."""

    def close(**_: Any) -> None:
        connection.close()

    task_postrun.connect(close, weak=False)
    try:
        yield
    finally:
        task_postrun.disconnect(close)
        app.set_current()
        app.set_default()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_tasks(
    redis_broker: str, worker_cleanup: None, create_user: Callable[..., Any]
) -> None:
    # given: committed data (the worker has its own connection) and a queue of our own
    past = timezone.now() - timedelta(days=2)
    owner = Owner.customer(create_user().pk)
    points.credit_points_for_order(owner, "o-1", points=7, available_at=past + timedelta(days=1), now=past)
    worker_app = make_worker_app(f"{redis_broker}/0", f"{redis_broker}/1")
    worker_app.conf.task_default_queue = f"saleor-loyalty-test-{uuid.uuid4()}"

    # when
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        first = worker_app.send_task("saleor_loyalty.tasks.mature_pending_points_task").get(timeout=30)
        second = worker_app.send_task("saleor_loyalty.tasks.mature_pending_points_task").get(timeout=30)

    # then
    assert (first, second) == (1, 0)
    assert points.get_balance(owner).available == 7
