"""The building blocks: global IDs, BaseMutation, dataloaders, requestor checks, query limits."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import graphene
import pytest
from django.contrib.auth.models import Group
from graphql import parse
from graphql.utils.introspection_query import introspection_query

from saleor_loyalty.exceptions import InvalidInput, LoyaltyError, NotFound
from saleor_loyalty.graphql.auth import LoyaltyPermission, Requestor, create_access_token
from saleor_loyalty.graphql.core.context import LoyaltyContext, require_customer_access
from saleor_loyalty.graphql.core.dataloaders import DataLoader
from saleor_loyalty.graphql.core.errors import PermissionDenied
from saleor_loyalty.graphql.core.ids import InvalidGlobalId, from_global_id_or_error, to_global_id
from saleor_loyalty.graphql.core.limits import MAX_DEPTH, MAX_FIELDS, measure_operations
from saleor_loyalty.graphql.core.mutations import BaseMutation
from saleor_loyalty.graphql.core.types import Error, error_code_enum
from saleor_loyalty.graphql.schema import QUERIES, build_schema

from .client import run_with_schema

# --- global IDs ---


def test_global_ids_are_saleors() -> None:
    assert to_global_id("User", 42) == "VXNlcjo0Mg=="  # what Saleor's API returns for user 42
    assert from_global_id_or_error("VXNlcjo0Mg==", "User") == "42"
    order = uuid.uuid4()
    assert from_global_id_or_error(to_global_id("Order", order), "Order") == str(order)


def test_global_id_of_another_type_is_refused() -> None:
    with pytest.raises(InvalidGlobalId, match=r"Expected: ProductVariant, received: User\.") as caught:
        from_global_id_or_error("VXNlcjo0Mg==", "ProductVariant", field="variantId")
    assert caught.value.field == "variantId"


@pytest.mark.parametrize(
    ("global_id", "expected_type"),
    [
        ("", "User"),
        ("garbage", "User"),
        ("ü", "User"),
        (to_global_id("User", "x"), "User"),
        (to_global_id("User", "0"), "User"),
        (to_global_id("User", "-3"), "User"),
        (to_global_id("User", " 7"), "User"),
        (to_global_id("User", "7_000"), "User"),
        (to_global_id("User", "٣"), "User"),  # an Arabic-Indic digit: isdigit() but not a pk
        (to_global_id("User", 2**63), "User"),
        (to_global_id("Order", "42"), "Order"),
        (to_global_id("Checkout", "not-a-uuid"), "Checkout"),
        ("VXNlcg==", "User"),  # "User" without a colon
    ],
)
def test_malformed_global_ids_are_refused(global_id: str, expected_type: str) -> None:
    with pytest.raises(InvalidGlobalId, match=rf"Invalid ID: .*Expected: {expected_type}"):
        from_global_id_or_error(global_id, expected_type)


# --- BaseMutation ---

ThingErrorCode = error_code_enum("ThingErrorCode", ["THING_BROKEN"], description="Test codes.")


class ThingError(Error):
    code = ThingErrorCode(required=True)


class ThingBroken(LoyaltyError):
    code = "THING_BROKEN"


class UnlistedProblem(LoyaltyError):
    code = "NOT_IN_THE_ENUM"


class UnlistedMissing(NotFound):
    code = "ALSO_NOT_IN_THE_ENUM"


class ThingCreate(BaseMutation):
    """Creates a group, then fails as ``outcome`` says (so tests can see the rollback)."""

    name = graphene.String()

    class Arguments:
        outcome = graphene.String(required=True)
        user_id = graphene.ID()

    class Meta:
        error_type_class = ThingError

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, outcome: str, user_id: str | None = None) -> Any:
        Group.objects.create(name="made by the mutation")
        if user_id is not None:
            from_global_id_or_error(user_id, "User", field="user_id")
        failures: dict[str, Exception] = {
            "invalid": InvalidInput(
                "bad", problems=[("points", "Must be positive."), ("idempotency_key", "Too long.")]
            ),
            "broken": ThingBroken("The thing broke.", field="name"),
            "unlisted": UnlistedProblem("Something new."),
            "unlisted_missing": UnlistedMissing("Gone."),
        }
        if outcome in failures:
            raise failures[outcome]
        return cls(name="ok")


class ThingManage(BaseMutation):
    ok = graphene.Boolean()

    class Meta:
        error_type_class = ThingError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS, LoyaltyPermission.MANAGE_ORDERS)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /) -> Any:
        return cls(ok=True)


MUTATION_SCHEMA = build_schema(queries=QUERIES, mutations={"thingCreate": ThingCreate, "thingManage": ThingManage})
CREATE = "mutation ($o: String!, $u: ID) { thingCreate(outcome: $o, userId: $u) { name errors { field message code } } }"


@pytest.mark.django_db
def test_mutation_success_has_empty_errors() -> None:
    _, content = run_with_schema(MUTATION_SCHEMA, CREATE, {"o": "fine"})
    assert content["data"]["thingCreate"] == {"name": "ok", "errors": []}
    assert Group.objects.filter(name="made by the mutation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("variables", "errors"),
    [
        (
            {"o": "invalid"},
            [
                {"field": "points", "message": "Must be positive.", "code": "INVALID"},
                {"field": "idempotencyKey", "message": "Too long.", "code": "INVALID"},
            ],
        ),
        ({"o": "broken"}, [{"field": "name", "message": "The thing broke.", "code": "THING_BROKEN"}]),
        (
            {"o": "fine", "u": "bm9wZQ=="},
            [{"field": "userId", "message": "Invalid ID: bm9wZQ==. Expected: User.", "code": "GRAPHQL_ERROR"}],
        ),
    ],
)
def test_refused_mutation_reports_errors_and_changes_nothing(
    variables: dict[str, Any], errors: list[dict[str, Any]]
) -> None:
    status, content = run_with_schema(MUTATION_SCHEMA, CREATE, variables)
    assert status == 200
    assert "errors" not in content
    assert content["data"]["thingCreate"] == {"name": None, "errors": errors}
    assert not Group.objects.filter(name="made by the mutation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("outcome", "fallback"), [("unlisted", "INVALID"), ("unlisted_missing", "NOT_FOUND")])
def test_domain_code_missing_from_the_enum_falls_back_and_warns(
    outcome: str, fallback: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="saleor_loyalty.graphql"):
        _, content = run_with_schema(MUTATION_SCHEMA, CREATE, {"o": outcome})
    [error] = content["data"]["thingCreate"]["errors"]
    assert error["code"] == fallback
    assert any("is not in ThingErrorCode" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_mutation_without_permission_is_denied_at_the_top(customer: Any) -> None:
    _, content = run_with_schema(
        MUTATION_SCHEMA, "mutation { thingManage { ok } }", token=create_access_token(customer)
    )
    assert content["data"] == {"thingManage": None}
    [error] = content["errors"]
    assert error["extensions"]["exception"] == {
        "code": "PermissionDenied",
        "permissions": ["MANAGE_DISCOUNTS", "MANAGE_ORDERS"],
    }


@pytest.mark.django_db
def test_any_one_of_the_permissions_is_enough(create_user: Any, grant: Any) -> None:
    staff = create_user(is_staff=True)
    grant(staff, LoyaltyPermission.MANAGE_ORDERS)
    _, content = run_with_schema(MUTATION_SCHEMA, "mutation { thingManage { ok } }", token=create_access_token(staff))
    assert content == {"data": {"thingManage": {"ok": True}}}


def test_mutation_needs_an_error_type() -> None:
    with pytest.raises(TypeError, match="needs Meta.error_type_class"):

        class Careless(BaseMutation):  # noqa: F841 - defining the class is the test
            ok = graphene.Boolean()


# --- dataloaders ---


class SquareLoader(DataLoader[int, int]):
    context_key = "square"
    batches: list[list[int]] = []

    def batch_load(self, keys: list[int]) -> list[int]:
        SquareLoader.batches.append(keys)
        return [key * key for key in keys]


class Squares(graphene.ObjectType):
    squares = graphene.List(graphene.Int, n=graphene.Int(required=True))

    @staticmethod
    def resolve_squares(_root: Any, info: Any, n: int) -> Any:
        loader = SquareLoader(info.context)
        return [loader.load(i % 5) for i in range(n)]


@pytest.mark.django_db
def test_dataloader_batches_one_request_and_forgets_it_after() -> None:
    SquareLoader.batches = []
    schema = build_schema(queries=(*QUERIES, Squares))
    for _ in range(2):
        _, content = run_with_schema(schema, "{ a: squares(n: 12) b: squares(n: 3) }")
        assert content["data"]["a"][:6] == [0, 1, 4, 9, 16, 0]
    # One batch per request, each key once; the second request did not reuse the first's cache.
    assert SquareLoader.batches == [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]


def test_one_loader_per_context_and_key() -> None:
    context = LoyaltyContext(request=None, requestor=Requestor())
    assert SquareLoader(context) is SquareLoader(context)
    assert SquareLoader(context) is not SquareLoader(LoyaltyContext(request=None, requestor=Requestor()))

    class Clash(DataLoader[int, int]):
        context_key = "square"

    with pytest.raises(TypeError, match="is used by both"):
        Clash(context)


# --- who may see whose data ---


class _Info:
    def __init__(self, requestor: Requestor) -> None:
        self.context = LoyaltyContext(request=None, requestor=requestor)


class _User:
    def __init__(self, pk: int, *, is_staff: bool = False) -> None:
        self.pk, self.is_staff = pk, is_staff


def test_customers_see_their_own_data_only() -> None:
    info = _Info(Requestor(user=_User(7)))
    assert require_customer_access(info, None) == 7
    assert require_customer_access(info, 7) == 7
    with pytest.raises(PermissionDenied, match="MANAGE_USERS"):
        require_customer_access(info, 8)


def test_manage_users_sees_anyone() -> None:
    staff = _Info(Requestor(user=_User(1, is_staff=True), permissions=frozenset({LoyaltyPermission.MANAGE_USERS})))
    assert require_customer_access(staff, 8) == 8
    app = _Info(Requestor(app=object(), permissions=frozenset({LoyaltyPermission.MANAGE_USERS})))
    assert require_customer_access(app, 8) == 8
    with pytest.raises(PermissionDenied, match="Apps must pass"):
        require_customer_access(app, None)


def test_anonymous_sees_nobody() -> None:
    with pytest.raises(PermissionDenied, match="signed in"):
        require_customer_access(_Info(Requestor()), None)
    with pytest.raises(PermissionDenied):
        require_customer_access(_Info(Requestor()), 8)


def test_staff_without_the_permission_is_a_customer() -> None:
    info = _Info(Requestor(user=_User(1, is_staff=True), permissions=frozenset({LoyaltyPermission.MANAGE_ORDERS})))
    with pytest.raises(PermissionDenied):
        require_customer_access(info, 8)


# --- query limits ---


def test_introspection_measures_well_inside_the_limits() -> None:
    [measure] = measure_operations(parse(introspection_query)).values()
    assert measure.depth < MAX_DEPTH
    assert measure.fields < MAX_FIELDS


def test_measures_follow_fragments_and_ignore_of_type() -> None:
    document = parse(
        "query Q { a { ...F b { c } } } fragment F on A { d { e { ofType { ofType { name } } } } }"
    )
    assert measure_operations(document)["Q"].depth == 4  # a d e name; ofType costs nothing
    assert measure_operations(document)["Q"].fields == 8
