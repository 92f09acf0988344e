"""A Celery app for the tests, configured from Django settings (eager: CELERY_TASK_ALWAYS_EAGER).

Inside Saleor the tasks bind to ``saleor.celeryconf.app``; here ``shared_task`` binds them to
this app. ``make_worker_app`` builds a separate, non-eager app for tests with a real worker.
"""

from __future__ import annotations

from celery import Celery

app = Celery("saleor_loyalty_tests")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["saleor_loyalty"])


def make_worker_app(broker_url: str, result_backend: str) -> Celery:
    """A non-eager app on a real broker, for a test that runs a worker thread."""
    worker_app = Celery("saleor_loyalty_worker_tests", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(
        broker_url=broker_url,
        result_backend=result_backend,
        task_always_eager=False,
        broker_connection_retry_on_startup=False,
        worker_hijack_root_logger=False,
    )
    return worker_app
