"""Metrics fixtures: order records made directly (the fact table the Saleor adapter fills)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.models import OrderRecord, OrderStatus

_order_ids = itertools.count(1)


@pytest.fixture
def make_order(db: None) -> Callable[..., OrderRecord]:
    """An order record: ``make_order(user, "2025-03-05", "100.00", shipping="5.00", ...)``.

    ``user`` None with an ``email`` is a guest checkout; None without one is anonymous.
    """

    def make(
        user: Any,
        placed_on: str,
        goods_total: str,
        *,
        shipping: str = "0",
        refunded: str = "0",
        status: str = OrderStatus.PAID,
        channel: str = "web",
        currency: str = "EUR",
        email: str = "",
        company: Any = None,
        lines: list[dict[str, Any]] | None = None,
        order_id: str | None = None,
    ) -> OrderRecord:
        placed_at = datetime.fromisoformat(placed_on if "T" in placed_on else f"{placed_on}T12:00:00+00:00")
        return OrderRecord.objects.create(
            order_id=order_id or f"order-{next(_order_ids)}",
            user=user,
            email=email or (getattr(user, "email", "") if user is not None else ""),
            company=company,
            channel=channel,
            currency=currency,
            goods_total=Decimal(goods_total),
            shipping=Decimal(shipping),
            refunded_amount=Decimal(refunded),
            status=status,
            placed_at=placed_at,
            paid_at=placed_at if status != OrderStatus.PLACED else None,
            lines=lines or [],
        )

    return make


def at(text: str) -> datetime:
    """``at("2025-03-05")`` is noon UTC that day; a full ISO timestamp is taken as is."""
    return datetime.fromisoformat(text if "T" in text else f"{text}T12:00:00+00:00")

