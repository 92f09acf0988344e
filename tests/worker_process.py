"""A real Celery worker in a process of its own, for tests that kill it (``kill -9``) or cut its
database connection: ``python -m tests.worker_process BROKER_URL QUEUE``.

It runs the test settings against the test database (``DATABASE_URL``, set by the test) with a
shop that reads customers from the user table, so the credit finds the customer the test made.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection

from saleor_loyalty.shop import CheckoutView, CustomerView, VariantView


class UserTableShop:
    """The shop port over Django's user table: customers only (what crediting an order needs)."""

    def fetch_customer(self, user_id: int) -> CustomerView | None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            return None
        return CustomerView(user.pk, user.email or f"user{user.pk}@example.com", None, user.date_joined, None, 0)

    def fetch_checkout(self, token: str) -> CheckoutView | None:
        return None

    def fetch_variants(self, channel: str, variant_ids: Collection[int]) -> dict[int, VariantView]:
        return {}

    def attach_discount(self, token: str, *, code: str, amount: object, currency: str,
                        percent: object = None) -> None:
        raise NotImplementedError

    def detach_discount(self, token: str, code: str) -> None:
        raise NotImplementedError


def main(broker_url: str, queue: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from saleor_loyalty.shop import set_shop
    from tests.celery_app import make_worker_app

    set_shop(UserTableShop())  # type: ignore[arg-type]
    app = make_worker_app(broker_url, broker_url)
    app.set_current()
    app.set_default()
    app.autodiscover_tasks(["saleor_loyalty"], force=True)
    app.worker_main(["worker", "--pool=threads", "--concurrency=2", "-Q", queue, "--without-heartbeat",
                     "--without-mingle", "--without-gossip", "--loglevel=INFO", "-n", f"{queue}@%h"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
