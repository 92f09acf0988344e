"""Top-level GraphQL errors and how every exception becomes one, Saleor style.

Each error in a response's ``errors`` list carries ``extensions.exception.code``:

=========================  ===============================================================
``GraphQLError``           syntax, validation, bad arguments, bad global IDs, pagination
``QueryTooComplex``        the query is deeper or larger than the limits allow
``PermissionDenied``       the requestor lacks the permission (``permissions`` lists them)
``InvalidTokenError``      a bearer token that does not verify
``ExpiredSignatureError``  a bearer token that has expired
``<LoyaltyError.code>``    a domain error raised in a query resolver (``NOT_FOUND``...)
``InternalServerError``    anything unexpected: logged with its traceback, never shown
=========================  ===============================================================

Mutations report input and domain errors in their payload's ``errors`` instead (see
``core/mutations.py``); only permission and request-level problems reach this list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError
from graphql.error import format_error as format_graphql_error

from ...exceptions import LoyaltyError
from ..auth import AuthenticationFailed, LoyaltyPermission

logger = logging.getLogger("saleor_loyalty.graphql")

INTERNAL_ERROR_CODE = "InternalServerError"
INTERNAL_ERROR_MESSAGE = "Internal Server Error"


class PermissionDenied(GraphQLError):
    """The requestor may not see or do this; the message names the permissions that would do."""

    code = "PermissionDenied"

    def __init__(self, message: str | None = None, *, permissions: Iterable[LoyaltyPermission] = ()) -> None:
        self.permissions = tuple(permissions)
        if message is None:
            if self.permissions:
                names = ", ".join(p.name for p in self.permissions)
                message = f"To access this path, you need one of the following permissions: {names}"
            else:
                message = "You do not have permission to perform this action"
        super().__init__(message)


class QueryTooComplex(GraphQLError):
    """The query passes the schema's validation but is deeper or larger than allowed."""

    code = "QueryTooComplex"


def unwrap_error(error: BaseException) -> BaseException:
    """The exception a resolver raised, out of graphql-core's ``GraphQLLocatedError`` wrapper."""
    while isinstance(error, GraphQLError) and getattr(error, "original_error", None) is not None:
        error = error.original_error  # type: ignore[attr-defined]
    return error


def format_error(error: BaseException) -> dict[str, Any]:
    """One entry of a response's ``errors`` list; unexpected exceptions are logged and hidden.

    The message of an unexpected exception may hold internals (SQL, paths, values), so only
    errors raised on purpose keep theirs.
    """
    result: dict[str, Any]
    if isinstance(error, GraphQLError):
        result = format_graphql_error(error)
    else:
        result = {"message": str(error)}
    original = unwrap_error(error)
    exception: dict[str, Any]
    if isinstance(original, LoyaltyError):
        exception = {"code": original.code}
        if original.field:
            exception["field"] = original.field
        result["message"] = original.message
    elif isinstance(original, AuthenticationFailed):
        exception = {"code": original.code}
        result["message"] = original.message
    elif isinstance(original, GraphQLError):
        exception = {"code": getattr(original, "code", "GraphQLError")}
        if isinstance(original, PermissionDenied) and original.permissions:
            exception["permissions"] = [p.name for p in original.permissions]
        result["message"] = str(original)
    else:
        logger.error("A GraphQL request failed unexpectedly", exc_info=original)
        exception = {"code": INTERNAL_ERROR_CODE}
        result["message"] = INTERNAL_ERROR_MESSAGE
    result.setdefault("extensions", {})["exception"] = exception
    return result


def request_error(message: str, *, code: str = "GraphQLError") -> dict[str, Any]:
    """An error about the HTTP request itself (body, size, method), outside any execution."""
    return {"message": message, "extensions": {"exception": {"code": code}}}
