"""Models of saleor_loyalty, re-exported so Django finds them as ``saleor_loyalty.models``."""

from .companies import Company, CompanyMember, CompanyRole
from .ledger import (
    Bucket,
    HoldAllocation,
    HoldStatus,
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    OwnerKind,
    PointHold,
    PointLot,
    SystemCode,
    TransactionKind,
)

__all__ = [
    "Bucket",
    "Company",
    "CompanyMember",
    "CompanyRole",
    "HoldAllocation",
    "HoldStatus",
    "LedgerEntry",
    "LedgerTransaction",
    "LoyaltyAccount",
    "OwnerKind",
    "PointHold",
    "PointLot",
    "SystemCode",
    "TransactionKind",
]
