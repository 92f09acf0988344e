"""Nothing lost when the broker or a worker fails: real Redis, real Celery workers in processes of
their own (``tests/worker_process.py``), the order outbox and its sweep (``deliver_order_work_task``).

Each case ends with exactly one credit and at most one reversal per order, and ``loyalty_reconcile``
clean. Skipped with a reason when Redis is unreachable; every wait is bounded.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.management.commands.loyalty_reconcile import find_ledger_problems
from saleor_loyalty.models import LedgerEntry, LedgerTransaction, OrderRecord, TransactionKind
from saleor_loyalty.saleor.tasks import schedule_follow_ups
from saleor_loyalty.services import points
from saleor_loyalty.services.order_events import CreditOrder, OrderEvent, handle_order_event
from saleor_loyalty.shop import set_shop
from tests.celery_app import app, make_worker_app
from tests.services.helpers import make_order
from tests.worker_process import UserTableShop

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/3"
CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the broker is "down"
CONFIG = ProgramConfig()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def broker() -> str:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except (redis.exceptions.ConnectionError, OSError) as exc:
        pytest.skip(f"the Redis broker at {REDIS_URL} is unreachable ({exc}); start redis-server to run this test")
    return REDIS_URL


def _database_url() -> str:
    """The test database as a URL for the worker process (``devdb.parse_database_url`` reads it):
    a TCP host, or the embedded server's socket directory as ``?host=``."""
    from urllib.parse import quote

    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or ""
    if host.startswith("/"):
        netloc = f"{settings['USER']}@" + (f":{port}" if port else "")
        return f"postgres://{netloc}/{settings['NAME']}?host={quote(host)}"
    return f"postgres://{settings['USER']}@{host}:{port or 5432}/{settings['NAME']}"


class Workers:
    """Start worker processes on one queue; send them tasks; kill them."""

    def __init__(self, broker: str) -> None:
        self.queue = f"saleor-loyalty-delivery-{uuid.uuid4()}"
        self.client = make_worker_app(broker, broker)
        self.client.conf.task_default_queue = self.queue
        self.broker = broker
        self.processes: list[subprocess.Popen[str]] = []
        self.log: list[str] = []  # every worker's log lines

    def start(self) -> subprocess.Popen[str]:
        env = {**os.environ, "DATABASE_URL": _database_url(), "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.worker_process", self.broker, self.queue], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        self.processes.append(process)
        ready = threading.Event()

        def watch() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                self.log.append(line)
                if " ready." in line:
                    ready.set()

        threading.Thread(target=watch, daemon=True).start()
        if not ready.wait(60):
            raise AssertionError("the worker did not start within 60 s")
        return process

    def send(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.client.send_task(f"saleor_loyalty.tasks.{name}", args=args, kwargs=kwargs, queue=self.queue)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


@pytest.fixture
def workers(broker: str, transactional_db: None) -> Iterator[Workers]:
    set_shop(UserTableShop())  # type: ignore[arg-type]
    started = Workers(broker)
    try:
        yield started
    finally:
        started.stop()
        set_shop(None)
        app.set_current()
        app.set_default()


@pytest.fixture
def buyer(create_user: Callable[..., Any], transactional_db: None) -> Any:
    return create_user(email="buyer@example.com")


def _pay(order_id: str, user: Any, goods: str = "120.00") -> tuple[CreditOrder, ...]:
    """``order_created`` then the credit event, committed; returns the follow-ups to schedule."""
    now = timezone.now()
    facts = make_order(order_id, user, placed_at=now, goods=goods)
    handle_order_event(OrderEvent.CREATED, order_id=order_id, facts=facts, config=CONFIG, now=now)
    outcome = handle_order_event(OrderEvent.PAID, order_id=order_id, config=CONFIG, now=now)
    return outcome.follow_ups  # type: ignore[return-value]


def _deliver(workers: Workers) -> dict[str, int]:
    return workers.send("deliver_order_work_task", grace_minutes=0).get(timeout=60)  # type: ignore[no-any-return]


def _earns(order_id: str) -> int:
    return LedgerTransaction.objects.filter(idempotency_key=f"order:{order_id}:earn").count()


def _reversed_points(order_id: str) -> list[int]:
    reversals = LedgerTransaction.objects.filter(kind=TransactionKind.REVERSE, order_id=order_id)
    return [sum(LedgerEntry.objects.filter(transaction=reversal, points__gt=0).values_list("points", flat=True))
            for reversal in reversals]


def _problems() -> list[str]:
    return [f"[{problem.check}] {problem.message}" for problem in find_ledger_problems(grace=timedelta(0))]


def _pending(user: Any) -> int:
    return points.get_balance(points.Owner.customer(user.pk)).pending


class RowLock:
    """Hold the order's row lock from a connection of the test's own, so a worker's credit blocks."""

    def __init__(self) -> None:
        url = _database_url().replace("postgres://", "postgresql://")
        self.conn = psycopg.connect(url, autocommit=False)
        # Polled from a second connection: inside a transaction pg_stat_activity is a snapshot.
        self.watcher = psycopg.connect(url, autocommit=True)

    def take(self, order_id: str) -> None:
        self.conn.execute("SELECT 1 FROM loyalty_order WHERE order_id = %s FOR UPDATE", (order_id,))

    def waiting_backend(self, timeout: float = 30) -> int:
        """The pid of the backend that waits for this lock (the worker inside the credit)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                " AND query ILIKE %s",
                ("%loyalty_order%",),
            ).fetchone()
            if row is not None:
                return int(row[0])
            time.sleep(0.1)
        raise AssertionError("no worker waited for the order's row lock")

    def terminate(self, pid: int) -> None:
        self.watcher.execute("SELECT pg_terminate_backend(%s)", (pid,))

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()

    def close(self) -> None:
        self.release()
        self.watcher.close()


@pytest.fixture
def row_lock(transactional_db: None) -> Iterator[RowLock]:
    lock = RowLock()
    try:
        yield lock
    finally:
        lock.close()  # before the test database is flushed, even when the test failed


def test_an_order_paid_while_the_broker_is_down_is_credited_by_the_sweep(
    workers: Workers, buyer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given the broker is unreachable when the order is paid
    down = make_worker_app(CLOSED_PORT_BROKER, CLOSED_PORT_BROKER)
    down.conf.result_backend = None  # as in Saleor's settings: no result store, only the broker
    down.set_current()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="saleor_loyalty"), transaction.atomic():
        schedule_follow_ups(_pay("o1", buyer), CONFIG)
    app.set_current()
    assert time.monotonic() - started < 30
    assert "could not queue" in caplog.text  # logged; the shopper's mutation carried on
    assert not OrderRecord.objects.get(order_id="o1").credited
    assert [p for p in _problems() if "paid but not credited" in p]

    # when the broker is back and the periodic sweep runs on a worker
    workers.start()
    delivered = _deliver(workers)

    # then
    assert delivered["credited"] == 1 and delivered["failed"] == 0
    assert (_earns("o1"), _pending(buyer)) == (1, 120)
    assert _deliver(workers)["credited"] == 0
    assert _problems() == []


def test_a_worker_killed_inside_the_credit_leaves_it_to_the_sweep(
    workers: Workers, row_lock: RowLock, buyer: Any
) -> None:
    # given a worker blocked inside the credit on the order's row lock
    _pay("o1", buyer)
    lock = row_lock
    lock.take("o1")
    victim = workers.start()
    workers.send("credit_order_task", "o1")
    lock.waiting_backend()

    # when it is killed (kill -9) and the lock released
    victim.kill()
    victim.wait(10)
    lock.release()
    time.sleep(1)

    # then nothing was credited, reconcile says so, and the sweep credits it once
    assert _earns("o1") == 0
    assert [p for p in _problems() if "paid but not credited" in p]
    workers.start()
    assert _deliver(workers)["credited"] == 1
    assert (_earns("o1"), _pending(buyer)) == (1, 120)
    assert _problems() == []


def test_the_same_task_delivered_twice_credits_once(workers: Workers, buyer: Any) -> None:
    # given two deliveries of one credit, picked up at once by two worker threads
    _pay("o1", buyer)
    workers.start()

    # when
    results = [workers.send("credit_order_task", "o1") for _ in range(2)]

    # then both report the order's points, and there is one credit
    assert [result.get(timeout=60) for result in results] == [120, 120]
    assert (_earns("o1"), _pending(buyer)) == (1, 120)
    assert _deliver(workers) == {"cancelled": 0, "refunded": 0, "credited": 0, "captured": 0, "refreshed": 0,
                                 "failed": 0}
    assert _problems() == []


def test_a_lost_database_connection_inside_the_task_is_retried(
    workers: Workers, row_lock: RowLock, buyer: Any
) -> None:
    # given a worker waiting inside the credit
    _pay("o1", buyer)
    lock = row_lock
    lock.take("o1")
    workers.start()
    result = workers.send("credit_order_task", "o1")
    backend = lock.waiting_backend()

    # when its database connection is terminated, and the lock released
    lock.terminate(backend)
    lock.release()

    # then the task's retry (transient error, backoff of at most 5 s) credits once
    assert result.get(timeout=60) == 120
    assert any("Retry in" in line and "terminating connection" in line for line in workers.log), workers.log
    assert (_earns("o1"), _pending(buyer)) == (1, 120)
    assert _problems() == []


def test_a_cancel_and_a_refund_at_the_same_moment_reverse_once(workers: Workers, buyer: Any) -> None:
    # given a credited order
    _pay("o1", buyer)
    workers.start()
    assert workers.send("credit_order_task", "o1").get(timeout=60) == 120
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def at_once(event: OrderEvent, refunded: Decimal | None = None) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait(10)
                handle_order_event(event, order_id="o1", refunded_amount=refunded, config=CONFIG)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        return run

    # when the cancellation and the full refund arrive together (two connections)
    threads = [threading.Thread(target=at_once(OrderEvent.CANCELLED)),
               threading.Thread(target=at_once(OrderEvent.REFUNDED, Decimal("120.00")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # then one of them reversed all 120 points, the other nothing; the sweep finds nothing left
    assert errors == []
    assert (_earns("o1"), _reversed_points("o1"), _pending(buyer)) == (1, [120], 0)
    record = OrderRecord.objects.get(order_id="o1")
    assert (record.status, record.refunded_amount) == ("cancelled", Decimal("120.00"))
    delivered = _deliver(workers)
    assert (delivered["cancelled"], delivered["refunded"], delivered["credited"]) == (0, 0, 0)
    assert OrderRecord.objects.get(order_id="o1").follow_up_due_at is None
    assert _problems() == []
