"""Keyset cursor connections: Saleor's paging rules, stable pages, bad cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import graphene
import pytest
from django.contrib.auth import get_user_model

from saleor_loyalty.graphql.core.connection import (
    MAX_PAGE_SIZE,
    ConnectionField,
    CountableConnection,
    create_connection_slice,
)
from saleor_loyalty.graphql.schema import QUERIES, build_schema

from .client import run_with_schema

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 1, 1, tzinfo=UTC)


class UserNode(graphene.ObjectType):
    username = graphene.String()


class UserConnection(CountableConnection):
    class Meta:
        node = UserNode


class UsersQuery(graphene.ObjectType):
    users = ConnectionField(UserConnection)

    @staticmethod
    def resolve_users(_root: Any, info: Any, **kwargs: Any) -> Any:
        queryset = get_user_model().objects.all()
        return create_connection_slice(queryset, info, kwargs, UserConnection, ordering=("-date_joined", "-id"))


SCHEMA = build_schema(queries=(*QUERIES, UsersQuery))

PAGE_QUERY = """
query ($first: Int, $after: String, $last: Int, $before: String) {
  users(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { username } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def run(**variables: Any) -> dict[str, Any]:
    status, content = run_with_schema(SCHEMA, PAGE_QUERY, variables)
    assert status == 200, content
    return content


def page(**variables: Any) -> dict[str, Any]:
    content = run(**variables)
    assert "errors" not in content, content["errors"]
    return content["data"]["users"]  # type: ignore[no-any-return]


def names(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["username"] for edge in connection["edges"]]


@pytest.fixture
def users(create_user: Callable[..., Any]) -> list[str]:
    """Seven users u0..u6 joined a minute apart; u2 and u3 at the same instant (ties go by id)."""
    joined = [T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2), T0 + timedelta(minutes=2)]
    joined += [T0 + timedelta(minutes=m, microseconds=m) for m in (3, 4, 5)]
    return [create_user(username=f"u{i}", date_joined=when).username for i, when in enumerate(joined)]


def test_first_pages_forward_newest_first_without_gaps_or_repeats(users: list[str]) -> None:
    seen: list[str] = []
    after = None
    flags = []
    while True:
        connection = page(first=3, after=after)
        seen += names(connection)
        flags.append((connection["pageInfo"]["hasPreviousPage"], connection["pageInfo"]["hasNextPage"]))
        assert connection["totalCount"] == 7
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == ["u6", "u5", "u4", "u3", "u2", "u1", "u0"]
    assert flags == [(False, True), (True, True), (True, False)]


def test_last_pages_backward(users: list[str]) -> None:
    tail = page(last=3)
    assert names(tail) == ["u2", "u1", "u0"]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    before = page(last=3, before=tail["pageInfo"]["startCursor"])
    assert names(before) == ["u5", "u4", "u3"]
    assert before["pageInfo"]["hasNextPage"] is True
    assert names(page(last=3, before=before["pageInfo"]["startCursor"])) == ["u6"]


def test_rows_written_between_pages_do_not_shift_the_next_page(
    users: list[str], create_user: Callable[..., Any]
) -> None:
    first = page(first=2)
    create_user(username="newcomer", date_joined=T0 + timedelta(hours=1))
    assert names(page(first=2, after=first["pageInfo"]["endCursor"])) == ["u4", "u3"]


def test_cursor_keeps_microseconds(users: list[str]) -> None:
    # u5 joined at 00:04:00.000004; a cursor rounded to milliseconds (as DjangoJSONEncoder
    # writes datetimes) would point before u5 and the next page would repeat it.
    cursor_of_u5 = page(first=2)["edges"][1]["cursor"]
    assert json.loads(base64.b64decode(cursor_of_u5))[0] == "2025-01-01T00:04:00.000004+00:00"
    assert names(page(first=1, after=cursor_of_u5)) == ["u4"]


def test_total_count_costs_a_query_only_when_asked(
    users: list[str], django_assert_num_queries: Callable[..., Any]
) -> None:
    with django_assert_num_queries(1):
        run_with_schema(SCHEMA, "{ users(first: 2) { edges { node { username } } } }")
    with django_assert_num_queries(2):
        run_with_schema(SCHEMA, "{ users(first: 2) { totalCount edges { node { username } } } }")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "You must provide a `first` or `last` value to properly paginate the `users` connection."),
        ({"first": MAX_PAGE_SIZE + 1}, "Requesting 101 records on the `users` connection exceeds the `first` limit of 100 records."),
        ({"last": 10_000}, "Requesting 10000 records on the `users` connection exceeds the `last` limit of 100 records."),
        ({"first": 0}, "Argument `first` must be a positive integer."),
        ({"last": -5}, "Argument `last` must be a positive integer."),
        ({"first": 1, "last": 1}, "Argument `last` cannot be combined with `first`."),
        ({"first": 1, "before": "x"}, "Argument `first` cannot be combined with `before`."),
        ({"last": 1, "after": "x"}, "Argument `last` cannot be combined with `after`."),
    ],
)
def test_paging_rules(users: list[str], variables: dict[str, Any], message: str) -> None:
    content = run(**variables)
    assert content["data"] == {"users": None}
    [error] = content["errors"]
    assert error["message"] == message
    assert error["extensions"]["exception"]["code"] == "GraphQLError"


def _b64(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        "ü",
        _b64({"a": 1}),
        _b64(["2025-01-01T00:00:00+00:00"]),
        _b64(["yesterday", "1"]),
        _b64(["2025-01-01T00:00:00+00:00", "one"]),
        _b64(["2025-01-01T00:00:00+00:00", None]),
        base64.b64encode(b"\xff\xfe").decode(),
    ],
)
def test_bad_cursor_is_a_clean_error(users: list[str], cursor: str) -> None:
    content = run(first=2, after=cursor)
    [error] = content["errors"]
    assert error["message"] == "Received cursor is invalid."


@pytest.mark.parametrize(
    ("forged_id", "expected"), [(str(2**70), ["u3", "u2"]), ("-1", ["u1", "u0"]), ("0", ["u1", "u0"])]
)
def test_forged_cursor_values_are_only_positions(users: list[str], forged_id: str, expected: list[str]) -> None:
    # Values that parse name a place in the ordering, even one no row has (an id past bigint
    # sorts after every row of its instant, -1 before): no error, nothing outside the list.
    connection = page(first=2, after=_b64(["2025-01-01T00:02:00+00:00", forged_id]))
    assert names(connection) == expected


def test_ordering_must_have_one_direction() -> None:
    with pytest.raises(ValueError, match="one direction"):
        create_connection_slice(
            get_user_model().objects.all(), None, {"first": 1}, UserConnection, ordering=("-date_joined", "id")
        )
