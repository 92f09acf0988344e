"""The HTTP endpoint: methods, bodies, limits, error shapes and authentication."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import graphene
import pytest
from django.core import signing
from graphql.utils.introspection_query import introspection_query

from saleor_loyalty.exceptions import NotFound
from saleor_loyalty.graphql import view as view_module
from saleor_loyalty.graphql.auth import LoyaltyPermission, create_access_token
from saleor_loyalty.graphql.core.limits import MAX_DEPTH, MAX_FIELDS
from saleor_loyalty.graphql.schema import QUERIES, build_schema

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors, run_with_schema

pytestmark = pytest.mark.django_db

VIEWER_QUERY = "{ loyaltyViewer { customerId isStaff isApp permissions } }"


# --- methods and bodies ---


def test_get_serves_the_offline_query_editor(api_client: ApiClient) -> None:
    response = api_client.client.get("/graphql/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'id="query-editor"' in page and "fetch(form.dataset.endpoint" in page
    # nothing is loaded from elsewhere: no script or stylesheet by URL
    assert "<script src" not in page and "<link" not in page and "https://" not in page


def test_other_methods_are_not_allowed(api_client: ApiClient) -> None:
    response = api_client.client.put("/graphql/", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_post_runs_a_query(api_client: ApiClient) -> None:
    content = get_graphql_content(api_client.post_graphql(VIEWER_QUERY))
    assert content["data"]["loyaltyViewer"] == {
        "customerId": None,
        "isStaff": False,
        "isApp": False,
        "permissions": [],
    }


def test_application_graphql_body_is_the_query(api_client: ApiClient) -> None:
    response = api_client.post_raw(VIEWER_QUERY, content_type="application/graphql")
    assert get_graphql_content(response)["data"]["loyaltyViewer"]["isStaff"] is False


@pytest.mark.parametrize("body", ["{not json", '{"query": "{ loyaltyViewer { isStaff } }"', "\xff"])
def test_malformed_json_is_400_with_a_clear_message(api_client: ApiClient, body: str) -> None:
    errors = get_graphql_errors(api_client.post_raw(body), status=400)
    assert errors[0]["message"].startswith("Unable to parse the request body as JSON")


@pytest.mark.parametrize("body", ["[]", '"a string"', "42", "null"])
def test_json_that_is_not_an_operation_is_400(api_client: ApiClient, body: str) -> None:
    get_graphql_errors(api_client.post_raw(body), status=400)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Must provide a query string."),
        ({"query": "   "}, "Must provide a query string."),
        ({"query": 7}, "Must provide a query string."),
        ({"query": VIEWER_QUERY, "variables": "[1]"}, "`variables` must be a JSON object."),
        ({"query": VIEWER_QUERY, "operationName": 3}, "`operationName` must be a string."),
    ],
)
def test_bad_operation_fields_are_400(api_client: ApiClient, body: dict[str, Any], message: str) -> None:
    errors = get_graphql_errors(api_client.post_json(body), status=400)
    assert errors[0]["message"] == message
    assert error_codes(errors) == ["GraphQLError"]


def test_unsupported_content_type_is_415(api_client: ApiClient) -> None:
    response = api_client.post_raw("query=x", content_type="application/x-www-form-urlencoded")
    assert "application/json" in get_graphql_errors(response, status=415)[0]["message"]


def test_oversized_body_is_413(api_client: ApiClient) -> None:
    body = json.dumps({"query": VIEWER_QUERY, "variables": {"pad": "x" * view_module.MAX_BODY_BYTES}})
    get_graphql_errors(api_client.post_raw(body), status=413)


def test_syntax_error_is_400(api_client: ApiClient) -> None:
    errors = get_graphql_errors(api_client.post_graphql("{ loyaltyViewer { "), status=400)
    assert "Syntax Error" in errors[0]["message"]
    assert errors[0]["locations"]


def test_validation_errors_are_400_and_all_listed(api_client: ApiClient) -> None:
    errors = get_graphql_errors(api_client.post_graphql("{ nope loyaltyViewer { alsoNope } }"), status=400)
    assert len(errors) == 2
    assert set(error_codes(errors)) == {"GraphQLError"}


def test_unknown_operation_name_is_400(api_client: ApiClient) -> None:
    response = api_client.post_json({"query": "query A { loyaltyViewer { isStaff } }", "operationName": "B"})
    assert 'Unknown operation named "B"' in get_graphql_errors(response, status=400)[0]["message"]


def test_batch_runs_each_operation(api_client: ApiClient) -> None:
    response = api_client.post_json([{"query": VIEWER_QUERY}, {"query": "{ loyaltyViewer { isApp } }"}])
    assert response.status_code == 200
    assert [entry["data"]["loyaltyViewer"]["isApp"] for entry in json.loads(response.content)] == [False, False]


def test_batch_with_a_bad_entry_reports_it_in_place(api_client: ApiClient) -> None:
    response = api_client.post_json([{"query": VIEWER_QUERY}, {"query": "{"}])
    assert response.status_code == 400
    first, second = json.loads(response.content)
    assert "data" in first and "errors" in second


def test_oversized_batch_is_400(api_client: ApiClient) -> None:
    batch = [{"query": VIEWER_QUERY}] * (view_module.MAX_BATCH_SIZE + 1)
    get_graphql_errors(api_client.post_json(batch), status=400)


# --- limits ---


def _nested_introspection(depth: int) -> str:
    """``__schema { types { fields { type { fields { type ...`` reaching ``depth`` levels."""
    inner = "name"
    for level in range(depth - 3, 0, -1):
        inner = f"{'fields' if level % 2 else 'type'} {{ {inner} }}"
    return f"{{ __schema {{ types {{ {inner} }} }} }}"


def test_query_at_the_depth_limit_runs(api_client: ApiClient) -> None:
    get_graphql_content(api_client.post_graphql(_nested_introspection(MAX_DEPTH)))


def test_query_past_the_depth_limit_is_refused(api_client: ApiClient) -> None:
    errors = get_graphql_errors(api_client.post_graphql(_nested_introspection(MAX_DEPTH + 1)), status=400)
    assert error_codes(errors) == ["QueryTooComplex"]
    assert f"the maximum is {MAX_DEPTH}" in errors[0]["message"]


def test_depth_counts_fields_inside_fragments(api_client: ApiClient) -> None:
    query = _nested_introspection(MAX_DEPTH + 1).replace("{ __schema", "{ ...F } fragment F on Query { __schema", 1)
    errors = get_graphql_errors(api_client.post_graphql(query), status=400)
    assert error_codes(errors) == ["QueryTooComplex"]


def test_aliases_count_towards_the_field_limit(api_client: ApiClient) -> None:
    aliases = " ".join(f"a{i}: loyaltyViewer {{ isStaff }}" for i in range(MAX_FIELDS // 2 + 1))
    errors = get_graphql_errors(api_client.post_graphql(f"{{ {aliases} }}"), status=400)
    assert error_codes(errors) == ["QueryTooComplex"]


def test_fragments_spread_many_times_are_counted_not_expanded(api_client: ApiClient) -> None:
    # Each fragment spreads the next one twice: 2**40 fields if expanded naively.
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    query = f"{{ ...F0 }} {fragments} fragment F40 on Query {{ loyaltyViewer {{ isStaff }} }}"
    errors = get_graphql_errors(api_client.post_graphql(query), status=400)
    assert error_codes(errors) == ["QueryTooComplex"]


def test_graphiql_introspection_fits_the_limits(api_client: ApiClient) -> None:
    content = get_graphql_content(api_client.post_graphql(introspection_query))
    assert content["data"]["__schema"]["queryType"]["name"] == "Query"


def test_overlong_query_is_refused(api_client: ApiClient) -> None:
    query = "{ loyaltyViewer { isStaff } }" + " " * view_module.MAX_QUERY_CHARS
    errors = get_graphql_errors(api_client.post_graphql(query), status=400)
    assert "characters long" in errors[0]["message"]


def test_nesting_too_deep_to_parse_is_400(api_client: ApiClient) -> None:
    query = "{ a" * 5000 + " }" * 5000
    get_graphql_errors(api_client.post_graphql(query[: view_module.MAX_QUERY_CHARS]), status=400)


# --- errors raised by resolvers ---


class Boom(graphene.ObjectType):
    crash = graphene.String()
    missing = graphene.String()
    forbidden = graphene.String()
    echo = graphene.Int(n=graphene.Int())
    say = graphene.String(s=graphene.List(graphene.String))

    @staticmethod
    def resolve_crash(_root: Any, _info: Any) -> str:
        raise KeyError("secret internals")

    @staticmethod
    def resolve_missing(_root: Any, _info: Any) -> str:
        raise NotFound("There is no such tier.", field="id")

    @staticmethod
    def resolve_forbidden(_root: Any, info: Any) -> str:
        from saleor_loyalty.graphql.core.context import require_any_permission

        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS)
        return "ok"

    @staticmethod
    def resolve_echo(_root: Any, _info: Any, n: int | None = None) -> int | None:
        return n

    @staticmethod
    def resolve_say(_root: Any, _info: Any, s: list[str] | None = None) -> str:
        return " ".join(s or [])


def _run(query: str, variables: Any = None, *, token: str | None = None) -> tuple[int, dict[str, Any]]:
    return run_with_schema(build_schema(queries=(*QUERIES, Boom)), query, variables, token=token)


def test_unexpected_exception_is_logged_and_hidden(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="saleor_loyalty.graphql"):
        status, content = _run("{ crash loyaltyViewer { isStaff } }")
    assert status == 200
    assert content["data"] == {"crash": None, "loyaltyViewer": {"isStaff": False}}
    [error] = content["errors"]
    assert error["message"] == "Internal Server Error"
    assert error["extensions"] == {"exception": {"code": "InternalServerError"}}
    assert "secret internals" not in json.dumps(content)
    assert any(record.exc_info and "secret internals" in str(record.exc_info[1]) for record in caplog.records)


def test_domain_error_in_a_query_keeps_its_code() -> None:
    _, content = _run("{ missing }")
    [error] = content["errors"]
    assert error["message"] == "There is no such tier."
    assert error["extensions"]["exception"] == {"code": "NOT_FOUND", "field": "id"}
    assert error["path"] == ["missing"]


def test_permission_denied_names_the_permissions(customer: Any) -> None:
    _, content = _run("{ forbidden }", token=create_access_token(customer))
    [error] = content["errors"]
    assert error["extensions"]["exception"] == {"code": "PermissionDenied", "permissions": ["MANAGE_DISCOUNTS"]}
    assert "MANAGE_DISCOUNTS" in error["message"]


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, 2**80, 1.5, "7", True])
def test_int_variable_of_the_wrong_kind_is_400(value: Any) -> None:
    status, content = _run("query ($n: Int) { echo(n: $n) }", {"n": value})
    assert status == 400
    assert "$n" in content["errors"][0]["message"]
    assert error_codes(content["errors"]) == ["GraphQLError"]


@pytest.mark.parametrize("value", ["a\u0000b", "\ud800", ["ok", "\udfff"]])
def test_strings_that_postgresql_cannot_store_are_400(value: Any) -> None:
    status, content = _run("query ($s: [String]) { say(s: $s) }", {"s": value})
    assert status == 400
    assert error_codes(content["errors"]) == ["GraphQLError"]


@pytest.mark.parametrize("literal", ['"a\\u0000b"', '"\\ud83d"', '"""raw \ud800"""'])
def test_string_literals_that_postgresql_cannot_store_are_400(literal: str) -> None:
    status, content = _run(f"{{ say(s: [{literal}]) }}")
    assert status == 400
    assert "Strings cannot contain" in content["errors"][0]["message"]


def test_escaped_surrogate_pairs_in_literals_spell_one_character() -> None:
    status, content = _run('{ say(s: ["party \\ud83c\\udf89", "\\u00e9"]) }')
    assert (status, content) == (200, {"data": {"say": "party 🎉 é"}})


def test_int_literal_out_of_range_is_400() -> None:
    status, content = _run("{ echo(n: 99999999999) }")
    assert status == 400
    assert error_codes(content["errors"]) == ["GraphQLError"]


# --- authentication ---


def test_customer_token_identifies_the_customer(customer: Any, customer_api_client: ApiClient) -> None:
    viewer = get_graphql_content(customer_api_client.post_graphql(VIEWER_QUERY))["data"]["loyaltyViewer"]
    assert viewer["customerId"] == graphene.Node.to_global_id("User", customer.pk)
    assert viewer == {**viewer, "isStaff": False, "permissions": []}


def test_staff_permissions_come_from_groups(staff_api_client: ApiClient) -> None:
    viewer = get_graphql_content(staff_api_client.post_graphql(VIEWER_QUERY))["data"]["loyaltyViewer"]
    assert viewer["isStaff"] is True
    assert viewer["permissions"] == ["MANAGE_USERS"]


def test_superuser_has_every_permission(create_user: Any) -> None:
    client = ApiClient(create_user(is_staff=True, is_superuser=True))
    viewer = get_graphql_content(client.post_graphql(VIEWER_QUERY))["data"]["loyaltyViewer"]
    assert viewer["permissions"] == sorted(p.name for p in LoyaltyPermission)


def test_expired_token_is_401_with_saleors_code(customer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    token = create_access_token(customer)
    later = signing.time.time() + timedelta(hours=1, seconds=1).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: later)
    errors = get_graphql_errors(ApiClient(token=token).post_graphql(VIEWER_QUERY), status=401)
    assert error_codes(errors) == ["ExpiredSignatureError"]


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: create_access_token(user)[:-2] + "xx", id="tampered signature"),
        pytest.param(lambda user: signing.dumps({"user": user.pk}, salt="other"), id="other salt"),
        pytest.param(lambda user: signing.dumps({"user": user.pk}, key="not-our-secret", salt="x"), id="other key"),
        pytest.param(lambda user: "garbage", id="garbage"),
    ],
)
def test_forged_token_is_401(customer: Any, make_token: Any) -> None:
    errors = get_graphql_errors(ApiClient(token=make_token(customer)).post_graphql(VIEWER_QUERY), status=401)
    assert error_codes(errors) == ["InvalidTokenError"]


def test_token_of_a_deactivated_user_is_401(customer: Any) -> None:
    token = create_access_token(customer)
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    errors = get_graphql_errors(ApiClient(token=token).post_graphql(VIEWER_QUERY), status=401)
    assert errors[0]["message"] == "User not found or inactive"


def test_other_authorization_schemes_are_anonymous(customer: Any) -> None:
    client = ApiClient()
    response = client.post_graphql(VIEWER_QUERY, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert get_graphql_content(response)["data"]["loyaltyViewer"]["customerId"] is None
