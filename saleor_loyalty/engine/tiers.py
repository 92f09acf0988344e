"""Tiers (VIP levels): which tier a customer should hold, and how far the next one is.

A customer qualifies for a tier when their figure for the tier's metric (spend, orders or points
over the tier's rolling window, or tenure in days) reaches its threshold; they qualify for the
highest-ranked tier they reach (each tier is judged on its own metric, so a lower tier need not
be reached first). Moving up is immediate. Moving down waits for the held tier's
``grace_days``, counted from the first evaluation that found the customer below it
(``below_since``, which the caller stores and passes back); when the grace ends the customer
goes to the tier they qualify for then, possibly several levels down or out of the program's
tiers. Qualifying again during the grace clears it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from .rules import Tier
from .outcomes import TierChange, TierDecision
from .values import CustomerStats, TierHint


def _ranked(tiers: Sequence[Tier]) -> list[Tier]:
    return sorted(tiers, key=lambda tier: tier.rank)


def get_qualified_tier(stats: CustomerStats, tiers: Sequence[Tier], *, today: date) -> Tier | None:
    """The highest-ranked tier whose threshold ``stats`` reach (None: none reached).

    Raises ``MissingStat`` when ``stats`` lacks a figure a tier needs (see ``required_stats``).
    """
    for tier in reversed(_ranked(tiers)):
        if stats.get(tier.metric, tier.window_days, today=today) >= tier.threshold:
            return tier
    return None


def get_tier_progress(stats: CustomerStats, tiers: Sequence[Tier], *, tier_id: int | None, today: date) -> TierHint | None:
    """Progress towards the tier ranked just above ``tier_id`` (the lowest tier for no tier).

    >>> from saleor_loyalty.engine.rules import TierMetric
    >>> gold = Tier(2, "Gold", 2, TierMetric.SPEND, Decimal("1000"), window_days=365)
    >>> stats = CustomerStats.from_mapping({(TierMetric.SPEND, 365): Decimal("640.50")})
    >>> get_tier_progress(stats, [gold], tier_id=None, today=date(2025, 1, 1)).missing
    Decimal('359.50')
    """
    ranked = _ranked(tiers)
    current = next((tier for tier in ranked if tier.id == tier_id), None)
    above = [tier for tier in ranked if current is None or tier.rank > current.rank]
    if not above:
        return None
    target = above[0]
    have = stats.get(target.metric, target.window_days, today=today)
    return TierHint(
        tier_id=target.id,
        metric=target.metric,
        window_days=target.window_days,
        have=have,
        need=target.threshold,
        missing=max(target.threshold - have, Decimal(0)),
    )


def select_tier(
    stats: CustomerStats,
    tiers: Sequence[Tier],
    *,
    current_tier_id: int | None,
    below_since: date | None,
    today: date,
) -> TierDecision:
    """Decide the tier a customer holds today (see the module doc for the rules).

    Worked example: Silver (rank 1, 500 spend/365 days) and Gold (rank 2, 1000 spend/365 days,
    30 grace days). A Gold customer whose spend fell to 700 on 1 March keeps Gold with
    ``below_since`` 1 March and ``grace_until`` 31 March; evaluated again on 31 March still at
    700, they move down to Silver (reason ``grace-ended``).
    """
    ranked = _ranked(tiers)
    current = next((tier for tier in ranked if tier.id == current_tier_id), None)
    qualified = get_qualified_tier(stats, ranked, today=today)
    qualified_id = qualified.id if qualified else None

    def decide(tier: Tier | None, change: TierChange, reason: str, since: date | None = None, until: date | None = None) -> TierDecision:
        tier_id = tier.id if tier else None
        progress = get_tier_progress(stats, ranked, tier_id=tier_id, today=today)
        return TierDecision(tier_id, current_tier_id, qualified_id, change, reason, since, until, progress)

    if current is None:
        # An unknown current tier (deleted from the rules) counts as no tier.
        if qualified is None:
            return decide(None, TierChange.NONE, "not-qualified")
        return decide(qualified, TierChange.UPGRADE, f"qualified:tier={qualified.id}")
    if qualified is not None and qualified.rank > current.rank:
        return decide(qualified, TierChange.UPGRADE, f"qualified:tier={qualified.id}")
    if qualified is not None and qualified.rank == current.rank:
        return decide(current, TierChange.KEEP, "qualified")
    since = below_since or today
    grace_until = since + timedelta(days=current.grace_days)
    if today < grace_until:
        return decide(current, TierChange.KEEP, f"grace:until={grace_until.isoformat()}", since, grace_until)
    reason = "grace-ended" if current.grace_days else "below-threshold"
    return decide(qualified, TierChange.DOWNGRADE, reason)
