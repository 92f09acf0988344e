"""What the points services take and return: owners, accounts, balances, holds, statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...exceptions import InvalidInput


@dataclass(frozen=True)
class Owner:
    """Who an account belongs to: a customer (``Owner.customer(user_id)``) or a company."""

    user_id: int | None = None
    company_id: int | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.company_id is None):
            raise InvalidInput("name either a customer or a company", field="owner")

    @classmethod
    def customer(cls, user_id: int) -> Owner:
        return cls(user_id=user_id)

    @classmethod
    def company(cls, company_id: int) -> Owner:
        return cls(company_id=company_id)


@dataclass(frozen=True)
class AccountInfo:
    account_id: int
    owner_kind: str
    user_id: int | None
    company_id: int | None


@dataclass(frozen=True)
class Balance:
    """What an account has. ``available`` never shows below zero: a shortfall is ``debt``."""

    account_id: int | None
    available: int
    pending: int
    held: int
    debt: int
    lifetime_earned: int


@dataclass(frozen=True)
class HoldInfo:
    hold_id: int
    account_id: int
    checkout_token: str
    points: int
    status: str
    expires_at: datetime
    order_id: str


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    transaction_id: int
    kind: str
    bucket: str
    points: int
    reason: str
    source: str
    created_at: datetime
    available_at: datetime | None
    expires_at: datetime | None
    order_id: str = ""  # the order the entry's transaction came from; "" for none


@dataclass(frozen=True)
class Statement:
    """Entries newest first; pass ``next_before_id`` as ``before_entry_id`` for the next page."""

    balance: Balance
    lines: tuple[StatementLine, ...]
    next_before_id: int | None


@dataclass(frozen=True)
class BatchResult:
    """``processed`` items; ``skipped_accounts`` were locked by others; ``has_more``: run again."""

    processed: int
    skipped_accounts: int
    has_more: bool
