"""Our Celery tasks under Saleor's task class, which refuses writer-database queries outside
``allow_writer()`` in Saleor's test settings (production logs them): each task opens it itself."""

from __future__ import annotations

import pytest

from saleor_loyalty import tasks
from saleor_loyalty.services import points


def test_saleor_refuses_writer_queries_outside_allow_writer(db):
    from saleor.account.models import User
    from saleor.celeryconf import app
    from saleor.core.db.connection import UnsafeWriterAccessError

    @app.task
    def bare_writer_query():
        return User.objects.using("default").count()

    # The restriction is on, so the next test's passing means something.
    with pytest.raises(UnsafeWriterAccessError):
        bare_writer_query.apply(throw=True).get()


def test_periodic_and_customer_tasks_run_as_a_worker_would(loyalty_plugin, customer_user):
    points.credit_bonus(points.Owner.customer(customer_user.pk), "test:bonus", points=30, reason="test")

    # apply(): the task's own call path, not the adapter's on-commit scheduling
    assert tasks.mature_pending_points_task.apply(throw=True).get() == 0
    assert tasks.release_stale_holds_task.apply(throw=True).get() == 0
    assert tasks.refresh_customer_task.apply(args=[customer_user.pk], throw=True).get() is None

    customer_user.refresh_from_db()
    assert customer_user.get_value_from_metadata("loyalty.points_available") == "30"
