"""Tiers: qualification by metric and window, upgrades, grace before downgrades, progress."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from saleor_loyalty.engine.compiled import required_stats
from saleor_loyalty.engine.errors import InvalidRule, MissingStat
from saleor_loyalty.engine.rules import RuleSet, Tier, TierMetric
from saleor_loyalty.engine.tiers import get_qualified_tier, get_tier_progress, select_tier
from saleor_loyalty.engine.outcomes import TierChange
from saleor_loyalty.engine.values import CustomerStats, StatKey

from .builders import D

M = TierMetric
SILVER = Tier(1, "Silver", 1, M.SPEND, D(500), window_days=365, grace_days=30)
GOLD = Tier(2, "Gold", 2, M.SPEND, D(1000), window_days=365, grace_days=30)
VIP = Tier(3, "VIP", 3, M.ORDERS, D(20), window_days=90, grace_days=0)
TIERS = (GOLD, VIP, SILVER)  # deliberately not in rank order
TODAY = date(2025, 3, 1)


def stats(spend="0", orders="0", signed_up_on=None):
    return CustomerStats.from_mapping({(M.SPEND, 365): D(spend), (M.ORDERS, 90): D(orders)}, signed_up_on=signed_up_on)


@pytest.mark.parametrize(
    ("figures", "tier_id"),
    [
        (stats("0"), None),
        (stats("499.99"), None),
        (stats("500"), 1),
        (stats("999.99"), 1),
        (stats("1000"), 2),
        (stats("0", orders="20"), 3),  # the VIP tier is judged on orders alone
        (stats("5000", orders="19"), 2),
    ],
)
def test_qualification_picks_the_highest_rank_reached(figures, tier_id):
    tier = get_qualified_tier(figures, TIERS, today=TODAY)
    assert (tier.id if tier else None) == tier_id


@pytest.mark.parametrize(
    ("signed_up_on", "qualifies"),
    [(None, False), (TODAY - timedelta(days=364), False), (TODAY - timedelta(days=365), True), (TODAY + timedelta(days=3), False)],
)
def test_tenure_is_counted_in_days_from_sign_up(signed_up_on, qualifies):
    veteran = Tier(5, "Veteran", 1, M.TENURE, D(365))
    figures = CustomerStats((), signed_up_on=signed_up_on)
    assert (get_qualified_tier(figures, [veteran], today=TODAY) is veteran) is qualifies


# (id, figures, current tier, below_since, expected tier, change, reason, below_since stored, grace_until)
DECISIONS = [
    ("newcomer below every tier", stats("10"), None, None, None, TierChange.NONE, "not-qualified", None, None),
    ("newcomer qualifies", stats("600"), None, None, 1, TierChange.UPGRADE, "qualified:tier=1", None, None),
    ("upgrade is immediate, skipping levels", stats("1500"), None, None, 2, TierChange.UPGRADE, "qualified:tier=2", None, None),
    ("silver to gold", stats("1200"), 1, None, 2, TierChange.UPGRADE, "qualified:tier=2", None, None),
    ("keeps a tier still reached", stats("1200"), 2, None, 2, TierChange.KEEP, "qualified", None, None),
    ("requalifying clears a running grace", stats("1200"), 2, TODAY - timedelta(days=10), 2, TierChange.KEEP, "qualified", None, None),
    ("falls below: grace starts today", stats("700"), 2, None, 2, TierChange.KEEP, "grace:until=2025-03-31", TODAY, date(2025, 3, 31)),
    (
        "still in grace",
        stats("700"),
        2,
        TODAY - timedelta(days=29),
        2,
        TierChange.KEEP,
        "grace:until=2025-03-02",
        TODAY - timedelta(days=29),
        date(2025, 3, 2),
    ),
    ("grace ended: down to the tier reached", stats("700"), 2, TODAY - timedelta(days=30), 1, TierChange.DOWNGRADE, "grace-ended", None, None),
    ("grace ended: out of the tiers", stats("100"), 2, TODAY - timedelta(days=45), None, TierChange.DOWNGRADE, "grace-ended", None, None),
    ("no grace: down at once", stats("0", orders="3"), 3, None, None, TierChange.DOWNGRADE, "below-threshold", None, None),
    ("a tier no longer in the rules counts as none", stats("600"), 99, None, 1, TierChange.UPGRADE, "qualified:tier=1", None, None),
]


@pytest.mark.parametrize(
    ("figures", "current", "below_since", "tier_id", "change", "reason", "stored_since", "grace_until"),
    [case[1:] for case in DECISIONS],
    ids=[case[0] for case in DECISIONS],
)
def test_select_tier(figures, current, below_since, tier_id, change, reason, stored_since, grace_until):
    decision = select_tier(figures, TIERS, current_tier_id=current, below_since=below_since, today=TODAY)
    assert (decision.tier_id, decision.change, decision.reason) == (tier_id, change, reason)
    assert (decision.below_since, decision.grace_until) == (stored_since, grace_until)
    assert decision.previous_tier_id == current


def test_the_decision_carries_progress_to_the_next_tier():
    decision = select_tier(stats("640.50"), TIERS, current_tier_id=1, below_since=None, today=TODAY)
    hint = decision.next_tier
    assert (hint.tier_id, hint.metric, hint.window_days, hint.have, hint.need, hint.missing) == (2, M.SPEND, 365, D("640.50"), D(1000), D("359.50"))


@pytest.mark.parametrize(
    ("tier_id", "next_id", "missing"),
    [(None, 1, D("500")), (1, 2, D("1000")), (2, 3, D("20")), (3, None, None)],
)
def test_progress_names_the_tier_just_above(tier_id, next_id, missing):
    hint = get_tier_progress(stats("0"), TIERS, tier_id=tier_id, today=TODAY)
    assert (hint.tier_id if hint else None) == next_id
    assert (hint.missing if hint else None) == missing


def test_progress_never_reports_a_negative_gap():
    # In a grace period the customer may be above the next tier's figure on another metric.
    hint = get_tier_progress(stats("5000", orders="25"), (SILVER, VIP), tier_id=None, today=TODAY)
    assert hint.missing == Decimal(0)


def test_a_missing_figure_is_an_error_not_a_zero():
    figures = CustomerStats.from_mapping({(M.SPEND, 365): D(100)})
    with pytest.raises(MissingStat):
        select_tier(figures, TIERS, current_tier_id=None, below_since=None, today=TODAY)


def test_required_stats_lists_each_metric_and_window_once():
    assert required_stats(TIERS + (Tier(7, "T", 7, M.TENURE, D(1)), Tier(8, "G2", 8, M.SPEND, D(9), window_days=365))) == (
        StatKey(M.ORDERS, 90),
        StatKey(M.SPEND, 365),
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: Tier(1, "T", 1, M.TENURE, D(1), window_days=30),
        lambda: Tier(1, "T", 1, M.SPEND, D(-1)),
        lambda: Tier(1, "T", 1, M.SPEND, D(1), window_days=0),
        lambda: Tier(1, "T", 1, M.SPEND, D(1), grace_days=-1),
        lambda: Tier(1, "T", 1, "spend", D(1)),
        lambda: RuleSet("v", tiers=(SILVER, Tier(9, "Other", 1, M.SPEND, D(1)))),  # two tiers share a rank
    ],
)
def test_bad_tiers_are_refused(build):
    with pytest.raises(InvalidRule):
        build()
