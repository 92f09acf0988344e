"""Global IDs as Saleor writes them: ``base64("<Type>:<pk>")``, graphene relay's format.

Saleor's objects keep Saleor's type names (``User``, ``ProductVariant``, ``Order``...), so a
storefront passes the very IDs it got from Saleor's API; our own objects use ``Loyalty*`` names.
The pk kind per type is fixed here, so a malformed pk is refused before it reaches a query.
"""

from __future__ import annotations

import binascii
import uuid
from typing import Literal

from graphene.relay import Node
from graphql import GraphQLError

PkKind = Literal["int", "uuid"]

# Saleor's types whose IDs this API accepts, with the kind of their pk.
SALEOR_ID_KINDS: dict[str, PkKind] = {
    "User": "int",
    "ProductVariant": "int",
    "Product": "int",
    "Category": "int",
    "CustomerType": "int",
    "Checkout": "uuid",  # the checkout token
    "Order": "uuid",
}

# PostgreSQL's bigint range: a larger "pk" cannot name a row, and would fail inside the query.
_MAX_PK = 2**63 - 1


class InvalidGlobalId(GraphQLError):
    """A global ID that does not decode, or names another type; ``field`` is the argument."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def to_global_id(type_name: str, pk: object) -> str:
    return Node.to_global_id(type_name, str(pk))


def from_global_id_or_error(
    global_id: str,
    expected_type: str,
    *,
    field: str | None = None,
    kind: PkKind | None = None,
) -> str:
    """The pk in ``global_id`` (as text) when it names an ``expected_type``; else ``InvalidGlobalId``.

    ``kind`` defaults to the type's entry in ``SALEOR_ID_KINDS``, else ``int``. For example
    ``from_global_id_or_error("VXNlcjo0Mg==", "User") == "42"``, while the same ID passed where a
    ``ProductVariant`` is expected raises ``Invalid ID: VXNlcjo0Mg==. Expected: ProductVariant,
    received: User.``
    """
    kind = kind or SALEOR_ID_KINDS.get(expected_type, "int")
    try:
        type_name, pk = Node.from_global_id(global_id)
        pk = _validate_pk(pk, kind)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise InvalidGlobalId(f"Invalid ID: {global_id}. Expected: {expected_type}.", field=field) from exc
    if type_name != expected_type:
        raise InvalidGlobalId(
            f"Invalid ID: {global_id}. Expected: {expected_type}, received: {type_name}.", field=field
        )
    return pk


def from_global_id_to_int(global_id: str, expected_type: str, *, field: str | None = None) -> int:
    """Like ``from_global_id_or_error`` for types with integer pks, returning the ``int``."""
    return int(from_global_id_or_error(global_id, expected_type, field=field, kind="int"))


def _validate_pk(pk: str, kind: PkKind) -> str:
    if kind == "uuid":
        return str(uuid.UUID(pk))
    # int() alone would accept " 7", "+7" and "7_000"; a pk is plain decimal digits.
    if not pk.isascii() or not pk.isdigit() or not 0 < int(pk) <= _MAX_PK:
        raise ValueError(f"not a positive integer pk: {pk!r}")
    return str(int(pk))
