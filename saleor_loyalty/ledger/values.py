"""The ledger's values: what callers pass in (``Source``) and get back (``PostedTransaction``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Posting:
    """One leg of a transaction: ``points`` (signed) into ``bucket`` of ``account_id``."""

    account_id: int
    bucket: str
    points: int


@dataclass(frozen=True)
class Source:
    """Where a transaction came from; stored on the transaction row."""

    reason: str = ""
    order_id: str = ""
    checkout_token: str = ""
    staff_user_id: int | None = None
    rule_id: str = ""

    @property
    def label(self) -> str:
        """A readable label, e.g. ``order:123 rule:7`` (statements show it)."""
        parts = [
            f"order:{self.order_id}" if self.order_id else "",
            f"checkout:{self.checkout_token}" if self.checkout_token else "",
            f"staff:{self.staff_user_id}" if self.staff_user_id is not None else "",
            f"rule:{self.rule_id}" if self.rule_id else "",
        ]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class PostedTransaction:
    """The result of a write. ``created`` is False when the key had been used: a replay."""

    transaction_id: int
    kind: str
    idempotency_key: str
    created_at: datetime
    postings: tuple[Posting, ...]
    created: bool = True

    @property
    def points(self) -> int:
        """The amount the transaction moved (the sum of its positive legs)."""
        return sum(posting.points for posting in self.postings if posting.points > 0)


@dataclass
class LockedAccount:
    """An owner account locked FOR UPDATE in the current transaction; the ledger keeps it fresh."""

    account_id: int
    available: int
    pending: int
    held: int
    lifetime_earned: int

    @property
    def debt(self) -> int:
        return max(-self.available, 0)
