"""Finding 6 of issue 15: cost amplification. Expensive fields have a weight, a request (a batch
included) has a budget, and a request over it is refused before any of it runs, quickly."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql import parse

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.core.limits import FIELD_COSTS, MAX_COST, get_request_cost
from saleor_loyalty.graphql.schema import get_schema
from tests.graphql.client import ApiClient, get_graphql_content
from tests.services.fakes import FakeShop

pytestmark = pytest.mark.django_db

TOKEN = str(uuid.UUID(int=3))


def _aliases(field: str, count: int) -> str:
    return "{ " + " ".join(f"q{i}: {field}" for i in range(count)) + " }"


def _cost(query: str, variables: dict[str, Any] | None = None) -> int:
    return get_request_cost([(parse(query), None, variables)])


def test_the_reported_batch_of_quotes_is_refused_before_anything_runs(shop: FakeShop, shopper: Any) -> None:
    # given: 10 operations of 495 aliased quotes each (the request that took ~20 s)
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    query = "query ($c: ID!) " + _aliases("loyaltyQuote(checkoutId: $c) { subtotal }", 495)
    batch = [{"query": query, "variables": {"c": to_global_id("Checkout", TOKEN)}}] * 10

    # when
    with CaptureQueriesContext(connection) as queries:
        response = ApiClient(shopper).post_json(batch)

    # then: refused as a whole, before any resolver (no SQL beyond authentication). How fast is a
    # figure, not an assertion (~0.35 s measured; docs/security.md).
    content = json.loads(response.content)
    assert response.status_code == 400
    assert len(content) == 10
    assert {entry["errors"][0]["extensions"]["exception"]["code"] for entry in content} == {"QueryTooComplex"}
    assert content[0]["errors"][0]["message"].startswith("The request costs 499950; the maximum is 2000.")
    assert not any("loyalty_" in query["sql"] for query in queries.captured_queries)


def test_an_anonymous_batch_of_program_aliases_is_refused() -> None:
    batch = [{"query": _aliases("loyaltyProgram { pointsPerUnit }", 100)}] * 2

    response = ApiClient().post_json(batch)

    assert response.status_code == 400
    assert json.loads(response.content)[0]["errors"][0]["extensions"]["exception"]["code"] == "QueryTooComplex"


def test_the_budget_counts_the_whole_batch_not_each_operation(shop: FakeShop, shopper: Any) -> None:
    # 15 quotes cost 1,515 each request: one request passes, two in a batch (3,030) do not.
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    field = f'loyaltyQuote(checkoutId: "{to_global_id("Checkout", TOKEN)}") {{ subtotal }}'
    query = _aliases(field, 15)
    client = ApiClient(shopper)

    single = get_graphql_content(client.post_graphql(query))
    batch = client.post_json([{"query": query}, {"query": query}])

    assert _cost(query) == 1515
    assert single["data"]["q14"] == {"subtotal": "20.00"}
    assert batch.status_code == 400


def test_a_page_costs_its_rows() -> None:
    page = "query ($n: Int) { loyaltyAccounts(first: $n) { edges { node { available nextTier { name } } } } }"

    assert _cost(page, {"n": 10}) == 20 + 10 * (1 + 1 + 1 + 20 + 1)
    assert _cost(page, {"n": 100}) > MAX_COST  # every row's tier progress: ask on one account instead
    assert _cost(page, {}) == _cost(page, {"n": 100})  # a missing size costs the largest page


def test_ordinary_storefront_requests_fit_the_budget() -> None:
    account = """{ loyaltyAccount { available tier { name } nextTier { name } tierProgress { have need }
                   entries(first: 20) { edges { node { kind points createdAt } } } } }"""
    assert _cost(account) < MAX_COST / 4
    assert _cost("{ loyaltyProgram { pointsPerUnit tiers { name } } loyaltyViewer { customerId } }") < 50


def test_every_weighted_field_exists_in_the_schema() -> None:
    """The weights are keyed by field name: a renamed field must not lose its weight silently."""
    schema = get_schema()
    names = {
        name
        for type_ in schema.get_type_map().values()
        if hasattr(type_, "fields") and not type_.name.startswith("__")
        for name in type_.fields
    }
    assert set(FIELD_COSTS) <= names, set(FIELD_COSTS) - names
