"""``BaseMutation``: permissions, one database transaction, and domain errors in the payload.

A mutation module subclasses it, one mutation per file::

    class LoyaltyPointsAdjust(BaseMutation):
        account = graphene.Field(LoyaltyAccount)

        class Arguments:
            customer_id = graphene.ID(required=True)
            points = graphene.Int(required=True)

        class Meta:
            description = "Add or remove points by hand."
            error_type_class = LoyaltyPointsError
            permissions = (LoyaltyPermission.MANAGE_USERS,)

        @classmethod
        def perform_mutation(cls, root, info, /, *, customer_id, points):
            ...
            return cls(account=...)

What the requestor may not do is a top-level ``PermissionDenied`` (the payload is null), as in
Saleor. What the input or the domain refuses (``LoyaltyError``, ``InvalidInput.problems``, a
malformed global ID) comes back in the payload's ``errors`` with the family's code, and, since
``perform_mutation`` runs in ``transaction.atomic``, nothing it wrote stays.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

import graphene
from django.db import transaction
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case

from ...exceptions import InvalidInput, LoyaltyError, NotFound
from ..auth import LoyaltyPermission, Requestor
from .context import get_requestor
from .errors import PermissionDenied
from .ids import InvalidGlobalId
from .types import enum_has_code

logger = logging.getLogger("saleor_loyalty.graphql")

ErrorTuple = tuple[str | None, str, str]  # (field, message, code)


class LoyaltyMutationOptions(MutationOptions):  # type: ignore[misc]
    error_type_class: Any = None
    permissions: tuple[LoyaltyPermission, ...] = ()


class BaseMutation(graphene.Mutation):
    """Base of every mutation; ``Meta.error_type_class`` is required, ``Meta.permissions`` any-of."""

    class Meta:
        abstract = True

    # ``perform_mutation(cls, root, info, /, **arguments) -> payload``: each mutation defines it as
    # a classmethod with its own keyword arguments (declared here, not defined, so that mypy lets
    # every subclass name them), and ``mutate`` runs it in one transaction.
    perform_mutation: ClassVar[Callable[..., Any]]

    @classmethod
    def __init_subclass_with_meta__(  # type: ignore[override]
        cls,
        *,
        error_type_class: Any = None,
        permissions: tuple[LoyaltyPermission, ...] = (),
        _meta: LoyaltyMutationOptions | None = None,
        **options: Any,
    ) -> None:
        if error_type_class is None:
            raise TypeError(f"{cls.__name__} needs Meta.error_type_class")
        if _meta is None:
            _meta = LoyaltyMutationOptions(cls)
        _meta.error_type_class = error_type_class
        _meta.permissions = tuple(permissions)
        super().__init_subclass_with_meta__(_meta=_meta, **options)
        cls._meta.fields["errors"] = graphene.Field(
            graphene.List(graphene.NonNull(error_type_class)),
            required=True,
            description="List of errors that occurred executing the mutation.",
        )

    @classmethod
    def check_permissions(cls, requestor: Requestor) -> bool:
        """Whether the requestor may call the mutation at all; checks on the input come later."""
        permissions = cls._meta.permissions
        return not permissions or requestor.has_any_perm(*permissions)

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        if not cls.check_permissions(get_requestor(info)):
            raise PermissionDenied(permissions=cls._meta.permissions)
        try:
            with transaction.atomic():
                payload = cls.perform_mutation(root, info, **data)
        except InvalidGlobalId as exc:
            return cls.error_payload([(exc.field, str(exc), "GRAPHQL_ERROR")])
        except InvalidInput as exc:
            return cls.error_payload([(field, message, exc.code) for field, message in exc.problems], exc=exc)
        except LoyaltyError as exc:
            return cls.error_payload([(exc.field, exc.message, exc.code)], exc=exc)
        if getattr(payload, "errors", None) is None:
            payload.errors = []
        return payload

    @classmethod
    def error_payload(cls, errors: list[ErrorTuple], *, exc: LoyaltyError | None = None) -> Any:
        """The payload for refused input: only ``errors``, every other field null."""
        error_type = cls._meta.error_type_class
        return cls(
            errors=[
                error_type(
                    field=to_camel_case(field) if field else None,
                    message=message,
                    code=cls._family_code(code, exc),
                )
                for field, message, code in errors
            ]
        )

    @classmethod
    def _family_code(cls, code: str, exc: LoyaltyError | None) -> str:
        code_enum = cls._meta.error_type_class._meta.fields["code"].type
        code_enum = getattr(code_enum, "of_type", code_enum)  # unwrap NonNull
        if enum_has_code(code_enum, code):
            return code
        # A domain code the family's enum lacks: keep the message, fall back to the generic
        # code, and say so loudly enough that the enum gets the member.
        fallback = "NOT_FOUND" if isinstance(exc, NotFound) else "INVALID"
        logger.warning("%s: error code %s is not in %s; sent as %s", cls.__name__, code, code_enum, fallback)
        return fallback
