"""Companies and rebate programs in the console: the company services' own checks, beside fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.models import Company, CompanyMember, RebateBand, RebateProgram
from saleor_loyalty.services import points

from .conftest import csrf_of

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    token = csrf_of(client.get("/console/companies/").content.decode())
    return client.post(url, {**data, "csrf_token": token})


def test_company_members_roles_limits_and_pool(console: Client, customer: Any, other_customer: Any) -> None:
    customer.email, other_customer.email = "buyer@acme.test", "boss@acme.test"
    customer.save(), other_customer.save()
    response = post(console, "/console/companies/", {"name": "Acme Supplies"})
    company = Company.objects.get()
    assert response["Location"] == f"/console/companies/{company.pk}/?notice=created"
    url = f"/console/companies/{company.pk}/"
    post(console, url, {"action": "add-member", "user": "boss@acme.test", "role": "admin"})
    post(console, url, {"action": "add-member", "user": str(customer.pk), "role": "buyer", "redemption_limit": "500"})
    post(console, url, {"action": "update-member", "user_id": str(customer.pk), "role": "buyer", "redemption_limit": "800"})
    members = {m.user_id: (m.role, m.redemption_limit) for m in CompanyMember.objects.all()}
    assert members == {other_customer.pk: ("admin", None), customer.pk: ("buyer", 800)}
    # the last admin cannot be demoted: the service refuses, the page says why
    refused = post(console, url, {"action": "update-member", "user_id": str(other_customer.pk), "role": "buyer"})
    assert refused.status_code == 400 and "admin" in refused.content.decode()
    assert CompanyMember.objects.get(user=other_customer).role == "admin"
    points.credit_bonus(points.Owner.company(company.pk), "gift:acme", points=300, reason="welcome")
    assert 'id="pool-available">300<' in console.get(url).content.decode()


def test_rebate_program_created_and_bands_replaced(console: Client) -> None:
    form = {"name": "Volume", "period": "quarter", "starts_on": "2025-01-01", "currency": "EUR", "payout": "points",
            "point_value": "0.01", "settle_days": "0", "bands": "10000 2\n50000 4"}
    bad = post(console, "/console/rebates/", {**form, "bands": "10000 4\n50000 2", "starts_on": "2025-02-01"})
    html = bad.content.decode()
    assert bad.status_code == 400 and 'data-field="bands"' in html and 'data-field="starts_on"' in html
    assert not RebateProgram.objects.exists()
    post(console, "/console/rebates/", form)
    program = RebateProgram.objects.get()
    post(console, f"/console/rebates/{program.pk}/", {"name": "Volume 2025", "settle_days": "14", "is_active": "on",
                                                       "bands": "20000 3"})
    program.refresh_from_db()
    assert (program.name, program.settle_days) == ("Volume 2025", 14)
    assert list(RebateBand.objects.values_list("min_spend", "percent")) == [(Decimal("20000.000"), Decimal("3.0000"))]
