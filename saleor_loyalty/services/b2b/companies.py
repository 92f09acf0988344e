"""Company use cases (B2B): companies, their members and roles, and what a member buys as.

A company has members (customers) who are its ``admin``s or ``buyer``s, an optional Saleor
customer type its members buy as, and one shared points account: every member's orders earn
into it and members redeem from it (``services.points.get_account_for_customer`` decides).
docs/b2b.md has the rules; the decisions that matter most:

* Joining keeps the customer's personal account as it is (its points stay theirs, unusable
  while they are a member, and usable again if they leave); new earnings go to the company.
  Leaving keeps the company's points with the company.
* Members are managed by the company's admins or by staff (``Actor``); staff permission itself
  (``MANAGE_USERS``) is the adapter's to check. A company that has members keeps at least one
  admin.
* A member's ``redemption_limit`` caps the points they redeem from the shared pool per calendar
  month; ``services.b2b.company_limits.check_member_redemption`` enforces it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from ...exceptions import (
    AlreadyInCompany,
    CompanyInUse,
    CompanyMemberNotFound,
    CompanyNotFound,
    CompanyPermissionDenied,
    InvalidInput,
    LastCompanyAdmin,
    NotCompanyMember,
)
from ...models import Company, CompanyMember, CompanyRole, Tier
from .company_checks import check_customer_type, check_limit, check_name, check_role, check_slug, unique_slug
from .company_values import (
    Actor,
    BuyerContext,
    CompanyInfo,
    MemberInfo,
    MembershipInfo,
    company_info,
    member_info,
)

__all__ = [
    "Actor", "BuyerContext", "CompanyInfo", "MemberInfo", "MembershipInfo",
    "add_member", "authorize", "check_limit", "check_role", "create_company", "join_company", "lock_company", "delete_company",
    "get_buyer_context", "get_company", "get_member", "get_membership", "list_companies",
    "list_members", "remove_member", "set_member_redemption_limit",
    "set_member_role", "update_company",
]


# --- companies ------------------------------------------------------------------------------

_UNSET: Any = object()


def create_company(
    name: str, *, slug: str | None = None, customer_type_id: int | None = None, now: datetime | None = None
) -> CompanyInfo:
    """Create an active company with no members. ``slug`` defaults to the name's, made unique
    with a number (``acme``, ``acme-2``); a slug given and already taken is refused."""
    now = now or timezone.now()
    clean_name = check_name(name)
    check_customer_type(customer_type_id)
    chosen = unique_slug(clean_name) if slug is None else check_slug(slug, company_id=None)
    try:
        with transaction.atomic():
            company = Company.objects.create(
                name=clean_name, slug=chosen, customer_type_id=customer_type_id, updated_at=now
            )
    except IntegrityError:
        # A concurrent create took the slug between the check and the insert (loyalty_company_slug_unique).
        raise InvalidInput(f"slug {chosen!r} was just taken by another company; try again", field="slug") from None
    return company_info(company)


def update_company(
    company_id: int,
    *,
    name: str = _UNSET,
    slug: str = _UNSET,
    customer_type_id: int | None = _UNSET,
    is_active: bool = _UNSET,
    now: datetime | None = None,
) -> CompanyInfo:
    """Change the named fields only. A deactivated company keeps its members and points, but
    its members cannot redeem and it gets no rebates until it is active again."""
    with transaction.atomic():
        company = lock_company(company_id)
        if name is not _UNSET:
            company.name = check_name(name)
        if slug is not _UNSET:
            company.slug = check_slug(slug, company_id=company_id)
        if customer_type_id is not _UNSET:
            company.customer_type_id = check_customer_type(customer_type_id)
        if is_active is not _UNSET:
            company.is_active = bool(is_active)
        company.updated_at = now or timezone.now()
        company.save()
    return company_info(company)


def delete_company(company_id: int) -> None:
    """Delete a company that never had points, price lists or rebates; else ``CompanyInUse``."""
    with transaction.atomic():
        company = lock_company(company_id)
        try:
            with transaction.atomic():
                company.delete()
        except ProtectedError:
            raise CompanyInUse(
                f"company {company_id} has points, price lists or rebate statements; deactivate it instead",
                field="company_id",
            ) from None


def get_company(company_id: int, *, by: Actor) -> CompanyInfo:
    """The company, for staff or one of its members (``NotCompanyMember`` for anyone else)."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise CompanyNotFound(f"no company {company_id}", field="company_id")
    authorize(company_id, by, admin=False)
    return company_info(company)


def list_companies(
    *, search: str = "", include_inactive: bool = True, limit: int | None = None
) -> tuple[CompanyInfo, ...]:
    """Companies by name (staff); ``search`` matches name or slug, case-insensitively."""
    found = Company.objects.all()
    if search:
        found = found.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    if not include_inactive:
        found = found.filter(is_active=True)
    if limit is not None:
        found = found[:limit]
    return tuple(company_info(company) for company in found)


# --- members --------------------------------------------------------------------------------


def add_member(
    company_id: int,
    user_id: int,
    *,
    by: Actor,
    role: str = "buyer",
    redemption_limit: int | None = None,
    now: datetime | None = None,
) -> MemberInfo:
    """Staff add a customer to the company directly; a customer belongs to one company at most.

    A company admin (a customer) cannot: joining moves the customer's future earnings into the
    company's pool, so it needs their consent. Admins invite instead
    (``services.company_invitations``) and the invitee accepts. The customer's personal account
    is left as it is (see the module doc); from now on their orders earn into the company's.
    """
    role = check_role(role)
    check_limit(redemption_limit)
    if not by.is_staff:
        # Refused before any lookup, so the answer says nothing about the customer named.
        raise CompanyPermissionDenied(
            "company admins invite customers (loyaltyCompanyInvitationCreate); they join by accepting",
            field="company_id",
        )
    with transaction.atomic():
        lock_company(company_id)
        if not get_user_model().objects.filter(pk=user_id).exists():
            raise InvalidInput(f"no customer {user_id}", field="user_id")
        return join_company(company_id, user_id, role=role, redemption_limit=redemption_limit, now=now)


def join_company(
    company_id: int, user_id: int, *, role: str, redemption_limit: int | None, now: datetime | None = None
) -> MemberInfo:
    """Make the customer a member; the caller holds the company's lock and has the right to.

    ``AlreadyInCompany`` when they belong to a company (this one or another).
    """
    current = CompanyMember.objects.filter(user_id=user_id).values_list("company_id", flat=True).first()
    if current is not None:
        where = "this company" if current == company_id else "another company"
        raise AlreadyInCompany(f"customer {user_id} is already a member of {where}", field="user_id")
    try:
        with transaction.atomic():
            member = CompanyMember.objects.create(
                company_id=company_id, user_id=user_id, role=role, redemption_limit=redemption_limit,
                updated_at=now or timezone.now(),
            )
    except IntegrityError:
        # A concurrent add for the same customer won (loyalty_company_member_one_company_per_user).
        raise AlreadyInCompany(f"customer {user_id} is already a member of a company", field="user_id") from None
    return member_info(member)


def remove_member(company_id: int, user_id: int, *, by: Actor) -> None:
    """Remove a member (an admin or staff may; a member may leave). The company's points stay."""
    with transaction.atomic():
        lock_company(company_id)
        if not (by.user_id == user_id and not by.is_staff):
            authorize(company_id, by, admin=True)
        member = _get_member(company_id, user_id)
        others = CompanyMember.objects.filter(company_id=company_id).exclude(pk=member.pk)
        if member.role == CompanyRole.ADMIN and others.exists():
            _keep_an_admin(company_id, member, "leave")
        member.delete()


def set_member_role(company_id: int, user_id: int, role: str, *, by: Actor, now: datetime | None = None) -> MemberInfo:
    """Make a member an ``admin`` or a ``buyer``; the last admin cannot be demoted."""
    role = check_role(role)
    with transaction.atomic():
        lock_company(company_id)
        authorize(company_id, by, admin=True)
        member = _get_member(company_id, user_id)
        if member.role == CompanyRole.ADMIN and role != CompanyRole.ADMIN:
            _keep_an_admin(company_id, member, "be demoted")
        member.role = role
        member.updated_at = now or timezone.now()
        member.save(update_fields=["role", "updated_at"])
    return member_info(member)


def set_member_redemption_limit(
    company_id: int, user_id: int, limit: int | None, *, by: Actor, now: datetime | None = None
) -> MemberInfo:
    """Set the points a member may redeem per calendar month (None: no limit of their own)."""
    check_limit(limit)
    with transaction.atomic():
        lock_company(company_id)
        authorize(company_id, by, admin=True)
        member = _get_member(company_id, user_id)
        member.redemption_limit = limit
        member.updated_at = now or timezone.now()
        member.save(update_fields=["redemption_limit", "updated_at"])
    return member_info(member)


def get_member(company_id: int, user_id: int, *, by: Actor) -> MemberInfo:
    """One member of the company, for staff or any member of the company."""
    authorize(company_id, by, admin=False)
    return member_info(_get_member(company_id, user_id))


def list_members(company_id: int, *, by: Actor) -> tuple[MemberInfo, ...]:
    """The company's members, admins first, for staff or any member of the company."""
    if not Company.objects.filter(pk=company_id).exists():
        raise CompanyNotFound(f"no company {company_id}", field="company_id")
    authorize(company_id, by, admin=False)
    members = CompanyMember.objects.filter(company_id=company_id).select_related("user").order_by("role", "id")
    return tuple(member_info(member) for member in members)


def get_membership(user_id: int) -> MembershipInfo | None:
    """The customer's company, role and what they buy as; None when they are in no company.

    One query. For what the member buys as, see ``get_buyer_context``.
    """
    row = (
        CompanyMember.objects.filter(user_id=user_id)
        .values_list("company_id", "role", "redemption_limit", "company__is_active", "company__customer_type_id",
                     "company__tier_id")
        .first()
    )
    return None if row is None else MembershipInfo(*row)


def get_buyer_context(user_id: int, *, own_tier_id: int | None, own_customer_type_id: int | None) -> BuyerContext:
    """What the customer buys as, for the customer snapshot of the quote and earn paths.

    In no company, or in a deactivated one: themselves (their own type and tier, no company).
    A member of an active company buys as the company: its price lists and gift rules apply
    (``company_id``), its customer type when it has one (else their own), and the better-ranked
    of their own tier and the company's, so joining a company never costs a customer a tier.
    One query (``customers.fetch_loyalty_facts``); ``own_tier_id`` overrides the stored tier.
    """
    from dataclasses import replace

    from ..customers import choose_buyer, fetch_loyalty_facts

    facts = fetch_loyalty_facts(user_id)
    if facts.tier_id != own_tier_id:
        rank = Tier.objects.filter(pk=own_tier_id).values_list("rank", flat=True).first() if own_tier_id else None
        facts = replace(facts, tier_id=own_tier_id, tier_rank=rank)
    return choose_buyer(facts, own_customer_type_id=own_customer_type_id)


# --- helpers --------------------------------------------------------------------------------


def lock_company(company_id: int) -> Company:
    # Member changes of one company run one after another, so the "keep an admin" count holds.
    company = Company.objects.select_for_update().filter(pk=company_id).first()
    if company is None:
        raise CompanyNotFound(f"no company {company_id}", field="company_id")
    return company


def authorize(company_id: int, by: Actor, *, admin: bool) -> None:
    if by.is_staff:
        return
    role = CompanyMember.objects.filter(company_id=company_id, user_id=by.user_id).values_list("role", flat=True).first()
    if role is None:
        raise NotCompanyMember(f"customer {by.user_id} is not a member of company {company_id}", field="company_id")
    if admin and role != CompanyRole.ADMIN:
        raise CompanyPermissionDenied("only the company's admins may manage its members", field="company_id")


def _get_member(company_id: int, user_id: int) -> CompanyMember:
    member = CompanyMember.objects.filter(company_id=company_id, user_id=user_id).select_related("user").first()
    if member is None:
        raise CompanyMemberNotFound(f"customer {user_id} is not a member of company {company_id}", field="user_id")
    return member


def _keep_an_admin(company_id: int, member: CompanyMember, action: str) -> None:
    admins = CompanyMember.objects.filter(company_id=company_id, role=CompanyRole.ADMIN).exclude(pk=member.pk)
    if not admins.exists():
        raise LastCompanyAdmin(f"the last admin of company {company_id} cannot {action}; make another admin first",
                               field="user_id")
