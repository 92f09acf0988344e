"""Finding 3 of issue 15: a company admin (a customer) could add anyone to their company.

Now an admin invites, and only the invitee, signed in as themselves, can accept; the answer to
the admin is the same for an unknown id, a staff member and a customer of another company, and
carries no email; staff keep the direct add.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import CompanyInvitation, CompanyMember, CompanyRole
from saleor_loyalty.services.b2b import companies
from tests.graphql.client import ApiClient, get_graphql_content

pytestmark = pytest.mark.django_db

INVITE = """
mutation ($company: ID!, $customer: ID!, $role: LoyaltyCompanyRoleEnum, $limit: Int) {
  loyaltyCompanyInvitationCreate(companyId: $company, customerId: $customer, role: $role, redemptionLimit: $limit) {
    invitation { id companyName role redemptionLimit status }
    errors { field code message }
  }
}
"""
ACCEPT = """
mutation ($id: ID!) {
  loyaltyCompanyInvitationAccept(id: $id) { member { customerId role redemptionLimit } company { name } errors { code } }
}
"""
DECLINE = "mutation ($id: ID!) { loyaltyCompanyInvitationDecline(id: $id) { invitation { status } errors { code } } }"
CANCEL = "mutation ($id: ID!) { loyaltyCompanyInvitationCancel(id: $id) { invitation { status } errors { code } } }"
MINE = "{ loyaltyCompanyInvitations { companyName role status } }"
MEMBER_ADD = """
mutation ($company: ID!, $customer: ID!) {
  loyaltyCompanyMemberAdd(companyId: $company, customerId: $customer) { member { email } errors { code message } }
}
"""


@pytest.fixture
def acme(db: None) -> companies.CompanyInfo:
    return companies.create_company("Acme Supplies")


@pytest.fixture
def admin(acme: companies.CompanyInfo, create_user: Any) -> Any:
    user = create_user(email="admin@acme.test")
    CompanyMember.objects.create(company_id=acme.company_id, user=user, role=CompanyRole.ADMIN)
    return user


def _data(client: ApiClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(query, variables))["data"]  # type: ignore[no-any-return]


def _invite(admin: Any, acme: companies.CompanyInfo, customer_pk: int, **extra: Any) -> dict[str, Any]:
    variables = {"company": to_global_id("LoyaltyCompany", acme.company_id), "customer": to_global_id("User", customer_pk)}
    return _data(ApiClient(admin), INVITE, {**variables, **extra})["loyaltyCompanyInvitationCreate"]  # type: ignore[no-any-return]


def _shape(payload: dict[str, Any]) -> str:
    """The payload without the invitation's own id: what the admin learns about the invitee."""
    return json.dumps({**payload, "invitation": {k: v for k, v in payload["invitation"].items() if k != "id"}})


def test_an_admin_cannot_add_anyone_directly(acme: companies.CompanyInfo, admin: Any, create_user: Any) -> None:
    victim = create_user(email="victim@example.test")

    result = _data(ApiClient(admin), MEMBER_ADD, {
        "company": to_global_id("LoyaltyCompany", acme.company_id), "customer": to_global_id("User", victim.pk),
    })["loyaltyCompanyMemberAdd"]

    assert result["member"] is None
    assert [error["code"] for error in result["errors"]] == ["COMPANY_PERMISSION_DENIED"]
    assert "victim@example.test" not in json.dumps(result)
    assert not CompanyMember.objects.filter(user=victim).exists()


def test_the_answer_is_the_same_for_anyone_the_id_names(
    acme: companies.CompanyInfo, admin: Any, create_user: Any, grant: Any
) -> None:
    # given: a customer, a staff member, a member of another company, and an id nobody has
    customer = create_user(email="someone@example.test")
    staff = create_user(email="staff@shop.test", is_staff=True)
    grant(staff, *LoyaltyPermission)
    other_company = companies.create_company("Globex")
    elsewhere = create_user(email="buyer@globex.test")
    CompanyMember.objects.create(company_id=other_company.company_id, user=elsewhere, role=CompanyRole.BUYER)
    unknown_pk = 999_999

    # when
    answers = [_invite(admin, acme, pk) for pk in (customer.pk, staff.pk, elsewhere.pk, unknown_pk)]

    # then: one answer, no email, no membership, nothing joined
    assert len({_shape(answer) for answer in answers}) == 1
    assert answers[0]["errors"] == []
    assert answers[0]["invitation"] | {"id": None} == {
        "id": None, "companyName": "Acme Supplies", "role": "BUYER", "redemptionLimit": None, "status": "PENDING",
    }
    assert not any("@" in json.dumps(answer) for answer in answers)
    assert CompanyMember.objects.filter(company_id=acme.company_id).count() == 1


def test_only_the_invitee_accepts_with_their_own_token(
    acme: companies.CompanyInfo, admin: Any, create_user: Any
) -> None:
    # given: a customer invited as a buyer with a limit
    invitee = create_user(email="new@acme.test")
    invitation = _invite(admin, acme, invitee.pk, limit=500)["invitation"]

    # when: the admin and a stranger try to accept it, then the invitee does
    stranger = create_user()
    by_admin = _data(ApiClient(admin), ACCEPT, {"id": invitation["id"]})["loyaltyCompanyInvitationAccept"]
    by_stranger = _data(ApiClient(stranger), ACCEPT, {"id": invitation["id"]})["loyaltyCompanyInvitationAccept"]
    listed = _data(ApiClient(invitee), MINE)["loyaltyCompanyInvitations"]
    accepted = _data(ApiClient(invitee), ACCEPT, {"id": invitation["id"]})["loyaltyCompanyInvitationAccept"]
    again = _data(ApiClient(invitee), ACCEPT, {"id": invitation["id"]})["loyaltyCompanyInvitationAccept"]

    # then: only the invitee's own acceptance counts; an invitation not theirs is "not found"
    assert by_admin["errors"] == by_stranger["errors"] == [{"code": "COMPANY_INVITATION_NOT_FOUND"}]
    assert listed == [{"companyName": "Acme Supplies", "role": "BUYER", "status": "PENDING"}]
    assert accepted == {
        "member": {"customerId": to_global_id("User", invitee.pk), "role": "BUYER", "redemptionLimit": 500},
        "company": {"name": "Acme Supplies"}, "errors": [],
    }
    assert again["errors"] == [{"code": "INVITATION_NOT_PENDING"}]


def test_declining_or_cancelling_joins_nobody(acme: companies.CompanyInfo, admin: Any, create_user: Any) -> None:
    declines, cancelled = create_user(), create_user()
    first = _invite(admin, acme, declines.pk)["invitation"]["id"]
    second = _invite(admin, acme, cancelled.pk)["invitation"]["id"]

    declined = _data(ApiClient(declines), DECLINE, {"id": first})["loyaltyCompanyInvitationDecline"]
    withdrawn = _data(ApiClient(admin), CANCEL, {"id": second})["loyaltyCompanyInvitationCancel"]
    late = _data(ApiClient(cancelled), ACCEPT, {"id": second})["loyaltyCompanyInvitationAccept"]

    assert declined == {"invitation": {"status": "DECLINED"}, "errors": []}
    assert withdrawn == {"invitation": {"status": "CANCELLED"}, "errors": []}
    assert late["errors"] == [{"code": "INVITATION_NOT_PENDING"}]
    assert CompanyMember.objects.filter(company_id=acme.company_id).count() == 1


def test_a_member_of_another_company_learns_it_on_accepting_not_the_admin(
    acme: companies.CompanyInfo, admin: Any, create_user: Any
) -> None:
    globex = companies.create_company("Globex")
    busy = create_user()
    CompanyMember.objects.create(company_id=globex.company_id, user=busy, role=CompanyRole.BUYER)
    invitation = _invite(admin, acme, busy.pk)

    accepted = _data(ApiClient(busy), ACCEPT, {"id": invitation["invitation"]["id"]})["loyaltyCompanyInvitationAccept"]

    assert invitation["errors"] == []
    assert accepted["errors"] == [{"code": "ALREADY_IN_COMPANY"}]
    assert CompanyMember.objects.get(user=busy).company_id == globex.company_id
    assert CompanyInvitation.objects.get().status == "pending"  # the refused accept changed nothing


def test_inviting_again_updates_the_open_invitation(acme: companies.CompanyInfo, admin: Any, create_user: Any) -> None:
    invitee = create_user()

    first = _invite(admin, acme, invitee.pk)["invitation"]
    second = _invite(admin, acme, invitee.pk, role="ADMIN")["invitation"]

    assert first["id"] == second["id"] and second["role"] == "ADMIN"
    assert CompanyInvitation.objects.count() == 1


def test_a_buyer_cannot_invite(acme: companies.CompanyInfo, admin: Any, create_user: Any) -> None:
    buyer = create_user()
    CompanyMember.objects.create(company_id=acme.company_id, user=buyer, role=CompanyRole.BUYER)

    refused = _invite(buyer, acme, create_user().pk)

    assert refused == {"invitation": None, "errors": [{
        "field": "companyId", "code": "COMPANY_PERMISSION_DENIED", "message": "only the company's admins may manage its members",
    }]}
    assert not CompanyInvitation.objects.exists()
