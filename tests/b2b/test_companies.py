"""Companies and their members: who may manage them, one company per customer, an admin kept,
the shared account, and what a member buys as."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.db import connection, transaction

from saleor_loyalty.exceptions import (
    AlreadyInCompany,
    CompanyInUse,
    CompanyMemberNotFound,
    CompanyPermissionDenied,
    InvalidInput,
    LastCompanyAdmin,
    NotCompanyMember,
)
from saleor_loyalty.models import Company, CompanyRole, Tier
from saleor_loyalty.services.b2b import companies
from saleor_loyalty.services import points
from saleor_loyalty.services.b2b.companies import Actor
from saleor_loyalty.services.points import Owner
from tests.ledger.helpers import refused

pytestmark = pytest.mark.django_db


# --- companies ------------------------------------------------------------------------------


def test_create_company_makes_a_unique_slug_from_the_name(now: datetime):
    first = companies.create_company("  Acme Supplies ", now=now)
    second = companies.create_company("Acme Supplies", customer_type_id=4, now=now)

    assert (first.name, first.slug, first.is_active) == ("Acme Supplies", "acme-supplies", True)
    assert (second.slug, second.customer_type_id) == ("acme-supplies-2", 4)


def test_create_company_refuses_a_taken_slug_and_bad_fields(acme: companies.CompanyInfo):
    with pytest.raises(InvalidInput) as taken:
        companies.create_company("Other", slug=acme.slug)
    assert taken.value.field == "slug"
    for bad in ({"name": " "}, {"name": "X", "slug": "Not A Slug"}, {"name": "X", "customer_type_id": 0}):
        with pytest.raises(InvalidInput):
            companies.create_company(**bad)


def test_update_company_changes_only_the_named_fields(acme: companies.CompanyInfo):
    updated = companies.update_company(acme.company_id, customer_type_id=7, is_active=False)

    assert (updated.name, updated.slug, updated.customer_type_id, updated.is_active) == (
        "Acme Supplies", "acme-supplies", 7, False)


def test_delete_company_with_points_is_refused_but_an_unused_one_goes(acme: companies.CompanyInfo, now: datetime):
    empty = companies.create_company("Empty")
    companies.delete_company(empty.company_id)
    assert not Company.objects.filter(pk=empty.company_id).exists()

    points.credit_bonus(Owner.company(acme.company_id), "welcome:acme", points=10, reason="welcome", now=now)
    with pytest.raises(CompanyInUse):
        companies.delete_company(acme.company_id)


def test_get_company_is_refused_to_members_of_other_companies(
    acme: companies.CompanyInfo, acme_buyer: Any, add_member: Callable[..., Any]
):
    other = companies.create_company("Globex")
    outsider = add_member(other.company_id)

    assert companies.get_company(acme.company_id, by=Actor.customer(acme_buyer.pk)).name == "Acme Supplies"
    with pytest.raises(NotCompanyMember):
        companies.get_company(acme.company_id, by=Actor.customer(outsider.pk))
    with pytest.raises(NotCompanyMember):
        companies.list_members(acme.company_id, by=Actor.customer(outsider.pk))


# --- members --------------------------------------------------------------------------------


def test_staff_add_a_buyer_with_a_limit_and_lists_members(
    acme: companies.CompanyInfo, acme_admin: Any, create_user: Callable[..., Any], staff: Actor
):
    newcomer = create_user(email="new@acme.test")

    added = companies.add_member(acme.company_id, newcomer.pk, by=staff, redemption_limit=500)

    assert (added.role, added.redemption_limit, added.email) == ("buyer", 500, "new@acme.test")
    listed = companies.list_members(acme.company_id, by=Actor.customer(newcomer.pk))
    assert [(m.user_id, m.role) for m in listed] == [(acme_admin.pk, "admin"), (newcomer.pk, "buyer")]


def test_a_buyer_may_not_manage_members(acme: companies.CompanyInfo, acme_buyer: Any, create_user: Callable[..., Any]):
    with pytest.raises(CompanyPermissionDenied):
        companies.add_member(acme.company_id, create_user().pk, by=Actor.customer(acme_buyer.pk))
    with pytest.raises(CompanyPermissionDenied):
        companies.set_member_redemption_limit(acme.company_id, acme_buyer.pk, 10_000, by=Actor.customer(acme_buyer.pk))


def test_a_customer_belongs_to_one_company_only(
    acme: companies.CompanyInfo, acme_buyer: Any, staff: Actor
):
    other = companies.create_company("Globex")

    with pytest.raises(AlreadyInCompany) as again:
        companies.add_member(acme.company_id, acme_buyer.pk, by=staff)
    with pytest.raises(AlreadyInCompany) as elsewhere:
        companies.add_member(other.company_id, acme_buyer.pk, by=staff)

    assert "this company" in again.value.message and "another company" in elsewhere.value.message


def test_the_database_refuses_a_second_membership(acme: companies.CompanyInfo, acme_buyer: Any):
    other = companies.create_company("Globex")
    with refused("loyalty_company_member_one_company_per_user"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO loyalty_company_member (company_id, user_id, role, created_at, updated_at)"
            " VALUES (%s, %s, 'buyer', now(), now())", [other.company_id, acme_buyer.pk],
        )


def test_the_last_admin_cannot_leave_or_be_demoted_while_others_remain(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, staff: Actor
):
    with pytest.raises(LastCompanyAdmin):
        companies.remove_member(acme.company_id, acme_admin.pk, by=Actor.customer(acme_admin.pk))
    with pytest.raises(LastCompanyAdmin):
        companies.set_member_role(acme.company_id, acme_admin.pk, CompanyRole.BUYER, by=staff)

    # given a second admin, the first may step down
    companies.set_member_role(acme.company_id, acme_buyer.pk, CompanyRole.ADMIN, by=Actor.customer(acme_admin.pk))
    demoted = companies.set_member_role(acme.company_id, acme_admin.pk, CompanyRole.BUYER, by=staff)
    assert demoted.role == "buyer"


def test_a_member_may_leave_and_an_admin_may_remove(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, add_member: Callable[..., Any]
):
    other_buyer = add_member(acme.company_id)

    companies.remove_member(acme.company_id, acme_buyer.pk, by=Actor.customer(acme_buyer.pk))
    with pytest.raises(CompanyPermissionDenied):
        companies.remove_member(acme.company_id, acme_admin.pk, by=Actor.customer(other_buyer.pk))
    companies.remove_member(acme.company_id, other_buyer.pk, by=Actor.customer(acme_admin.pk))

    assert [m.user_id for m in companies.list_members(acme.company_id, by=Actor.staff())] == [acme_admin.pk]
    with pytest.raises(CompanyMemberNotFound):
        companies.set_member_role(acme.company_id, acme_buyer.pk, "admin", by=Actor.staff())


def test_role_and_limit_are_validated(acme: companies.CompanyInfo, acme_buyer: Any, staff: Actor):
    with pytest.raises(InvalidInput):
        companies.set_member_role(acme.company_id, acme_buyer.pk, "approver", by=staff)
    with pytest.raises(InvalidInput):
        companies.set_member_redemption_limit(acme.company_id, acme_buyer.pk, 0, by=staff)
    assert companies.set_member_redemption_limit(acme.company_id, acme_buyer.pk, None, by=staff).redemption_limit is None


# --- the shared account ---------------------------------------------------------------------


def test_joining_keeps_personal_points_apart_and_new_earnings_go_to_the_company(
    acme: companies.CompanyInfo, acme_admin: Any, create_user: Callable[..., Any], now: datetime
):
    # given a customer with 300 personal points
    customer = create_user()
    points.credit_points_for_order(Owner.customer(customer.pk), "before-joining", points=300, now=now)
    personal = points.get_account_for_customer(customer.pk)

    # when they join and then order
    companies.add_member(acme.company_id, customer.pk, by=Actor.staff())
    points.credit_points_for_order(Owner.customer(customer.pk), "after-joining", points=120, now=now)

    # then the order earned into the company's pool, and the personal account is untouched
    shared = points.get_account_for_customer(customer.pk)
    assert shared.company_id == acme.company_id and shared.account_id != personal.account_id
    assert points.get_balance(Owner.company(acme.company_id)).available == 120
    assert _available(personal.account_id) == 300

    # and after leaving, the customer spends from their own account again
    companies.remove_member(acme.company_id, customer.pk, by=Actor.customer(customer.pk))
    assert points.get_balance(Owner.customer(customer.pk)).available == 300
    assert points.get_balance(Owner.company(acme.company_id)).available == 120


def _available(account_id: int) -> int:
    from saleor_loyalty.models import LoyaltyAccount

    return LoyaltyAccount.objects.values_list("available", flat=True).get(pk=account_id)


# --- what a member buys as ------------------------------------------------------------------


@pytest.fixture
def silver_and_gold(db: None) -> tuple[Tier, Tier]:
    silver = Tier.objects.create(name="Silver", slug="silver", rank=1, metric="spend", threshold=1000)
    gold = Tier.objects.create(name="Gold", slug="gold", rank=2, metric="spend", threshold=5000)
    return silver, gold


def test_a_member_buys_as_the_company_with_the_better_tier(
    acme: companies.CompanyInfo, acme_buyer: Any, silver_and_gold: tuple[Tier, Tier], create_user: Callable[..., Any]
):
    silver, gold = silver_and_gold
    Company.objects.filter(pk=acme.company_id).update(tier=silver, tier_since=datetime(2025, 1, 1).astimezone())

    own_gold = companies.get_buyer_context(acme_buyer.pk, own_tier_id=gold.pk, own_customer_type_id=3)
    no_own_tier = companies.get_buyer_context(acme_buyer.pk, own_tier_id=None, own_customer_type_id=3)
    outsider = companies.get_buyer_context(create_user().pk, own_tier_id=None, own_customer_type_id=3)

    assert own_gold == companies.BuyerContext(acme.company_id, 3, gold.pk)
    assert no_own_tier == companies.BuyerContext(acme.company_id, 3, silver.pk)
    assert outsider == companies.BuyerContext(None, 3, None)


def test_the_company_customer_type_wins_and_an_inactive_company_gives_nothing(
    acme: companies.CompanyInfo, acme_buyer: Any
):
    companies.update_company(acme.company_id, customer_type_id=9)
    assert companies.get_buyer_context(acme_buyer.pk, own_tier_id=None, own_customer_type_id=3).customer_type_id == 9

    companies.update_company(acme.company_id, is_active=False)
    assert companies.get_buyer_context(acme_buyer.pk, own_tier_id=None, own_customer_type_id=3) == (
        companies.BuyerContext(None, 3, None))
