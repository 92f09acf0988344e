"""Tier use cases: a customer's qualifying figures from the order records, and re-evaluation.

Figures come from ``OrderRecord`` with one aggregate query, whatever the number of tiers and
orders: spend (goods paid less refunds), order count and points earned over each rolling
window the tiers use. Only paid orders count (a fully refunded or cancelled order does not).
Spend is summed in the program's base currency: each order's net goods times the exchange rate
it recorded when paid (``OrderRecord.rate_to_base``; 1 for the base currency). An order paid in a
currency that had no rate yet is left out of spend (docs/channels.md); spend thresholds are in
the base currency.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.compiled import required_stats
from ..engine.rules import TierMetric
from ..engine.tiers import select_tier
from ..engine.outcomes import TierChange, TierDecision
from ..engine.values import CustomerStats, StatKey
from ..models import OrderRecord, OrderStatus, Tier, TierChangeRecord
from .customers import fetch_customer, get_or_create_state
from .rules.versions import get_compiled_rules

_MONEY = DecimalField(max_digits=20, decimal_places=3)
_ZERO = Value(Decimal(0), output_field=_MONEY)


def _aggregate_for(key: StatKey, now: datetime) -> tuple[str, object]:
    """The SQL aggregate of one figure, restricted to the key's rolling window."""
    window = Q() if key.window_days is None else Q(placed_at__gte=now - timedelta(days=key.window_days))
    name = f"{key.metric.value}_{key.window_days or 'all'}"
    if key.metric is TierMetric.SPEND:
        net = Greatest(F("goods_total") - F("refunded_amount"), _ZERO, output_field=_MONEY)
        # In the base currency, at the rate the order recorded when paid; no rate: left out.
        in_base = ExpressionWrapper(net * F("rate_to_base"), output_field=_MONEY)
        converted = window & Q(rate_to_base__isnull=False)
        return name, Coalesce(Sum(in_base, filter=converted), _ZERO, output_field=_MONEY)
    if key.metric is TierMetric.ORDERS:
        return name, Count("id", filter=window)
    return name, Coalesce(Sum(F("points_earned") - F("points_reversed"), filter=window), 0)


def get_customer_stats(user_id: int, keys: Sequence[StatKey], *, now: datetime) -> CustomerStats:
    """The figures ``keys`` name for one customer, in one query; tenure from the shop's sign-up date."""
    return get_customers_stats([user_id], keys, now=now)[user_id]


def get_customers_stats(user_ids: Collection[int], keys: Sequence[StatKey], *, now: datetime) -> dict[int, CustomerStats]:
    """``get_customer_stats`` for many customers: one grouped aggregate query for all of them.

    A customer without paid orders gets zeros. Tenure needs each customer's sign-up date, which
    the shop port gives one customer at a time (``fetch_customer``).
    """
    ids = list(dict.fromkeys(user_ids))
    aggregates = dict(_aggregate_for(key, now) for key in keys)
    rows: dict[int, dict[str, object]] = {}
    if aggregates and ids:
        grouped = (
            OrderRecord.objects.filter(user_id__in=ids, status=OrderStatus.PAID, placed_at__lte=now)
            .order_by()
            .values("user_id")
            .annotate(**aggregates)
        )
        rows = {row["user_id"]: row for row in grouped}
    stats = {}
    for user_id in ids:
        row = rows.get(user_id, {})
        values = {(key.metric, key.window_days): Decimal(str(row.get(_aggregate_for(key, now)[0], 0)))
                  for key in keys}
        signed_up_on = fetch_customer(user_id).date_joined.date()
        stats[user_id] = CustomerStats.from_mapping(values, signed_up_on=signed_up_on)
    return stats


def reevaluate_tier(user_id: int, *, config: ProgramConfig, now: datetime | None = None) -> TierDecision:
    """Decide the customer's tier now and store it; a change is kept in the tier history.

    Moving up is immediate; moving down waits for the held tier's grace days, counted from the
    first evaluation that found the customer below it (``below_since``, stored here). With tiers
    switched off nothing changes. Runs under the customer's row lock, so two evaluations of
    one customer never both record a change.
    """
    now = now or timezone.now()
    rules = get_compiled_rules(config)
    tiers = rules.tiers_by_rank
    stats = get_customer_stats(user_id, required_stats(tiers), now=now)
    with transaction.atomic():
        state = get_or_create_state(user_id, lock=True)
        current = state.tier_id if state.tier_id in rules.tiers_by_id else None
        decision = select_tier(
            stats, tiers, current_tier_id=current, below_since=state.below_since, today=now.date()
        )
        if not rules.terms.tiers_enabled:
            return decision
        changed = decision.change in (TierChange.UPGRADE, TierChange.DOWNGRADE) or (
            decision.tier_id != state.tier_id
        )
        if changed:
            _record_change(user_id, state.tier_id, decision, now=now)
            state.tier_id = decision.tier_id
            state.tier_since = now if decision.tier_id is not None else None
        state.below_since = decision.below_since if decision.tier_id is not None else None
        state.updated_at = now
        state.save(update_fields=["tier", "tier_since", "below_since", "updated_at"])
    return decision


def _record_change(user_id: int, from_tier_id: int | None, decision: TierDecision, *, now: datetime) -> None:
    names = dict(Tier.objects.filter(pk__in=[from_tier_id, decision.tier_id]).values_list("id", "name"))
    from_rank = Tier.objects.filter(pk=from_tier_id).values_list("rank", flat=True).first()
    to_rank = Tier.objects.filter(pk=decision.tier_id).values_list("rank", flat=True).first()
    if decision.change in (TierChange.UPGRADE, TierChange.DOWNGRADE):
        change = decision.change.value
    else:
        # The held tier vanished from the rules (deactivated): moving to a tier or to none.
        change = "upgrade" if to_rank is not None and (from_rank is None or to_rank > from_rank) else "downgrade"
    TierChangeRecord.objects.create(
        user_id=user_id,
        from_tier_id=from_tier_id,
        to_tier_id=decision.tier_id,
        from_tier_name=names.get(from_tier_id, ""),
        to_tier_name=names.get(decision.tier_id, ""),
        change=change,
        reason=decision.reason,
        changed_at=now,
    )
