"""Read-only views of customers' loyalty standing for the API: account lists and tier progress.

Nothing here writes. The list is a queryset of customer point accounts the adapter pages by
keyset; balances come from ``points.get_customer_balances`` (one query per page) and tiers
from ``get_customer_tiers`` (one query per page), so a page costs the same for 1 or 100 rows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet, Sum

from ..config import ProgramConfig
from ..engine.compiled import required_stats
from ..engine.tiers import select_tier
from ..engine.values import TierHint
from ..models import CustomerLoyalty, LoyaltyAccount, OwnerKind, PointLot, Tier
from .rules.versions import get_compiled_rules
from .tiers import get_customers_stats

# Fields of the user model a staff search looks in, when the model has them (Saleor's
# ``account.User`` has no username; Django's default user has no ``first_name`` index...).
_SEARCH_FIELDS = ("email", "username", "first_name", "last_name")


@dataclass(frozen=True)
class AccountFilter:
    """What a staff member narrows the account list by; every given condition must hold."""

    search: str | None = None
    tier_ids: tuple[int, ...] | None = None
    has_debt: bool | None = None
    customer_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class TierStanding:
    """The tier a customer holds, the next one up and what is missing to reach it.

    ``grace_until`` is set while a customer who fell below their tier keeps it for its grace days.
    """

    tier_id: int | None
    next_tier: TierHint | None
    grace_until: date | None


def list_customer_accounts(account_filter: AccountFilter) -> QuerySet[LoyaltyAccount]:
    """The customers' point accounts that match ``account_filter`` (unordered; the caller pages).

    Accounts of deleted customers (kept for their history) are left out. ``has_debt`` looks at
    the account's own balance: a company member's points live in the company's account.
    """
    accounts = LoyaltyAccount.objects.filter(owner_kind=OwnerKind.CUSTOMER, user__isnull=False)
    if account_filter.customer_ids is not None:
        accounts = accounts.filter(user_id__in=account_filter.customer_ids)
    if account_filter.has_debt is not None:
        accounts = accounts.filter(available__lt=0) if account_filter.has_debt else accounts.filter(available__gte=0)
    if account_filter.tier_ids is not None:
        holders = CustomerLoyalty.objects.filter(tier_id__in=account_filter.tier_ids).values("user_id")
        accounts = accounts.filter(user_id__in=holders)
    search = (account_filter.search or "").strip()
    if search:
        user_fields = {field.name for field in get_user_model()._meta.get_fields()}
        condition = Q()
        for name in _SEARCH_FIELDS:
            if name in user_fields:
                condition |= Q(**{f"user__{name}__icontains": search})
        accounts = accounts.filter(condition)
    return accounts


def get_customer_tiers(user_ids: Collection[int]) -> dict[int, Tier]:
    """The tier each customer holds (customers without one are left out), in one query."""
    rows = CustomerLoyalty.objects.filter(user_id__in=list(user_ids), tier__isnull=False).select_related(
        "tier", "tier__price_list"
    )
    return {row.user_id: row.tier for row in rows if row.tier is not None}


def get_tier_standing(user_id: int, *, config: ProgramConfig, now: datetime) -> TierStanding:
    """The customer's tier and their progress to the next one, decided as re-evaluation would.

    Read only: a customer the figures would move is moved by ``tiers.reevaluate_tier`` (after
    an order), not by reading. See ``get_tier_standings`` for the cost.
    """
    return get_tier_standings([user_id], config=config, now=now)[user_id]


def get_tier_standings(user_ids: Collection[int], *, config: ProgramConfig, now: datetime) -> dict[int, TierStanding]:
    """``get_tier_standing`` of many customers (a page of accounts): the tier states in one query,
    the figures in one grouped aggregate, and the shop's customer lookup per customer; nothing
    but the states when tiers are off or none are defined."""
    ids = list(dict.fromkeys(user_ids))
    states = {user_id: (tier_id, below_since) for user_id, tier_id, below_since in
              CustomerLoyalty.objects.filter(user_id__in=ids).values_list("user_id", "tier_id", "below_since")}
    rules = get_compiled_rules(config)
    tiers = rules.tiers_by_rank
    if not rules.terms.tiers_enabled or not tiers:
        return {user_id: TierStanding(states.get(user_id, (None, None))[0], None, None) for user_id in ids}
    all_stats = get_customers_stats(ids, required_stats(tiers), now=now)
    standings = {}
    for user_id in ids:
        tier_id, below_since = states.get(user_id, (None, None))
        current = tier_id if tier_id in rules.tiers_by_id else None
        decision = select_tier(all_stats[user_id], tiers, current_tier_id=current, below_since=below_since,
                               today=now.date())
        standings[user_id] = TierStanding(tier_id, decision.next_tier, decision.grace_until)
    return standings


@dataclass(frozen=True)
class NextExpiry:
    """The soonest expiry of an account's points: ``points`` expire on the (UTC) day of ``expires_at``."""

    points: int
    expires_at: datetime


def get_next_expiry(account_id: int | None, *, now: datetime) -> NextExpiry | None:
    """How many of the account's points expire next, and when; None when none will.

    Counts what is left of every lot (spendable or still pending) whose expiry falls on the same
    UTC day as the soonest one after ``now``, so a shopper reads "320 points expire on 1 March"
    even when several orders' points expire that day. ``expires_at`` is the earliest of them.
    Two queries, whatever the number of lots. Example: lots of 200 (expiring 1 March 09:00),
    120 (1 March 18:00) and 50 (2 April) -> ``NextExpiry(320, 1 March 09:00)``.
    """
    if account_id is None:
        return None
    live = PointLot.objects.filter(account_id=account_id, remaining__gt=0, expires_at__gt=now)
    first = live.order_by("expires_at").values_list("expires_at", flat=True).first()
    if first is None:
        return None
    day_start = first.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    total = live.filter(expires_at__lt=day_start + timedelta(days=1)).aggregate(points=Sum("remaining"))["points"]
    return NextExpiry(points=int(total or 0), expires_at=first)


def count_members() -> int:
    """Customers with a points account (their own; a company's pool is one account of its own)."""
    return LoyaltyAccount.objects.filter(owner_kind=OwnerKind.CUSTOMER, user__isnull=False).count()


def count_members_by_tier() -> list[tuple[Tier | None, int]]:
    """How many customers hold each tier, by rank, and (``None``) how many hold none (two queries).

    "None" counts customers with a points account and no tier; every tier is listed, empty or not.
    """
    from django.db.models import Count

    held = dict(
        CustomerLoyalty.objects.filter(tier__isnull=False).values_list("tier_id").annotate(n=Count("id")).values_list("tier_id", "n")
    )
    members_with_tier = CustomerLoyalty.objects.filter(tier__isnull=False).values("user_id")
    without = (
        LoyaltyAccount.objects.filter(owner_kind=OwnerKind.CUSTOMER, user__isnull=False)
        .exclude(user_id__in=members_with_tier)
        .count()
    )
    return [(None, without), *((tier, held.get(tier.pk, 0)) for tier in Tier.objects.order_by("rank", "id"))]
