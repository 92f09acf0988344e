"""Company tiers: a company qualifies for the program's tiers on its members' combined orders.

The same tiers and the same engine (``engine.tiers.select_tier``: immediate upgrades, grace
before a downgrade) as for single customers; only the figures differ. They come from the order
records whose ``company`` is the company (the company at the time of each order), in one
aggregate query for any number of companies:

* spend: goods paid net of refunds, ``goods_total - refunded_amount`` (never below zero), of
  paid orders (status ``paid``; cancelled and fully refunded orders count nothing) placed in
  the tier's window. Amounts are summed as recorded, like the customers' figures
  (``services.tiers``): spend thresholds are in the program's main currency;
* orders: the number of those orders; points: the points they earned;
* tenure: days since the company was created.

A member buys with the company's tier (``services.b2b.companies.get_membership().tier_id``), which
is how a company crossing a threshold gets the tier's price list on its next checkout. Call
``evaluate_company_tier`` after a company order is paid, refunded or cancelled;
``evaluate_company_tiers`` (a periodic task) moves companies down once their grace ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from ...engine import rules as engine
from ...engine.compiled import required_stats
from ...engine.tiers import get_tier_progress, select_tier
from ...engine.outcomes import TierChange
from ...engine.values import CustomerStats, StatKey, TierHint
from ...exceptions import CompanyNotFound
from ...models import Company, CompanyTierChange, OrderRecord, OrderStatus, Tier
from ..rules.loader import to_tier

__all__ = [
    "CompanyTierResult", "evaluate_company_tier", "evaluate_company_tiers", "get_company_stats",
    "get_company_tier_progress",
]

ZERO = Decimal(0)
_NET = ExpressionWrapper(
    Greatest(F("goods_total") - F("refunded_amount"), Value(ZERO)), output_field=DecimalField(max_digits=20, decimal_places=3)
)


@dataclass(frozen=True)
class CompanyTierResult:
    """The outcome of one evaluation; ``change`` is upgrade, downgrade, keep or none."""

    company_id: int
    tier_id: int | None
    previous_tier_id: int | None
    change: str
    reason: str
    grace_until: date | None
    progress: TierHint | None


def _load_tiers() -> list[engine.Tier]:
    return [to_tier(row) for row in Tier.objects.filter(is_active=True)]


def get_company_stats(
    company_ids: Iterable[int] | None, tiers: Sequence[engine.Tier], *, now: datetime
) -> dict[int, CustomerStats]:
    """The figures ``tiers`` need for each company (all companies for None), in one query.

    Companies without paid orders get zeros. Worked example: a company's two paid orders of
    6,000.00 and 5,000.00 in the last 365 days, the second refunded by 1,500.00, give a spend
    of 6,000.00 + 3,500.00 = 9,500.00 for a 365-day window, and 2 orders.
    """
    keys = required_stats(tiers)
    aggregates = {}
    for index, key in enumerate(keys):
        in_window = Q() if key.window_days is None else Q(placed_at__gte=now - timedelta(days=key.window_days))
        value = {
            engine.TierMetric.SPEND: Sum(_NET, filter=in_window),
            engine.TierMetric.ORDERS: Count("id", filter=in_window),
            engine.TierMetric.POINTS: Sum("points_earned", filter=in_window),
        }[key.metric]
        aggregates[f"stat_{index}"] = value
    companies = Company.objects.all() if company_ids is None else Company.objects.filter(pk__in=list(company_ids))
    created = dict(companies.values_list("id", "created_at"))
    rows: dict[int, dict[str, object]] = {}
    if aggregates:
        orders = OrderRecord.objects.filter(
            company_id__in=list(created), status=OrderStatus.PAID, placed_at__lte=now
        )
        rows = {row.pop("company_id"): row for row in orders.values("company_id").annotate(**aggregates)}
    return {
        company_id: _stats(keys, rows.get(company_id, {}), signed_up_on=created_at.date())
        for company_id, created_at in created.items()
    }


def _stats(keys: Sequence[StatKey], row: dict[str, object], *, signed_up_on: date) -> CustomerStats:
    values = tuple((key, Decimal(str(row.get(f"stat_{index}") or 0))) for index, key in enumerate(keys))
    return CustomerStats(values, signed_up_on)


def evaluate_company_tier(company_id: int, *, now: datetime | None = None) -> CompanyTierResult:
    """Re-read the company's figures and move it to the tier they give (upgrade at once,
    downgrade after the held tier's grace days); records a ``CompanyTierChange`` on a change."""
    now = now or timezone.now()
    tiers = _load_tiers()
    with transaction.atomic():
        company = Company.objects.select_for_update().filter(pk=company_id).first()
        if company is None:
            raise CompanyNotFound(f"no company {company_id}", field="company_id")
        stats = get_company_stats([company_id], tiers, now=now)[company_id]
        return _apply(company, stats, tiers, now=now)


def evaluate_company_tiers(*, now: datetime | None = None) -> list[CompanyTierResult]:
    """Evaluate every active company (one aggregate query); returns the companies that changed."""
    now = now or timezone.now()
    tiers = _load_tiers()
    changed = []
    with transaction.atomic():
        companies = list(Company.objects.select_for_update().filter(is_active=True).order_by("id"))
        stats = get_company_stats([company.pk for company in companies], tiers, now=now)
        for company in companies:
            result = _apply(company, stats[company.pk], tiers, now=now)
            if result.change in (TierChange.UPGRADE.value, TierChange.DOWNGRADE.value):
                changed.append(result)
    return changed


def get_company_tier_progress(company_id: int, *, now: datetime | None = None) -> TierHint | None:
    """How far the company is from the tier above the one it holds (None: it holds the top one)."""
    now = now or timezone.now()
    tier_id = Company.objects.filter(pk=company_id).values_list("tier_id", flat=True).first()
    if tier_id is None and not Company.objects.filter(pk=company_id).exists():
        raise CompanyNotFound(f"no company {company_id}", field="company_id")
    tiers = _load_tiers()
    stats = get_company_stats([company_id], tiers, now=now)[company_id]
    return get_tier_progress(stats, tiers, tier_id=tier_id, today=now.date())


def _apply(company: Company, stats: CustomerStats, tiers: Sequence[engine.Tier], *, now: datetime) -> CompanyTierResult:
    decision = select_tier(
        stats, tiers, current_tier_id=company.tier_id, below_since=company.tier_below_since, today=now.date()
    )
    previous = company.tier_id
    if decision.change in (TierChange.UPGRADE, TierChange.DOWNGRADE):
        names = dict(Tier.objects.filter(pk__in=[t for t in (previous, decision.tier_id) if t]).values_list("id", "name"))
        CompanyTierChange.objects.create(
            company=company, from_tier_id=previous, to_tier_id=decision.tier_id,
            from_tier_name=names.get(previous, ""), to_tier_name=names.get(decision.tier_id, ""),
            change=decision.change.value, reason=decision.reason, changed_at=now,
        )
        company.tier_id = decision.tier_id
        company.tier_since = now if decision.tier_id is not None else None
        company.tier_below_since = None
    elif decision.change is TierChange.KEEP:
        company.tier_below_since = decision.below_since
    else:
        company.tier_below_since = None
    company.updated_at = now
    company.save(update_fields=["tier", "tier_since", "tier_below_since", "updated_at"])
    return CompanyTierResult(company.pk, decision.tier_id, previous, decision.change.value, decision.reason,
                             decision.grace_until, decision.next_tier)
