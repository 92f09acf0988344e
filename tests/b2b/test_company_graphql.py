"""The company API: staff CRUD, admins manage members, members read their company, others refused.

The company module is run through the real view with the API's schema (which registers it),
plus a fuzz of its operations that must never fail the server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import graphene
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from hypothesis import HealthCheck, given, settings

from saleor_loyalty.graphql.auth import LoyaltyPermission, create_access_token
from saleor_loyalty.graphql.core.errors import INTERNAL_ERROR_CODE
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.errors import LoyaltyCompanyError
from saleor_loyalty.graphql.queries.companies import CompanyQueries
from saleor_loyalty.graphql.schema import build_schema, get_family_mutations, get_schema
from saleor_loyalty.models import Company, CompanyMember
from saleor_loyalty.services.b2b import companies, rebates
from saleor_loyalty.services import points
from tests.graphql.client import error_codes, run_with_schema
from tests.graphql.fuzz import Fuzzer

pytestmark = pytest.mark.django_db


def api_schema() -> graphene.Schema:
    """The API's schema, which includes the company module."""
    return get_schema()


class ApiClient:
    """Posts GraphQL through the view as ``user`` (anonymous when None)."""

    def __init__(self, user: Any | None = None) -> None:
        self.token = create_access_token(user) if user is not None else None

    def post_graphql(self, query: str, variables: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        return run_with_schema(api_schema(), query, variables or {}, token=self.token)


def get_graphql_content(response: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    status, content = response
    assert status == 200 and "errors" not in content, content
    return content


def get_graphql_errors(response: tuple[int, dict[str, Any]]) -> list[dict[str, Any]]:
    status, content = response
    assert status == 200 and content.get("errors"), content
    return content["errors"]  # type: ignore[no-any-return]


COMPANY_QUERY = """
query ($id: ID) {
  loyaltyCompany(id: $id) {
    id name isActive customerTypeId
    points { available entries(first: 5) { edges { node { points reason } } } }
    members { customerId role redemptionLimit }
    myAllowance { role redemptionLimit redeemedThisMonth remainingThisMonth }
    rebateProgress { period spend band { percent } nextBand { minSpend } missingToNextBand }
    rebateStatements { period spend rebateAmount points status orders { orderId netAmount } }
  }
}
"""
MEMBER_ADD = """
mutation ($company: ID!, $customer: ID!, $role: LoyaltyCompanyRoleEnum, $limit: Int) {
  loyaltyCompanyMemberAdd(companyId: $company, customerId: $customer, role: $role, redemptionLimit: $limit) {
    member { customerId role redemptionLimit }
    errors { field code message }
  }
}
"""


@pytest.fixture
def staff_client(create_user: Callable[..., Any]) -> ApiClient:
    staff = create_user(username="b2b-staff", is_staff=True)
    group, _ = Group.objects.get_or_create(name=LoyaltyPermission.MANAGE_USERS.name)
    staff.groups.add(group)
    return ApiClient(staff)


def _company_id(company: companies.CompanyInfo) -> str:
    return to_global_id("LoyaltyCompany", company.company_id)


def test_staff_create_update_and_delete_a_company(staff_client: ApiClient):
    # when
    created = get_graphql_content(staff_client.post_graphql(
        "mutation { loyaltyCompanyCreate(name: \"Acme Supplies\", customerTypeId: \"Q3VzdG9tZXJUeXBlOjQ=\")"
        " { company { id slug customerTypeId } errors { code } } }"
    ))["data"]["loyaltyCompanyCreate"]
    company_id = created["company"]["id"]
    updated = get_graphql_content(staff_client.post_graphql(
        "mutation ($id: ID!) { loyaltyCompanyUpdate(id: $id, name: \"Acme\", clearCustomerType: true)"
        " { company { name slug customerTypeId } errors { code } } }", {"id": company_id},
    ))["data"]["loyaltyCompanyUpdate"]
    deleted = get_graphql_content(staff_client.post_graphql(
        "mutation ($id: ID!) { loyaltyCompanyDelete(id: $id) { deletedId errors { code } } }", {"id": company_id}
    ))["data"]["loyaltyCompanyDelete"]

    # then
    assert created == {"company": {"id": company_id, "slug": "acme-supplies",
                                   "customerTypeId": to_global_id("CustomerType", 4)}, "errors": []}
    assert updated == {"company": {"name": "Acme", "slug": "acme-supplies", "customerTypeId": None}, "errors": []}
    assert deleted == {"deletedId": company_id, "errors": []}
    assert not Company.objects.exists()


def test_customers_cannot_create_companies(customer: Any):
    response = ApiClient(customer).post_graphql('mutation { loyaltyCompanyCreate(name: "Mine") { errors { code } } }')

    assert error_codes(get_graphql_errors(response)) == ["PermissionDenied"]
    assert not Company.objects.exists()


def test_staff_add_a_buyer_and_company_admins_and_buyers_are_refused(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, create_user: Callable[..., Any],
    staff_client: ApiClient,
):
    newcomer = create_user()
    variables = {"company": _company_id(acme), "customer": to_global_id("User", newcomer.pk), "limit": 500}

    by_buyer = get_graphql_content(ApiClient(acme_buyer).post_graphql(MEMBER_ADD, variables))
    by_admin = get_graphql_content(ApiClient(acme_admin).post_graphql(MEMBER_ADD, {**variables, "role": "BUYER"}))
    by_staff = get_graphql_content(staff_client.post_graphql(MEMBER_ADD, {**variables, "role": "BUYER"}))

    # Customers invite (tests/security/test_company_invitations.py); only staff add directly.
    refused = {"member": None, "errors": [{
        "field": "companyId", "code": "COMPANY_PERMISSION_DENIED",
        "message": "company admins invite customers (loyaltyCompanyInvitationCreate); they join by accepting",
    }]}
    assert by_buyer["data"]["loyaltyCompanyMemberAdd"] == refused
    assert by_admin["data"]["loyaltyCompanyMemberAdd"] == refused
    assert by_staff["data"]["loyaltyCompanyMemberAdd"] == {
        "member": {"customerId": variables["customer"], "role": "BUYER", "redemptionLimit": 500}, "errors": []}


def test_member_update_sets_and_clears_the_limit_and_keeps_the_last_admin(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any
):
    update = """
    mutation ($company: ID!, $customer: ID!, $role: LoyaltyCompanyRoleEnum, $limit: Int) {
      loyaltyCompanyMemberUpdate(companyId: $company, customerId: $customer, role: $role, redemptionLimit: $limit) {
        member { role redemptionLimit } errors { code }
      }
    }
    """
    client = ApiClient(acme_admin)
    buyer = {"company": _company_id(acme), "customer": to_global_id("User", acme_buyer.pk)}

    limited = get_graphql_content(client.post_graphql(update, {**buyer, "limit": 2000}))["data"]
    cleared = get_graphql_content(client.post_graphql(update, {**buyer, "limit": 0}))["data"]
    demote_self = get_graphql_content(client.post_graphql(
        update, {"company": buyer["company"], "customer": to_global_id("User", acme_admin.pk), "role": "BUYER"}))["data"]

    assert limited["loyaltyCompanyMemberUpdate"]["member"] == {"role": "BUYER", "redemptionLimit": 2000}
    assert cleared["loyaltyCompanyMemberUpdate"]["member"] == {"role": "BUYER", "redemptionLimit": None}
    assert demote_self["loyaltyCompanyMemberUpdate"]["errors"] == [{"code": "LAST_COMPANY_ADMIN"}]


def test_a_member_leaves(acme: companies.CompanyInfo, acme_buyer: Any):
    response = ApiClient(acme_buyer).post_graphql(
        "mutation ($c: ID!, $u: ID!) { loyaltyCompanyMemberRemove(companyId: $c, customerId: $u)"
        " { removedCustomerId errors { code } } }",
        {"c": _company_id(acme), "u": to_global_id("User", acme_buyer.pk)},
    )

    assert get_graphql_content(response)["data"]["loyaltyCompanyMemberRemove"]["errors"] == []
    assert not CompanyMember.objects.filter(user=acme_buyer).exists()


def test_a_member_reads_the_shared_balance_rebate_progress_and_statements(
    acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, make_order: Callable[..., Any],
    volume_bands: list[rebates.Band],
):
    # given January closed with 12,000 spent, and 3,000 spent so far in February
    make_order(acme.company_id, "12000", user=acme_admin, placed_at=datetime(2025, 1, 10, tzinfo=UTC))
    make_order(acme.company_id, "3000", user=acme_buyer, placed_at=datetime(2025, 2, 2, tzinfo=UTC))
    program = rebates.create_rebate_program(name="Monthly", period="month", currency="EUR", bands=volume_bands,
                                            starts_on=date(2025, 1, 1), point_value=Decimal("0.01"))
    rebates.close_rebate_period(program.pk, date(2025, 1, 1), now=datetime(2025, 2, 1, tzinfo=UTC))
    companies.set_member_redemption_limit(acme.company_id, acme_buyer.pk, 1000, by=companies.Actor.staff())

    # when the buyer asks for their company (no ID: their own)
    company = get_graphql_content(ApiClient(acme_buyer).post_graphql(COMPANY_QUERY))["data"]["loyaltyCompany"]

    # then
    assert company["points"]["available"] == 24_000
    assert company["points"]["entries"]["edges"][0]["node"]["points"] == 24_000
    assert [member["role"] for member in company["members"]] == ["ADMIN", "BUYER"]
    assert company["myAllowance"] == {"role": "BUYER", "redemptionLimit": 1000, "redeemedThisMonth": 0,
                                      "remainingThisMonth": 1000}
    [statement] = company["rebateStatements"]
    assert (statement["period"], statement["points"], statement["status"], len(statement["orders"])) == (
        "2025-01", 24_000, "credited", 1)
    [progress] = company["rebateProgress"]
    assert progress["band"] is None and progress["nextBand"] == {"minSpend": "10000.000"}


def test_members_of_other_companies_and_strangers_are_refused(
    acme: companies.CompanyInfo, acme_buyer: Any, add_member: Callable[..., Any], customer: Any,
    staff_client: ApiClient,
):
    globex = companies.create_company("Globex")
    outsider = add_member(globex.company_id)
    points.credit_bonus(points.Owner.company(acme.company_id), "acme:welcome", points=50, reason="welcome")
    variables = {"id": _company_id(acme)}

    other_member = ApiClient(outsider).post_graphql(COMPANY_QUERY, variables)
    stranger_own = get_graphql_content(ApiClient(customer).post_graphql(COMPANY_QUERY))
    anonymous = ApiClient().post_graphql(COMPANY_QUERY, variables)
    as_staff = get_graphql_content(staff_client.post_graphql(COMPANY_QUERY, variables))

    assert error_codes(get_graphql_errors(other_member)) == ["NOT_COMPANY_MEMBER"]
    assert stranger_own["data"]["loyaltyCompany"] is None
    assert error_codes(get_graphql_errors(anonymous)) == ["PermissionDenied"]
    company = as_staff["data"]["loyaltyCompany"]
    assert (company["points"]["available"], company["myAllowance"]) == (50, None)


def test_staff_list_and_search_companies(acme: companies.CompanyInfo, staff_client: ApiClient, customer: Any):
    companies.create_company("Globex")
    query = 'query { loyaltyCompanies(search: "acm") { name } }'

    listed = get_graphql_content(staff_client.post_graphql(query))["data"]["loyaltyCompanies"]

    assert listed == [{"name": "Acme Supplies"}]
    assert error_codes(get_graphql_errors(ApiClient(customer).post_graphql(query))) == ["PermissionDenied"]


FUZZ_SETTINGS = settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("requestor", ["anonymous", "admin", "staff"])
def test_random_company_operations_never_fail_the_server(
    requestor: str, acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, staff_client: ApiClient,
):
    # given a schema of the company operations only, and IDs of rows that exist
    schema = build_schema(queries=(CompanyQueries,), mutations=get_family_mutations(LoyaltyCompanyError))
    known = [_company_id(acme), to_global_id("User", acme_admin.pk), to_global_id("User", acme_buyer.pk)]
    fuzzer = Fuzzer(schema.introspect(), known_ids=known)
    token = {"anonymous": None, "admin": create_access_token(acme_admin), "staff": staff_client.token}[requestor]

    @FUZZ_SETTINGS
    @given(operation=fuzzer.operations())
    def run(operation: tuple[str, dict[str, Any]]) -> None:
        document, variables = operation
        status, content = run_with_schema(schema, document, variables, token=token)
        context = f"\n{document}\nvariables={variables!r}\nresponse={json.dumps(content)[:2000]}"
        codes = [error["extensions"]["exception"]["code"] for error in content.get("errors", [])]
        assert status < 500 and INTERNAL_ERROR_CODE not in codes, context
        assert not connection.needs_rollback, context

    run()
