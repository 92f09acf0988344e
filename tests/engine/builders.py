"""Builders for engine tests: small functions with defaults, so each test states only what matters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from saleor_loyalty.engine.compiled import CompiledRuleSet, compile_rules
from saleor_loyalty.engine.rules import (
    Audience,
    PriceBreak,
    PriceList,
    PriceListEntry,
    ProgramTerms,
    RuleSet,
    TargetKind,
)
from saleor_loyalty.engine.values import Cart, CartLine, CustomerSnapshot

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.date()


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def line(
    line_id: str = "l1",
    *,
    variant: int = 10,
    product: int = 100,
    categories: Iterable[int] = (1000,),
    quantity: int = 1,
    price: str = "10.00",
) -> CartLine:
    return CartLine(line_id, variant, product, tuple(categories), None, quantity, D(price))


def cart(*lines: CartLine, currency: str = "EUR", channel: str = "default", **kwargs: Any) -> Cart:
    return Cart(channel, currency, tuple(lines), **kwargs)


def customer(**kwargs: Any) -> CustomerSnapshot:
    values: dict[str, Any] = {
        "user_id": 1,
        "email": "buyer@example.com",
        "customer_type_id": None,
        "company_id": None,
        "tier_id": None,
        "orders_count": 3,
        "signed_up_on": date(2024, 1, 1),
        "birthday": None,
    }
    values.update(kwargs)
    return CustomerSnapshot(**values)


def brk(min_quantity: int, *, fixed: str | None = None, percent: str | None = None) -> PriceBreak:
    return PriceBreak(
        min_quantity,
        fixed_price=None if fixed is None else D(fixed),
        percent_off=None if percent is None else D(percent),
    )


def entry(entry_id: int, *breaks: PriceBreak, kind: TargetKind = TargetKind.VARIANT, target: int | None = 10) -> PriceListEntry:
    return PriceListEntry(entry_id, kind, None if kind is TargetKind.ALL else target, tuple(breaks))


def price_list(list_id: int, *entries: PriceListEntry, audience: Audience | None = None, **kwargs: Any) -> PriceList:
    kwargs.setdefault("currency", "EUR")
    return PriceList(list_id, f"list {list_id}", audience or Audience.everyone(), entries=tuple(entries), **kwargs)


def compiled(*, terms: ProgramTerms | None = None, **kwargs: Any) -> CompiledRuleSet:
    return compile_rules(RuleSet("test", terms=terms or ProgramTerms(), **kwargs))
