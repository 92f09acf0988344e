"""Limits that refuse abusive queries before graphql-core validates or runs them.

Two measures per operation, with fragments expanded where they are spread:

- **depth**: the longest chain of nested fields (``{ a { b } }`` is 2). ``ofType`` does not count:
  introspection's type-reference chains end after a few wrappers (GraphiQL's own query nests
  ``ofType`` seven times), while every other field can recurse through the schema.
- **fields**: how many field selections the operation makes, counting each fragment once per
  spread and each alias on its own, so that ``a1: x a2: x ... a9999: x`` is caught too.

Each fragment is measured once (its depth and size do not depend on where it is spread), so a
document whose fragments spread each other many times is measured in linear time. Spread cycles
are left for graphql-core's ``NoFragmentCycles`` rule to report.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql.language import ast

from .errors import QueryTooComplex

MAX_DEPTH = 12
MAX_FIELDS = 1000
# Introspection type references recurse through wrappers only, so they cost no depth.
_DEPTH_FREE_FIELDS = frozenset({"ofType"})


@dataclass(frozen=True)
class QueryMeasure:
    depth: int
    fields: int


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


def measure_operations(document: ast.Document) -> dict[str | None, QueryMeasure]:
    """Depth and field count of each operation in ``document``, keyed by operation name."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, ast.FragmentDefinition)
    }
    measurer = _Measurer(fragments)
    return {
        (definition.name.value if definition.name else None): measurer.measure(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, ast.OperationDefinition)
    }


class _Measurer:
    def __init__(self, fragments: dict[str, ast.FragmentDefinition]) -> None:
        self.fragments = fragments
        self.memo: dict[str, QueryMeasure] = {}
        self.visiting: set[str] = set()

    def measure(self, selection_set: ast.SelectionSet | None) -> QueryMeasure:
        """Depth below (not counting) the owner of ``selection_set``, and its field count."""
        depth = fields = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, ast.Field):
                inner = self.measure(selection.selection_set)
                step = 0 if selection.name.value in _DEPTH_FREE_FIELDS else 1
                depth = max(depth, inner.depth + step)
                fields += inner.fields + 1
            elif isinstance(selection, ast.InlineFragment):
                inner = self.measure(selection.selection_set)
                depth, fields = max(depth, inner.depth), fields + inner.fields
            elif isinstance(selection, ast.FragmentSpread):
                inner = self.measure_fragment(selection.name.value)
                depth, fields = max(depth, inner.depth), fields + inner.fields
        return QueryMeasure(depth=depth, fields=fields)

    def measure_fragment(self, name: str) -> QueryMeasure:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            # Unknown fragments and spread cycles fail validation right after this check.
            return QueryMeasure(depth=0, fields=0)
        self.visiting.add(name)
        try:
            measure = self.measure(fragment.selection_set)
        finally:
            self.visiting.discard(name)
        self.memo[name] = measure
        return measure
