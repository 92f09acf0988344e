"""Builders shared by the service tests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from saleor_loyalty.services.orders import OrderFacts, OrderLineFacts


def make_order(
    order_id: str, user: Any, *, placed_at: datetime, goods: str = "100.00", shipping: str = "0",
    lines: list[tuple[int, int, str]] | None = None, currency: str = "EUR", channel: str = "default",
    checkout_token: str = "", voucher_code: str = "",
) -> OrderFacts:
    """An order whose lines are (variant id, quantity, paid total); one line of the goods by default."""
    lines = lines or [(1, 1, goods)]
    return OrderFacts(
        order_id=order_id,
        user_id=user.pk if user is not None else None,
        email=(user.email or f"user{user.pk}@example.com") if user is not None else "guest@example.com",
        channel=channel,
        currency=currency,
        goods_total=Decimal(goods),
        shipping=Decimal(shipping),
        placed_at=placed_at,
        lines=tuple(
            OrderLineFacts(f"l{index}", variant_id, variant_id * 10, (1,), quantity, Decimal(paid))
            for index, (variant_id, quantity, paid) in enumerate(lines)
        ),
        checkout_token=checkout_token,
        voucher_code=voucher_code,
    )
