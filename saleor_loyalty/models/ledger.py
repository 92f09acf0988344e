"""The points ledger's rows: accounts, transactions, entries, lots, holds.

Rows hold data and the database-level invariants (named CHECK and UNIQUE constraints here,
triggers in migration 0002). Only ``saleor_loyalty.ledger`` writes them. The ``check_*`` methods
are the Python layer of each invariant and raise one exception class per broken rule; see
docs/ledger.md for the full list and what else enforces each rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..exceptions import (
    AppendOnlyViolation,
    BucketNotAllowed,
    ExpiryNotAfterAvailability,
    LotRemainingOutOfRange,
    OwnerMismatch,
    PointsNotPositive,
    ZeroPointsEntry,
)
from .companies import Company


class OwnerKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    COMPANY = "company", "Company"
    SYSTEM = "system", "System"


class SystemCode(models.TextChoices):
    """The system accounts; every owner entry has its counterpart in one of them."""

    ISSUED = "issued", "Points issued for orders"
    BONUSES = "bonuses", "Bonus points (welcome, birthday, campaigns)"
    REFERRAL_REWARDS = "referral_rewards", "Referral rewards"
    REBATES = "rebates", "Volume rebates"
    ADJUSTMENTS = "adjustments", "Staff adjustments"
    REDEEMED = "redeemed", "Points redeemed"
    EXPIRED = "expired", "Points expired"


class Bucket(models.TextChoices):
    AVAILABLE = "available", "Available"
    PENDING = "pending", "Pending"
    HELD = "held", "Held"
    SYSTEM = "system", "System"


OWNER_BUCKETS = frozenset({Bucket.AVAILABLE, Bucket.PENDING, Bucket.HELD})


class TransactionKind(models.TextChoices):
    EARN = "earn", "Earned on an order"
    BONUS = "bonus", "Bonus"
    MATURE = "mature", "Became available"
    HOLD = "hold", "Held for a checkout"
    CAPTURE = "capture", "Redeemed on an order"
    RELEASE = "release", "Hold released"
    REDEEM = "redeem", "Redeemed"
    EXPIRE = "expire", "Expired"
    REVERSE = "reverse", "Reversed"
    ADJUST = "adjust", "Adjusted by staff"


class HoldStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CAPTURED = "captured", "Captured"
    RELEASED = "released", "Released"


class AppendOnlyModel(models.Model):
    """Rows that are written once: the Python layer of the append-only rule (triggers back it)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(f"{type(self).__name__} rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{type(self).__name__} rows are never deleted")


class LoyaltyAccount(models.Model):
    """A points account: a customer's, a company's (shared pool) or a system account.

    Owner accounts cache their balance per bucket; the cache changes only in ``ledger`` in the
    same database transaction as the entries, under this row's lock. System accounts are not
    cached (their balance is the sum of their entries) so they never become a hot row.
    ``available`` goes below zero only through a reversal: that is debt.
    """

    owner_kind = models.CharField(max_length=16, choices=OwnerKind.choices)
    # SET_NULL, not CASCADE: entries are append-only, so a deleted customer leaves a detached
    # account (history kept) instead of blocking Saleor's customer deletion.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loyalty_accounts",
        db_index=False,  # the UNIQUE constraint's index serves lookups
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loyalty_accounts",
        db_index=False,  # the UNIQUE constraint's index serves lookups
    )
    system_code = models.CharField(max_length=32, null=True, blank=True, choices=SystemCode.choices)
    available = models.BigIntegerField(default=0)
    pending = models.BigIntegerField(default=0)
    held = models.BigIntegerField(default=0)
    lifetime_earned = models.BigIntegerField(default=0)
    version = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_account"
        constraints = [
            models.UniqueConstraint(fields=["user"], name="loyalty_account_one_per_user"),
            models.UniqueConstraint(fields=["company"], name="loyalty_account_one_per_company"),
            models.UniqueConstraint(fields=["system_code"], name="loyalty_account_one_per_system_code"),
            models.CheckConstraint(
                name="loyalty_account_owner_matches_kind",
                condition=(
                    # user_id may be NULL for a customer account only once the user is deleted.
                    Q(owner_kind=OwnerKind.CUSTOMER, company__isnull=True, system_code__isnull=True)
                    | Q(owner_kind=OwnerKind.COMPANY, company__isnull=False, user__isnull=True, system_code__isnull=True)
                    | Q(owner_kind=OwnerKind.SYSTEM, system_code__isnull=False, user__isnull=True, company__isnull=True)
                ),
            ),
            models.CheckConstraint(name="loyalty_account_pending_non_negative", condition=Q(pending__gte=0)),
            models.CheckConstraint(name="loyalty_account_held_non_negative", condition=Q(held__gte=0)),
            models.CheckConstraint(
                name="loyalty_account_lifetime_earned_non_negative", condition=Q(lifetime_earned__gte=0)
            ),
            models.CheckConstraint(
                name="loyalty_account_system_balance_not_cached",
                condition=~Q(owner_kind=OwnerKind.SYSTEM)
                | Q(available=0, pending=0, held=0, lifetime_earned=0),
            ),
        ]

    def __str__(self) -> str:
        owner = self.user_id or self.company_id or self.system_code
        return f"{self.owner_kind}:{owner}"

    def check_owner(self) -> None:
        """Raise ``OwnerMismatch`` unless exactly the owner field of ``owner_kind`` is set."""
        expected = {
            OwnerKind.CUSTOMER: (True, False, False),
            OwnerKind.COMPANY: (False, True, False),
            OwnerKind.SYSTEM: (False, False, True),
        }.get(OwnerKind(self.owner_kind))
        actual = (self.user_id is not None, self.company_id is not None, self.system_code is not None)
        if actual != expected:
            raise OwnerMismatch(f"a {self.owner_kind} account must name exactly its own owner")


class LedgerTransaction(AppendOnlyModel):
    """One business event; its entries sum to zero (deferred trigger ``loyalty_transaction_balanced``)."""

    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    idempotency_key = models.CharField(max_length=200)
    # sha256 of the request, so the same key with a different request is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    reason = models.CharField(max_length=255, blank=True, default="")
    # Where it came from, as plain values (Saleor ids are never foreign keys here).
    order_id = models.CharField(max_length=64, blank=True, default="")
    checkout_token = models.CharField(max_length=64, blank=True, default="")
    staff_user_id = models.BigIntegerField(null=True, blank=True)
    rule_id = models.CharField(max_length=64, blank=True, default="")
    # Indexed by a partial index (Meta): most transactions reverse nothing.
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_ledger_transaction"
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="loyalty_transaction_idempotency_key_unique"),
            models.CheckConstraint(
                name="loyalty_transaction_idempotency_key_not_blank", condition=~Q(idempotency_key="")
            ),
            models.CheckConstraint(
                name="loyalty_transaction_kind_valid", condition=Q(kind__in=TransactionKind.values)
            ),
        ]
        indexes = [
            models.Index(
                fields=["reverses"], name="loyalty_tx_reverses_idx", condition=Q(reverses__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"



class LedgerEntry(AppendOnlyModel):
    """One leg of a transaction: signed points in one bucket of one account."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    # Indexed together with id below (statements read an account's entries newest first).
    account = models.ForeignKey(
        LoyaltyAccount, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    bucket = models.CharField(max_length=16, choices=Bucket.choices)
    points = models.BigIntegerField()

    class Meta:
        db_table = "loyalty_ledger_entry"
        constraints = [
            models.CheckConstraint(name="loyalty_entry_points_non_zero", condition=~Q(points=0)),
            models.CheckConstraint(name="loyalty_entry_bucket_valid", condition=Q(bucket__in=Bucket.values)),
        ]
        indexes = [models.Index(fields=["account", "id"], name="loyalty_entry_account_id_idx")]

    def check_entry(self, *, account_is_system: bool) -> None:
        """Raise ``ZeroPointsEntry`` or ``BucketNotAllowed`` for an entry that breaks a rule."""
        check_entry_values(self.points, self.bucket, account_is_system=account_is_system)


def check_entry_values(points: int, bucket: str, *, account_is_system: bool) -> None:
    """``LedgerEntry.check_entry`` on plain values (the ledger's hot path builds no model instance)."""
    if points == 0:
        raise ZeroPointsEntry("a ledger entry must move a non-zero number of points")
    if account_is_system != (bucket == Bucket.SYSTEM):
        kind = "system" if account_is_system else "owner"
        raise BucketNotAllowed(f"bucket {bucket!r} does not fit a {kind} account")


class PointLot(models.Model):
    """Points credited together (one earn, bonus or positive adjustment).

    ``remaining`` is what is left to spend or expire; ``expired`` what expired; the rest of
    ``points`` was spent (held, redeemed), reversed, or paid a debt. While ``matured`` is false the lot's
    remaining points sit in the pending bucket. Holds and redemptions consume matured lots
    oldest expiry first (no expiry last), then by id.
    """

    # No index of its own: the partial indexes below lead with or filter what lookups need.
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.PROTECT, related_name="lots", db_index=False)
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="lots", db_index=False
    )
    points = models.BigIntegerField()
    remaining = models.BigIntegerField()
    # Points of this lot that expired (a reversal of expired points takes them back from here).
    expired = models.BigIntegerField(default=0)
    available_at = models.DateTimeField()
    matured = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_point_lot"
        constraints = [
            models.UniqueConstraint(fields=["transaction"], name="loyalty_lot_one_per_transaction"),
            models.CheckConstraint(name="loyalty_lot_points_positive", condition=Q(points__gt=0)),
            models.CheckConstraint(
                name="loyalty_lot_remaining_within_points",
                condition=Q(remaining__gte=0, remaining__lte=models.F("points") - models.F("expired")),
            ),
            models.CheckConstraint(name="loyalty_lot_expired_non_negative", condition=Q(expired__gte=0)),
            models.CheckConstraint(
                name="loyalty_lot_expires_after_available",
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("available_at")),
            ),
        ]
        indexes = [
            models.Index(
                fields=["available_at"],
                name="loyalty_lot_due_to_mature_idx",
                condition=Q(matured=False, remaining__gt=0),
            ),
            models.Index(
                fields=["expires_at"],
                name="loyalty_lot_due_to_expire_idx",
                condition=Q(remaining__gt=0, expires_at__isnull=False),
            ),
            models.Index(
                fields=["account", "expires_at", "id"],
                name="loyalty_lot_fifo_idx",
                condition=Q(remaining__gt=0, matured=True),
            ),
        ]

    def check_lot(self) -> None:
        """Raise one exception per broken lot rule."""
        check_lot_values(points=self.points, remaining=self.remaining, expired=self.expired,
                         available_at=self.available_at, expires_at=self.expires_at)


def check_lot_values(
    *, points: int, remaining: int, expired: int, available_at: datetime, expires_at: datetime | None
) -> None:
    """``PointLot.check_lot`` on plain values (the ledger's hot path builds no model instance)."""
    if points <= 0:
        raise PointsNotPositive("a lot holds a positive number of points")
    if expired < 0 or not 0 <= remaining <= points - expired:
        raise LotRemainingOutOfRange(f"remaining {remaining} and expired {expired} do not fit {points} points")
    if expires_at is not None and expires_at <= available_at:
        raise ExpiryNotAfterAvailability("points must become available before they expire")


class PointHold(models.Model):
    """Points reserved for a checkout until it becomes an order (captured) or not (released)."""

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.PROTECT, related_name="holds")
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    checkout_token = models.CharField(max_length=64)
    points = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    expires_at = models.DateTimeField()
    order_id = models.CharField(max_length=64, blank=True, default="")
    closing_transaction = models.ForeignKey(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "loyalty_point_hold"
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_token"],
                condition=Q(status=HoldStatus.ACTIVE),
                name="loyalty_hold_one_active_per_checkout",
            ),
            models.UniqueConstraint(fields=["transaction"], name="loyalty_hold_one_per_transaction"),
            models.CheckConstraint(name="loyalty_hold_points_positive", condition=Q(points__gt=0)),
            models.CheckConstraint(name="loyalty_hold_status_valid", condition=Q(status__in=HoldStatus.values)),
            models.CheckConstraint(
                name="loyalty_hold_closed_matches_status",
                condition=Q(status=HoldStatus.ACTIVE, closed_at__isnull=True, closing_transaction__isnull=True)
                | (
                    ~Q(status=HoldStatus.ACTIVE)
                    & Q(closed_at__isnull=False, closing_transaction__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="loyalty_hold_captured_names_order",
                condition=~Q(status=HoldStatus.CAPTURED) | ~Q(order_id=""),
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"], name="loyalty_hold_active_expiry_idx", condition=Q(status=HoldStatus.ACTIVE)
            )
        ]


class HoldAllocation(AppendOnlyModel):
    """How many points a hold took from one lot, so that a release gives them back."""

    hold = models.ForeignKey(PointHold, on_delete=models.PROTECT, related_name="allocations", db_index=False)
    lot = models.ForeignKey(PointLot, on_delete=models.PROTECT, related_name="allocations")
    points = models.BigIntegerField()

    class Meta:
        db_table = "loyalty_hold_allocation"
        constraints = [
            models.UniqueConstraint(fields=["hold", "lot"], name="loyalty_hold_allocation_one_per_lot"),
            models.CheckConstraint(name="loyalty_hold_allocation_points_positive", condition=Q(points__gt=0)),
        ]
