"""Strict checks of input values that graphql-core 2 lets through.

graphql-core 2 coerces variables the lenient way: ``1.5`` becomes the Int ``1``, ``"7"`` becomes
``7`` and ``true`` passes as an Int. For points, silently rounding what a client sent is wrong, so
variables are checked against their declared types first, as the GraphQL spec (and graphql-core 3)
would. Strings, in variables and in literals alike, must also be storable: PostgreSQL text holds
no NUL character, and an unpaired surrogate (``"\\ud800"``) has no UTF-8 form.

graphql-core 2's lexer also decodes the two escapes of a surrogate pair (``"\\ud83d\\ude00"``,
how JSON writes an emoji) into two separate halves; literals get them joined back into the one
character they spell before the check, and execution reads the joined string.
"""

from __future__ import annotations

import json
import math
from typing import Any

from graphql import GraphQLError
from graphql.language import ast
from graphql.language.visitor import Visitor, visit
from graphql.type import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.utils.get_operation_ast import get_operation_ast
from graphql.utils.type_from_ast import type_from_ast

_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1


def check_inputs(
    schema: GraphQLSchema, document: ast.Document, operation_name: str | None, variables: dict[str, Any] | None
) -> None:
    """Raise ``GraphQLError`` for the first input value that graphql-core 2 would bend."""
    visit(document, _LiteralStrings())
    operation = get_operation_ast(document, operation_name)
    if operation is None or not variables:
        return  # execution reports a missing or ambiguous operation
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in variables:
            continue
        input_type = type_from_ast(schema, definition.type)
        if input_type is None:
            continue  # validation already reported the unknown type
        problem = _problem(variables[name], input_type)
        if problem:
            shown = json.dumps(variables[name], ensure_ascii=True)
            if len(shown) > 200:
                shown = shown[:200] + "..."
            raise GraphQLError(f'Variable "${name}" got invalid value {shown}.\n{problem}', [definition])


def string_problem(value: str) -> str | None:
    if "\x00" in value:
        return "Strings cannot contain the NUL character."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Strings cannot contain unpaired surrogates."
    return None


def _problem(value: Any, input_type: Any, path: str = "") -> str | None:
    """Why ``value`` is not strictly of ``input_type``, or None; nulls are graphql-core's to judge."""
    if value is None:
        return None
    if isinstance(input_type, GraphQLNonNull):
        return _problem(value, input_type.of_type, path)
    if isinstance(input_type, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            problem = _problem(item, input_type.of_type, f"{path}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(input_type, GraphQLInputObjectType):
        if not isinstance(value, dict):
            return None  # graphql-core refuses non-objects itself
        for field_name, field in input_type.fields.items():
            if field_name in value:
                problem = _problem(value[field_name], field.type, f"{path}.{field_name}" if path else field_name)
                if problem:
                    return problem
        return None
    if isinstance(input_type, GraphQLEnumType) or not isinstance(input_type, GraphQLScalarType):
        return None
    problem = _scalar_problem(value, input_type.name)
    if problem and path:
        return f"In field {path!r}: {problem}"
    return problem


def _scalar_problem(value: Any, type_name: str) -> str | None:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Int":
        if not is_int:
            return f"Expected type Int, found {json.dumps(value)}."
        if not _MIN_INT <= value <= _MAX_INT:
            return f"Int cannot represent non 32-bit signed integer value: {value}"
    elif type_name == "Float":
        if not (is_int or isinstance(value, float)) or (isinstance(value, float) and not math.isfinite(value)):
            return f"Expected type Float, found {json.dumps(value)}."
    elif type_name == "Boolean":
        if not isinstance(value, bool):
            return f"Expected type Boolean, found {json.dumps(value)}."
    elif type_name in {"String", "ID"}:
        if type_name == "ID" and is_int:
            return None
        if not isinstance(value, str):
            return f"Expected type {type_name}, found {json.dumps(value, ensure_ascii=True)}."
        return string_problem(value)
    elif isinstance(value, str):
        return string_problem(value)  # custom scalars read from strings (DateTime, Decimal...)
    return None


def join_surrogate_pairs(value: str) -> str:
    """``"\\ud83d\\ude00"`` decoded escape by escape, made the one character it spells; lone halves stay."""
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class _LiteralStrings(Visitor):
    """Joins escaped surrogate pairs in string literals, then refuses what cannot be stored."""

    def enter_StringValue(self, node: ast.StringValue, *_args: Any) -> None:
        value = join_surrogate_pairs(node.value)
        problem = string_problem(value)
        if problem:
            raise GraphQLError(problem, [node])
        node.value = value
