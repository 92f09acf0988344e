"""Companies: create and edit, members with roles and per-member redemption limits, the shared
points pool and the company tier. Every write is the company mutations' service call
(``services.companies``, as staff: ``Actor.staff``). Needs MANAGE_USERS, as those mutations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ...exceptions import LoyaltyError
from ...models import Company, CompanyRole, Tier
from ...services import points
from ...services.b2b import companies, company_tiers
from ..page import Page, field_errors

ROLES = [(role.value, role.label) for role in CompanyRole]


def _optional_int(raw: str, field: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit():
        from ...exceptions import InvalidInput

        raise InvalidInput(_("%(field)s: must be a whole number") % {"field": field}, field=field)
    return int(raw)


def company_list(page: Page) -> HttpResponse:
    values = {"name": "", "slug": "", "customer_type_id": ""}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if page.request.method == "POST":
        post = page.request.POST
        values = {name: post.get(name, "") for name in values}
        try:
            created = companies.create_company(
                values["name"], slug=values["slug"].strip() or None,
                customer_type_id=_optional_int(values["customer_type_id"], "customer_type_id"),
            )
        except LoyaltyError as exc:
            errors, general = field_errors(exc)
        else:
            return page.redirect(f"companies/{created.company_id}/", notice="created")
    search = page.request.GET.get("q", "").strip()
    return page.render("companies.html", {
        "companies": companies.list_companies(search=search, limit=200), "q": search,
        "values": values, "errors": errors, "general": general,
    }, status=400 if errors or general else 200)


def company_detail(page: Page, pk: str) -> HttpResponse:
    company = Company.objects.filter(pk=int(pk)).first()
    if company is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if page.request.method == "POST":
        action = _ACTIONS.get(page.request.POST.get("action", ""))
        if action is None:
            general = [_("Unknown action.")]
        else:
            try:
                action(company.pk, page.request.POST)
            except LoyaltyError as exc:
                errors, general = field_errors(exc)
                general = general + [f"{name}: {message}" if not message.startswith(name) else message
                                     for name, messages in errors.items() for message in messages]
            else:
                return page.redirect(f"companies/{company.pk}/", notice="saved")
    staff = companies.Actor.staff(page.requestor.user_id)
    info = companies.get_company(company.pk, by=staff)
    progress = company_tiers.get_company_tier_progress(company.pk, now=timezone.now())
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    return page.render("company.html", {
        "company": info, "members": companies.list_members(company.pk, by=staff), "roles": ROLES,
        "pool": points.get_balance(points.Owner.company(company.pk)),
        "tier": tiers.get(info.tier_id) if info.tier_id else None,
        "progress": progress, "next_tier": tiers.get(progress.tier_id) if progress else None,
        "general": general,
    }, status=400 if general else 200)


def _save_company(company_id: int, post: Any) -> None:
    companies.update_company(
        company_id, name=post.get("name", ""), slug=post.get("slug", ""),
        customer_type_id=_optional_int(post.get("customer_type_id", ""), "customer_type_id"),
        is_active=post.get("is_active") == "on",
    )


def _add_member(company_id: int, post: Any) -> None:
    who = post.get("user", "").strip()
    users = get_user_model()._default_manager
    user_id = int(who) if who.isdigit() else users.filter(email__iexact=who).values_list("pk", flat=True).first()
    if user_id is None:
        from ...exceptions import InvalidInput

        raise InvalidInput(_("user: no customer with this email or id"), field="user_id")
    companies.add_member(company_id, user_id, by=companies.Actor.staff(), role=post.get("role", "buyer"),
                         redemption_limit=_optional_int(post.get("redemption_limit", ""), "redemption_limit"))


def _update_member(company_id: int, post: Any) -> None:
    user_id = int(post.get("user_id", "0") or 0)
    staff = companies.Actor.staff()
    limit = _optional_int(post.get("redemption_limit", ""), "redemption_limit")
    with transaction.atomic():  # one form, one change: a refused limit leaves the role as it was
        companies.set_member_role(company_id, user_id, post.get("role", ""), by=staff)
        companies.set_member_redemption_limit(company_id, user_id, limit, by=staff)


def _remove_member(company_id: int, post: Any) -> None:
    companies.remove_member(company_id, int(post.get("user_id", "0") or 0), by=companies.Actor.staff())


_ACTIONS: dict[str, Callable[[int, Any], None]] = {
    "save": _save_company, "add-member": _add_member, "update-member": _update_member,
    "remove-member": _remove_member,
}
