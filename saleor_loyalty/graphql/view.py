"""The HTTP endpoint of the plugin's GraphQL API: a plain Django view, no middleware needed.

Inside Saleor, the plugin's ``webhook(request, path, previous_value)`` hook calls
``graphql_view(request, auth_backend=<Saleor backend>)`` for ``path == "/graphql/"``; the demo
and the tests route ``/graphql/`` to ``GraphQLView(auth_backend=SignedTokenBackend())``.

- ``GET`` returns a small query editor that works offline (``graphiql.py``).
- ``POST`` with ``application/json`` takes ``{"query", "variables", "operationName"}``, or a
  list of up to ``MAX_BATCH_SIZE`` of them (Saleor batches too); ``application/graphql`` takes
  the bare query text.
- Before anything runs, every operation is parsed and measured (``core/limits.py``): depth and
  size per operation, and the cost of the whole request, a batch included; a request over
  budget is refused with ``QueryTooComplex`` (HTTP 400) and none of it runs.
- The response is ``{"data", "errors"}`` as Saleor shapes it (``core/errors.py`` lists the
  codes). Status: 200 once execution started (errors may still be in the body), 400 for a
  request that cannot run (bad JSON, syntax, validation, limits, variables), 401 for a bad
  token, 405/413/415 for method, size and content type. A 500 means a bug, and the body says
  no more than "Internal Server Error".
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError, GraphQLSchema, parse, validate
from graphql.language import ast
from graphql.execution import ExecutionResult, execute

from .auth import AuthBackend, AuthenticationFailed, Requestor
from .core.context import LoyaltyContext
from .core.errors import format_error, request_error
from .core.inputs import check_inputs
from .core.errors import QueryTooComplex
from .core.limits import check_query_limits, check_request_cost, get_request_cost
from .graphiql import get_query_page

logger = logging.getLogger("saleor_loyalty.graphql")

MAX_BODY_BYTES = 256 * 1024
MAX_QUERY_CHARS = 30_000
MAX_BATCH_SIZE = 10

Result = tuple[dict[str, Any], int]


def graphql_view(request: HttpRequest, *, auth_backend: AuthBackend, schema: GraphQLSchema | None = None) -> HttpResponse:
    """Serve one HTTP request to the API (see the module docstring for the protocol)."""
    if request.method == "GET":
        return HttpResponse(get_query_page(), content_type="text/html; charset=utf-8")
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        payload = _parse_body(request)
    except _RequestRefused as refused:
        return _json_response({"errors": [request_error(refused.message)]}, refused.status)
    try:
        requestor = auth_backend.get_requestor(request)
    except AuthenticationFailed as exc:
        return _json_response({"errors": [format_error(exc)]}, 401)

    if schema is None:
        from .schema import get_schema  # the schema imports every module: build it on first use

        schema = get_schema()
    entries = payload if isinstance(payload, list) else [payload]
    prepared = [_prepare(entry) for entry in entries]
    # The cost budget covers the whole request, a batch included, and is checked before any runs.
    try:
        check_request_cost(get_request_cost([item.measured for item in prepared if item.measured]))
    except QueryTooComplex as exc:
        refused = {"errors": [format_error(exc)]}
        return _json_response([refused] * len(entries) if isinstance(payload, list) else refused, 400)
    results = [_run_operation(schema, item, request, requestor) for item in prepared]
    if isinstance(payload, list):
        status = max(code for _, code in results)
        return _json_response([result for result, _ in results], status)
    result, status = results[0]
    return _json_response(result, status)


class GraphQLView:
    """``graphql_view`` bound to a backend and a schema, for a URLconf or the plugin's hook."""

    def __init__(self, *, auth_backend: AuthBackend, schema: GraphQLSchema | None = None) -> None:
        self.auth_backend = auth_backend
        self.schema = schema

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return graphql_view(request, auth_backend=self.auth_backend, schema=self.schema)

    def as_view(self) -> Any:
        # Bearer tokens in a header cannot be sent by a cross-site form, so CSRF does not apply.
        return csrf_exempt(self)


class _RequestRefused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _parse_body(request: HttpRequest) -> dict[str, Any] | list[Any]:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _RequestRefused(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.", 413)
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise _RequestRefused(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.", 413) from exc
    if len(body) > MAX_BODY_BYTES:
        raise _RequestRefused(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.", 413)

    if request.content_type == "application/graphql":
        try:
            return {"query": body.decode("utf-8")}
        except UnicodeDecodeError as exc:
            raise _RequestRefused("The request body is not valid UTF-8.") from exc
    if request.content_type != "application/json":
        raise _RequestRefused(
            f"Unsupported content type {request.content_type!r}: send application/json "
            "(or application/graphql with the bare query).",
            415,
        )
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        detail = f": {exc.msg}" if isinstance(exc, json.JSONDecodeError) else ""
        raise _RequestRefused(f"Unable to parse the request body as JSON{detail}.") from exc
    if isinstance(data, list):
        if not data:
            raise _RequestRefused("A batch must hold at least one operation.")
        if len(data) > MAX_BATCH_SIZE:
            raise _RequestRefused(f"A batch holds at most {MAX_BATCH_SIZE} operations, got {len(data)}.")
        return data
    if not isinstance(data, dict):
        raise _RequestRefused("The request body must be a JSON object with a `query`.")
    return data


@dataclass
class _Prepared:
    """One operation of a request, read and measured (or refused) before any of them runs."""

    entry: dict[str, Any]
    document: ast.Document | None = None
    refused: Result | None = None

    @property
    def measured(self) -> tuple[ast.Document, str | None, dict[str, Any] | None] | None:
        if self.document is None:
            return None
        return self.document, self.entry.get("operationName"), self.entry.get("variables")


def _prepare(entry: Any) -> _Prepared:
    """Check the shape of one operation, parse it and apply the depth and size limits."""
    if not isinstance(entry, dict):
        return _Prepared({}, refused=_invalid(GraphQLError("Each operation must be a JSON object with a `query`.")))
    query, variables, operation_name = entry.get("query"), entry.get("variables"), entry.get("operationName")
    if not isinstance(query, str) or not query.strip():
        return _Prepared(entry, refused=_invalid(GraphQLError("Must provide a query string.")))
    if variables is not None and not isinstance(variables, dict):
        return _Prepared(entry, refused=_invalid(GraphQLError("`variables` must be a JSON object.")))
    if operation_name is not None and not isinstance(operation_name, str):
        return _Prepared(entry, refused=_invalid(GraphQLError("`operationName` must be a string.")))
    if len(query) > MAX_QUERY_CHARS:
        message = f"The query is {len(query)} characters long; the maximum is {MAX_QUERY_CHARS}."
        return _Prepared(entry, refused=_invalid(GraphQLError(message)))
    try:
        document = parse(query)
        check_query_limits(document)
    except GraphQLError as exc:
        return _Prepared(entry, refused=_invalid(exc))
    except RecursionError:
        return _Prepared(entry, refused=_invalid(GraphQLError("The query is nested too deeply to be read.")))
    return _Prepared(entry, document)


def _run_operation(schema: GraphQLSchema, prepared: _Prepared, request: HttpRequest, requestor: Requestor) -> Result:
    """Validate and execute one prepared operation; never raises."""
    if prepared.refused is not None or prepared.document is None:
        return prepared.refused or _invalid(GraphQLError("Must provide a query string."))
    document, entry = prepared.document, prepared.entry
    variables, operation_name = entry.get("variables"), entry.get("operationName")
    try:
        validation_errors = validate(schema, document)
    except GraphQLError as exc:
        return _invalid(exc)
    except RecursionError:
        return _invalid(GraphQLError("The query is nested too deeply to be read."))
    if validation_errors:
        return {"errors": [format_error(error) for error in validation_errors]}, 400
    try:
        check_inputs(schema, document, operation_name, variables)
    except GraphQLError as exc:
        return _invalid(exc)

    context = LoyaltyContext(request=request, requestor=requestor)
    try:
        # Without return_promise, graphql-core 2 returns the result itself, not a promise.
        result = cast(ExecutionResult, execute(
            schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
        ))
    except GraphQLError as exc:
        # Raised before any resolver runs: a variable of the wrong type, an unknown operation.
        return _invalid(exc)
    except Exception as exc:  # noqa: BLE001 - graphql-core 2 raises plain Exception for bad Ints
        if isinstance(exc, ValueError) or str(exc).startswith("Int cannot represent"):
            return _invalid(GraphQLError(str(exc)))
        logger.exception("GraphQL execution failed before any resolver ran")
        return {"errors": [format_error(exc)]}, 500
    response: dict[str, Any] = {}
    if result.errors:
        response["errors"] = [format_error(error) for error in result.errors]
    response["data"] = result.data
    return response, 200


def _invalid(error: GraphQLError) -> Result:
    return {"errors": [format_error(error)]}, 400


def _json_response(data: Any, status: int) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False)
