"""Domain exceptions raised by the ledger and the services.

Each broken rule has its own class with a stable ``code``; adapters translate the code (a GraphQL
error enum, a ``ValidationError`` in ``preprocess_order_creation``, a log line in other hooks).
"""

from __future__ import annotations


class LoyaltyError(Exception):
    """Base class of every error the ledger and services raise on purpose."""

    code = "LOYALTY_ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(LoyaltyError):
    code = "NOT_FOUND"


class InvalidInput(LoyaltyError):
    """Input that breaks a rule; ``problems`` lists every problem found, not just the first."""

    code = "INVALID"

    def __init__(self, message: str, *, field: str | None = None, problems: list[tuple[str | None, str]] | None = None) -> None:
        super().__init__(message, field=field)
        self.problems = problems or [(field, message)]
