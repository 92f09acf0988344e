"""Steps: a B2B company with a shared points pool, and a volume rebate paid into it.

Sam (staff) makes Wes's business a company and adds Wes and his colleague Dana; their orders
earn into one pool (``loyaltyCompany``). Sam sets a monthly volume rebate
(``loyaltyRebateProgramCreate``); Wes watches his company's progress, and when the month is over
the rebate task (``events.close_rebate_periods``, what ``close_rebate_periods_task`` runs) pays
it into the pool. Every figure printed is the API's answer.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from ..graphql.core.ids import to_global_id
from . import events
from .cast import Cast, Out, money, plain
from .client import DemoClient, DemoError
from .shop import WHOLESALE
from .shopping import _order_and_pay

COMPANY_NAME = "Brew Bar Ltd"
COMPANY = """query {
  loyaltyCompany {
    id name
    points { available pending held lifetimeEarned }
    members { customerId role redemptionLimit }
    tierProgress { metric have need missing }
    rebateProgress { programName period ordersCount spend band { percent } rebateSoFar
                     nextBand { minSpend percent } missingToNextBand }
    rebateStatements { period ordersCount spend band { minSpend percent } rebateAmount points status }
  }
}"""
COMPANY_CREATE = """mutation ($name: String!, $customerType: ID) {
  loyaltyCompanyCreate(name: $name, customerTypeId: $customerType) {
    company { id name } errors { field code message }
  }
}"""
MEMBER_ADD = """mutation ($company: ID!, $customer: ID!, $role: LoyaltyCompanyRoleEnum, $limit: Int) {
  loyaltyCompanyMemberAdd(companyId: $company, customerId: $customer, role: $role, redemptionLimit: $limit) {
    member { customerId role redemptionLimit } errors { field code message }
  }
}"""
REBATE_PROGRAM_CREATE = """mutation ($startsOn: String!) {
  loyaltyRebateProgramCreate(
    name: "Monthly volume", period: "month", currency: "USD", startsOn: $startsOn, pointValue: "0.01"
    bands: [{minSpend: "500", percent: "2"}, {minSpend: "2000", percent: "4"}]
  ) {
    program { id name period payout pointValue bands { minSpend percent } }
    errors { field code message }
  }
}"""


def _payload(client: DemoClient, cast: Cast, query: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
    payload: dict[str, Any] = client.data(query, variables, token=cast.sam.token)[name]
    if payload["errors"]:
        problems = "; ".join(f"{error['field']}: {error['code']}: {error['message']}" for error in payload["errors"])
        raise DemoError(f"{name} refused: {problems}")
    return payload


def _company(client: DemoClient, token: str) -> dict[str, Any] | None:
    return client.data(COMPANY, token=token)["loyaltyCompany"]  # type: ignore[no-any-return]


def _pool_line(company: dict[str, Any]) -> str:
    pool = company["points"]
    return (f"{company['name']}'s pool: available {pool['available']}, pending {pool['pending']}, "
            f"held {pool['held']}, lifetime earned {pool['lifetimeEarned']}")


def sam_makes_a_company_and_its_buyers_share_points(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam makes Wes's business a company (loyaltyCompanyCreate); Wes's and Dana's orders fill one pool")
    company = _company(client, cast.wes.token)
    if company is None:
        created = _payload(client, cast, COMPANY_CREATE, {
            "name": COMPANY_NAME, "customerType": to_global_id("CustomerType", WHOLESALE)}, "loyaltyCompanyCreate")
        company_id = created["company"]["id"]
        out.line(f"loyaltyCompanyCreate: {created['company']['name']}, buying as the Wholesale customer type")
        for person, role, limit in ((cast.wes, "ADMIN", None), (cast.dana, "BUYER", 1000)):
            member = _payload(client, cast, MEMBER_ADD, {"company": company_id, "customer": person.id, "role": role,
                                                         "limit": limit}, "loyaltyCompanyMemberAdd")["member"]
            limit_text = f"may redeem {member['redemptionLimit']} points a month" if member["redemptionLimit"] else \
                "no monthly redemption limit of their own"
            out.line(f"loyaltyCompanyMemberAdd: {person.name} as {member['role']}, {limit_text}")
    else:
        out.line(f"{company['name']} exists already in this database; kept as it is")
    _order_and_pay(cast, cast.shop.create_checkout(cast.wes.user.pk, {"COF-ESP-1KG": 30, "ACC-FILTERS": 20}), out)
    _order_and_pay(cast, cast.shop.create_checkout(cast.dana.user.pk, {"COF-FLT-1KG": 12}), out)
    company = _company(client, cast.dana.token)
    assert company is not None  # Dana is a member now
    out.line(f"Dana reads her company (loyaltyCompany): {_pool_line(company)}")
    out.line("members: " + ", ".join(f"{_name(cast, member['customerId'])} ({member['role']})"
                                       for member in company["members"]))
    progress = company["tierProgress"]
    if progress:
        out.line(f"company tier: {money(progress['have'])} spent together, {money(progress['missing'])} "
                 f"to the next tier at {money(progress['need'])}")


def _name(cast: Cast, customer_id: str) -> str:
    return next((person.name for person in cast.people if person.id == customer_id), customer_id)


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def sam_pays_a_volume_rebate(client: DemoClient, cast: Cast, out: Out) -> None:
    today = timezone.now().date()
    out.step("Sam sets a monthly volume rebate (loyaltyRebateProgramCreate); at the month's end it lands in the pool")
    try:
        program = _payload(client, cast, REBATE_PROGRAM_CREATE, {"startsOn": _first_of_month(today).isoformat()},
                           "loyaltyRebateProgramCreate")["program"]
        bands = ", ".join(f"from {money(band['minSpend'])} {plain(band['percent'])}%"
                          for band in program["bands"])
        out.line(f"loyaltyRebateProgramCreate: {program['name']} ({program['period']}, paid in {program['payout']} "
                 f"at {money(program['pointValue'])} a point): {bands}")
    except DemoError as refused:
        out.line(f"the rebate program was not created again: {refused}")
    company = _company(client, cast.wes.token)
    assert company is not None
    for progress in company["rebateProgress"]:
        band = f"{plain(progress['band']['percent'])}% reached" if progress["band"] else "no band yet"
        rest = ""
        if progress["nextBand"]:
            rest = (f"; {money(progress['missingToNextBand'])} more reaches "
                    f"{plain(progress['nextBand']['percent'])}%")
        out.line(f"Wes reads the open period {progress['period']}: {progress['ordersCount']} orders, "
                 f"{money(progress['spend'])} spent, {band}, {money(progress['rebateSoFar'])} so far{rest}")
    before = company["points"]["available"]
    close_at = datetime.combine(_next_month(today) + timedelta(days=1), time(6), tzinfo=timezone.get_current_timezone())
    closed = events.close_rebate_periods(now=close_at)
    for result in closed:
        out.line(f"task, {close_at.date()}: period {result.period_start} closed, {result.statements} statement(s), "
                 f"{money(result.total_rebate)} in rebates, {result.credited} credited")
    company = _company(client, cast.wes.token)
    assert company is not None
    for statement in company["rebateStatements"][:1]:
        band = statement["band"]
        if band:
            percent = plain(band["percent"])
            out.line(f"statement {statement['period']}: {statement['ordersCount']} orders, {money(statement['spend'])} "
                     f"spent x {percent}% = {money(statement['rebateAmount'])}; / $0.01 a point = "
                     f"{statement['points']} points, {statement['status']}")
        else:
            out.line(f"statement {statement['period']}: {money(statement['spend'])} spent, below the lowest band")
    gained = company["points"]["available"] - before
    out.line(f"{_pool_line(company)} ({gained:+d} available)")
    cast.notes["rebate_closed_at"] = close_at

