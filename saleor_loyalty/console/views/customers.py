"""Customers: find one by email or id; their balance, tier, statement and referrals; adjust points.

Reads go through ``services.points``, ``accounts_read`` and ``referrals_read``; the adjustment
through ``services.points_admin.adjust_customer_points``, as ``loyaltyPointsAdjust`` does. Each
rendered adjustment form carries a fresh idempotency key, so a double click (or a reload that
re-posts) books one entry. Needs MANAGE_USERS.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import LoyaltyError
from ...services import accounts_read, points
from ...services.points import admin as points_admin
from ...services.referrals import summary as referrals_read
from ...services.accounts_read import AccountFilter
from ..page import Page, field_errors

KEY_NAMESPACE = "console:points-adjust:"
STATEMENT_PAGE = 20
SEARCH_LIMIT = 50


def customer_list(page: Page) -> HttpResponse:
    query = page.request.GET.get("q", "").strip()
    found: list[dict[str, Any]] = []
    if query:
        found = _search(query)
    return page.render("customers.html", {"query": query, "found": found,
                                          "adjustments": points_admin.list_adjustments(limit=20)})


def _search(query: str) -> list[dict[str, Any]]:
    users = get_user_model()._default_manager
    ids: list[int] = []
    bare = query.removeprefix("User:")
    if bare.isdigit():
        ids = list(users.filter(pk=int(bare)).values_list("pk", flat=True))
    else:
        if "@" in query:  # an exact email finds a customer who has no points account yet
            ids = list(users.filter(email__iexact=query).values_list("pk", flat=True))
        accounts = accounts_read.list_customer_accounts(AccountFilter(search=query)).order_by("user_id")
        ids += [user_id for user_id in accounts.values_list("user_id", flat=True)[:SEARCH_LIMIT] if user_id not in ids]
    ids = ids[:SEARCH_LIMIT]
    balances = points.get_customer_balances(ids)
    tiers = accounts_read.get_customer_tiers(ids)
    people = {user.pk: user for user in users.filter(pk__in=ids)}
    return [
        {"user": people[user_id], "balance": balances.get(user_id), "tier": tiers.get(user_id)}
        for user_id in ids if user_id in people
    ]


def customer_detail(page: Page, customer_id: str) -> HttpResponse:
    user = get_user_model()._default_manager.filter(pk=int(customer_id)).first()
    if user is None:
        raise Http404
    context: dict[str, Any] = {"values": {"points": "", "reason": ""}, "errors": {}, "general": []}
    if page.request.method == "POST":
        outcome = _adjust(page, user.pk)
        if outcome is None:
            return page.redirect(f"customers/{user.pk}/", notice="adjusted")
        context.update(outcome)
    return page.render("customer.html", {**_customer_context(page, user), **context,
                                         "idempotency_key": secrets.token_urlsafe(16)})


def _adjust(page: Page, user_id: int) -> dict[str, Any] | None:
    """Book the posted adjustment; None when booked (or replayed), else the form's errors."""
    data = page.request.POST
    raw_points = data.get("points", "").strip()
    values = {"points": raw_points, "reason": data.get("reason", "")}
    try:
        amount = int(raw_points)
    except ValueError:
        return {"values": values, "errors": {"points": [_("Enter a whole number of points, e.g. 50 or -20.")]},
                "general": []}
    try:
        points_admin.adjust_customer_points(
            user_id, amount, reason=values["reason"], staff_user_id=page.requestor.user_id or 0,
            idempotency_key=data.get("idempotency_key") or None, key_namespace=KEY_NAMESPACE,
        )
    except LoyaltyError as exc:
        errors, general = field_errors(exc)
        if "idempotency_key" in errors:
            general += errors.pop("idempotency_key")
        return {"values": values, "errors": errors, "general": general + ([] if errors or general else [exc.message]),
                "error_code": exc.code}
    return None


def _customer_context(page: Page, user: Any) -> dict[str, Any]:
    owner = points.Owner.customer(user.pk)
    before = page.request.GET.get("before")
    statement = points.get_statement(owner, limit=STATEMENT_PAGE,
                                     before_entry_id=int(before) if before and before.isdigit() else None)
    config = page.config
    standing = accounts_read.get_tier_standing(user.pk, config=config, now=timezone.now())
    tiers = {tier.pk: tier for tier in _tiers_for(standing)}
    progress = None
    if standing.next_tier is not None:
        hint = standing.next_tier
        share = 0 if not hint.need else min(100, int(hint.have * 100 / hint.need))
        progress = {"tier": tiers.get(hint.tier_id), "have": hint.have, "need": hint.need, "missing": hint.missing,
                    "metric": hint.metric.value, "window_days": hint.window_days, "percent": share}
    return {
        "customer": user,
        "balance": statement.balance,
        "statement": statement.lines,
        "next_before": statement.next_before_id,
        "tier": tiers.get(standing.tier_id) if standing.tier_id else None,
        "grace_until": standing.grace_until,
        "progress": progress,
        "referrals": referrals_read.get_referral_summary(user.pk, config=config),
        "adjustments": points_admin.list_adjustments(user_id=user.pk, limit=20),
    }


def _tiers_for(standing: accounts_read.TierStanding) -> list[Any]:
    from ...services.rules.admin import list_tiers

    wanted = {standing.tier_id, standing.next_tier.tier_id if standing.next_tier else None} - {None}
    return [tier for tier in list_tiers() if tier.pk in wanted] if wanted else []
