"""Limits that refuse abusive queries before graphql-core validates or runs them.

Two measures per operation, with fragments expanded where they are spread:

- **depth**: the longest chain of nested fields (``{ a { b } }`` is 2). ``ofType`` does not count:
  introspection's type-reference chains end after a few wrappers (GraphiQL's own query nests
  ``ofType`` seven times), while every other field can recurse through the schema.
- **fields**: how many field selections the operation makes, counting each fragment once per
  spread and each alias on its own, so that ``a1: x a2: x ... a9999: x`` is caught too.

- **cost**: what the operation makes the server do. A field costs 1 unless ``FIELD_COSTS``
  gives it a weight (a quote, tier prices, metrics, an account list: anything that runs a
  service per occurrence), and a page of ``first: n`` (or ``last``) costs its sub-selection n
  times. Aliases each cost again. The view adds up the cost of every operation of a request,
  a batch included, and refuses the whole request above ``MAX_COST`` before running any of it.

Each fragment is measured once (its depth, size and cost do not depend on where it is spread),
so a document whose fragments spread each other many times is measured in linear time. Spread
cycles are left for graphql-core's ``NoFragmentCycles`` rule to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql.language import ast

from .errors import QueryTooComplex

MAX_DEPTH = 12
MAX_FIELDS = 1000
# The budget of one HTTP request (every operation of a batch together). A quote costs 100, so a
# request holds 20 quotes, or one page of 100 accounts with their tiers, or 5 metrics reports;
# measured at about 4 ms per quote, the budget keeps a request well under a second of work.
MAX_COST = 2000
# Fields that run a service (queries, computations) each time they appear; all others cost 1.
# Keyed by field name: the names are unique in this schema (a test checks every name exists).
FIELD_COSTS: dict[str, int] = {
    "loyaltyQuote": 100,
    "loyaltyMetrics": 400,
    "loyaltyLiability": 50,
    "loyaltyTierPrices": 100,
    "loyaltyProgram": 20,
    "loyaltyAccount": 10,
    "loyaltyAccounts": 20,
    "loyaltyCompany": 10,
    "loyaltyCompanies": 20,
    "loyaltyPriceLists": 20,
    "loyaltyReferral": 10,
    "loyaltyNextPurchaseDiscounts": 10,
    "nextTier": 20,
    "tierProgress": 20,
    "tierGraceUntil": 20,
    "rebateProgress": 20,
    "rebateStatements": 20,
    "myAllowance": 10,
    "members": 10,
    "entries": 10,
}
# A mutation writes in a transaction of its own; aliases of one each cost this much.
MUTATION_COST = 20
# A page size given in a variable that is missing or not an int: the largest page.
_DEFAULT_PAGE = 100
# Introspection type references recurse through wrappers only, so they cost no depth.
_DEPTH_FREE_FIELDS = frozenset({"ofType"})


@dataclass(frozen=True)
class QueryMeasure:
    depth: int
    fields: int
    cost: int = 0


def check_query_limits(
    document: ast.Document, *, max_depth: int = MAX_DEPTH, max_fields: int = MAX_FIELDS
) -> None:
    """Raise ``QueryTooComplex`` when an operation of ``document`` goes past a limit."""
    for operation, measure in measure_operations(document).items():
        label = f"Operation `{operation}`" if operation else "The operation"
        if measure.depth > max_depth:
            raise QueryTooComplex(
                f"{label} is {measure.depth} levels deep; the maximum is {max_depth}."
            )
        if measure.fields > max_fields:
            raise QueryTooComplex(
                f"{label} selects {measure.fields} fields; the maximum is {max_fields}."
            )


def get_request_cost(
    documents: list[tuple[ast.Document, str | None, dict[str, Any] | None]],
) -> int:
    """The cost of a request: each ``(document, operation name, variables)`` it runs, summed.

    Only the operation that will run counts (the named one, or the only one).
    """
    total = 0
    for document, operation_name, variables in documents:
        measures = measure_operations(document, variables=variables)
        if operation_name in measures:
            total += measures[operation_name].cost
        elif len(measures) == 1:
            total += next(iter(measures.values())).cost
    return total


def check_request_cost(cost: int, *, max_cost: int = MAX_COST) -> None:
    """Raise ``QueryTooComplex`` when a request's cost is over the budget."""
    if cost > max_cost:
        raise QueryTooComplex(
            f"The request costs {cost}; the maximum is {max_cost}. Expensive fields cost more than 1 "
            f"(loyaltyQuote {FIELD_COSTS['loyaltyQuote']}, loyaltyMetrics {FIELD_COSTS['loyaltyMetrics']}, "
            "a page of n rows n times its fields): ask for fewer, or split the request."
        )


def measure_operations(
    document: ast.Document, *, variables: dict[str, Any] | None = None
) -> dict[str | None, QueryMeasure]:
    """Depth, field count and cost of each operation in ``document``, keyed by operation name."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, ast.FragmentDefinition)
    }
    measurer = _Measurer(fragments, variables or {})
    measures = {}
    for definition in document.definitions:
        if isinstance(definition, ast.OperationDefinition):
            measure = measurer.measure(definition.selection_set, mutation=definition.operation == "mutation")
            measures[definition.name.value if definition.name else None] = measure
    return measures


class _Measurer:
    def __init__(self, fragments: dict[str, ast.FragmentDefinition], variables: dict[str, Any]) -> None:
        self.fragments = fragments
        self.variables = variables
        self.memo: dict[str, QueryMeasure] = {}
        self.visiting: set[str] = set()

    def measure(self, selection_set: ast.SelectionSet | None, *, mutation: bool = False) -> QueryMeasure:
        """Depth below (not counting) the owner of ``selection_set``, its field count and cost."""
        depth = fields = cost = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, ast.Field):
                inner = self.measure(selection.selection_set)
                name = selection.name.value
                step = 0 if name in _DEPTH_FREE_FIELDS else 1
                depth = max(depth, inner.depth + step)
                fields += inner.fields + 1
                own = MUTATION_COST if mutation else FIELD_COSTS.get(name, 1)
                cost += own + self.page_size(selection) * inner.cost
            elif isinstance(selection, ast.InlineFragment):
                inner = self.measure(selection.selection_set, mutation=mutation)
                depth, fields, cost = max(depth, inner.depth), fields + inner.fields, cost + inner.cost
            elif isinstance(selection, ast.FragmentSpread):
                inner = self.measure_fragment(selection.name.value, mutation=mutation)
                depth, fields, cost = max(depth, inner.depth), fields + inner.fields, cost + inner.cost
        return QueryMeasure(depth=depth, fields=fields, cost=cost)

    def page_size(self, field: ast.Field) -> int:
        """How many times a field's sub-selection runs: ``first``/``last`` for a page, else once."""
        for argument in field.arguments or ():
            if argument.name.value not in {"first", "last"}:
                continue
            value = argument.value
            if isinstance(value, ast.IntValue):
                size = int(value.value)
            elif isinstance(value, ast.Variable):
                given = self.variables.get(value.name.value)
                size = given if isinstance(given, int) and not isinstance(given, bool) else _DEFAULT_PAGE
            else:
                size = _DEFAULT_PAGE
            # Out-of-range sizes are refused by the pagination checks; here they cost their cap.
            return max(1, min(size, _DEFAULT_PAGE))
        return 1

    def measure_fragment(self, name: str, *, mutation: bool = False) -> QueryMeasure:
        key = f"{'mutation:' if mutation else ''}{name}"  # a fragment of mutation fields costs more
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            # Unknown fragments and spread cycles fail validation right after this check.
            return QueryMeasure(depth=0, fields=0)
        self.visiting.add(name)
        try:
            measure = self.measure(fragment.selection_set, mutation=mutation)
        finally:
            self.visiting.discard(name)
        self.memo[key] = measure
        return measure
