"""Shared GraphQL types: the mutation ``Error`` shape and error-code enums per family."""

from __future__ import annotations

from collections.abc import Iterable

import graphene

# Codes every mutation family can return, whatever its domain:
COMMON_ERROR_CODES = (
    "GRAPHQL_ERROR",  # an argument that does not decode (a malformed or mistyped global ID)
    "INVALID",  # input that breaks a rule (``InvalidInput``)
    "NOT_FOUND",  # an ID that decodes but names nothing
    "REQUIRED",  # a value the operation cannot do without
)


class Error(graphene.ObjectType):
    """The fields every family's error type has; families add ``code`` with their own enum."""

    field = graphene.String(
        description=(
            "Name of a field that caused the error. A value of `null` indicates that the error "
            "isn't associated with a particular field."
        ),
        required=False,
    )
    message = graphene.String(description="The error message.")

    class Meta:
        description = "Represents an error in the input of a mutation."


def error_code_enum(name: str, codes: Iterable[str], *, description: str) -> type[graphene.Enum]:
    """A graphene enum of ``COMMON_ERROR_CODES`` plus ``codes`` (the domain codes of a family).

    Member names are the codes themselves, e.g. ``INSUFFICIENT_POINTS``, so that a
    ``LoyaltyError.code`` names its member directly.
    """
    members = list(dict.fromkeys([*COMMON_ERROR_CODES, *codes]))
    return graphene.Enum(name, [(code, code) for code in members], description=description)


def enum_has_code(enum: type[graphene.Enum], code: str) -> bool:
    return code in enum._meta.enum.__members__
