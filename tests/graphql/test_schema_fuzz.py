"""Random schema-valid operations against the real API: refused cleanly or answered, never a 500.

The operations come from the schema's own introspection (``fuzz.Fuzzer``), so every query and
mutation added to ``saleor_loyalty.graphql.schema`` is fuzzed without touching this file. Each
example runs through the real URL and view as an anonymous caller, a customer and a staff
member with every permission.
"""

from __future__ import annotations

import json
from typing import Any

import graphene
import pytest
from django.db import connection
from graphql import parse, validate
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.graphql.core.errors import INTERNAL_ERROR_CODE
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.core.inputs import check_inputs
from saleor_loyalty.graphql.schema import QUERIES, build_schema, get_schema

from .client import ApiClient, run_with_schema
from .fuzz import Fuzzer

FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def clients(create_user: Any, grant: Any) -> dict[str, ApiClient]:
    customer = create_user(username="fuzzed-customer")
    staff = create_user(username="fuzzed-staff", is_staff=True)
    grant(staff, *LoyaltyPermission)
    return {"anonymous": ApiClient(), "customer": ApiClient(customer), "staff": ApiClient(staff)}


@pytest.fixture
def fuzzer(clients: dict[str, ApiClient]) -> Fuzzer:
    known = [to_global_id("User", client.user.pk) for client in clients.values() if client.user]
    return Fuzzer(get_schema().introspect(), known_ids=known)


def assert_no_server_error(response: Any, document: str, variables: dict[str, Any]) -> None:
    context = f"\n{document}\nvariables={variables!r}\nresponse={response.content[:2000]!r}"
    assert response.status_code < 500, context
    content = json.loads(response.content)
    codes = [error["extensions"]["exception"]["code"] for error in content.get("errors", [])]
    assert INTERNAL_ERROR_CODE not in codes, context
    # A failed statement would poison the test's transaction for every later example.
    assert not connection.needs_rollback, context


@pytest.mark.django_db
@pytest.mark.parametrize("requestor", ["anonymous", "customer", "staff"])
def test_random_operations_never_fail_the_server(
    requestor: str, clients: dict[str, ApiClient], fuzzer: Fuzzer
) -> None:
    client = clients[requestor]

    @FUZZ_SETTINGS
    @given(operation=fuzzer.operations())
    def run(operation: tuple[str, dict[str, Any]]) -> None:
        document, variables = operation
        response = client.post_graphql(document, variables)
        assert_no_server_error(response, document, variables)

    run()


# Every query and mutation, listed from the schema itself: a new operation is fuzzed on its own
# (not only when a random draw happens to pick it) without touching this file.
ROOT_FIELDS = Fuzzer(get_schema().introspect()).root_fields()


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "root_field"), ROOT_FIELDS, ids=[name for _, name in ROOT_FIELDS])
def test_each_root_field_never_fails_the_server(
    kind: str, root_field: str, clients: dict[str, ApiClient], fuzzer: Fuzzer
) -> None:
    @settings(FUZZ_SETTINGS, max_examples=8)
    @given(operation=fuzzer.operation(kind, root_field))
    def run(operation: tuple[str, dict[str, Any]]) -> None:
        document, variables = operation
        for client in clients.values():
            assert_no_server_error(client.post_graphql(document, variables), document, variables)

    run()


@pytest.mark.django_db
def test_the_fuzzer_writes_valid_operations(fuzzer: Fuzzer) -> None:
    """Without hostile values every generated operation passes validation and the input checks,
    so the fuzz above reaches the resolvers instead of stopping at the door."""
    fuzzer.hostile = False
    schema = get_schema()

    @FUZZ_SETTINGS
    @given(operation=fuzzer.operations())
    def run(operation: tuple[str, dict[str, Any]]) -> None:
        document, variables = operation
        ast = parse(document)
        assert validate(schema, ast) == [], document
        check_inputs(schema, ast, None, variables)

    run()


def test_the_fuzzer_draws_each_root_field_on_its_own() -> None:
    """Asked for one root field, the fuzzer selects exactly that field (what the test above relies on)."""
    fuzzer = Fuzzer(get_schema().introspect(), hostile=False)
    for kind, root_field in ROOT_FIELDS:
        document, _ = find(fuzzer.operation(kind, root_field), lambda _: True, settings=settings(database=None))
        definition = parse(document).definitions[0]
        assert [selection.name.value for selection in definition.selection_set.selections] == [root_field]


class Fragile(graphene.ObjectType):
    divide = graphene.Int(by=graphene.Int(required=True))

    @staticmethod
    def resolve_divide(_root: Any, _info: Any, by: int) -> int:
        return 100 // by  # ZeroDivisionError for by=0: the bug the harness must find


@pytest.mark.django_db
def test_the_harness_finds_a_resolver_that_crashes() -> None:
    schema = build_schema(queries=(*QUERIES, Fragile))
    fuzzer = Fuzzer(schema.introspect())

    @settings(max_examples=200, deadline=None, database=None)
    @given(operation=fuzzer.operations())
    def run(operation: tuple[str, dict[str, Any]]) -> None:
        document, variables = operation
        status, content = run_with_schema(schema, document, variables)
        codes = [error["extensions"]["exception"]["code"] for error in content.get("errors", [])]
        assert status < 500 and INTERNAL_ERROR_CODE not in codes

    with pytest.raises(AssertionError):
        run()
