"""Points use cases: the one door the adapters use to earn, hold, redeem and reverse points.

Plain arguments in (ids, ints, ``Decimal``, aware datetimes), frozen dataclasses out. Each use
case that writes is one database transaction (a credit is a single statement); the writes
themselves go through ``saleor_loyalty.ledger``.
Every write is idempotent: its key comes from its source (``order:<id>:earn``,
``checkout:<token>:hold:<n>``, ...) or from the caller. The request fingerprint is built from
the caller's arguments, so a retry with the same arguments replays the first result.
``now`` is for tests; it defaults to the current time.

A customer who is a member of a company earns into and spends from the company's account:
``get_account_for_customer`` is the one place that decides.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .. import ledger
from ..exceptions import AccountNotFound, EarnNotFound, HoldNotFound, InvalidInput, PointsNotPositive
from ..ledger import LockedAccount, PostedTransaction, Source
from ..ledger.accounts import uncount_earned
from ..models import (
    Company,
    HoldStatus,
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    OrderRecord,
    OrderStatus,
    PointHold,
    PointLot,
    SystemCode,
    TransactionKind,
)


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


# --- accounts -------------------------------------------------------------------------------

# The owner rule in SQL: a member's points are their company's, anyone else's their own.
# One round trip returns the account and its cached balances.
_FIND_ACCOUNT_SQL = """
SELECT member.company_id, account.id, account.available, account.pending, account.held, account.lifetime_earned
FROM (SELECT %(user_id)s::bigint AS user_id, %(company_id)s::bigint AS company_id) AS owner
LEFT JOIN loyalty_company_member AS member ON member.user_id = owner.user_id
LEFT JOIN LATERAL (
    SELECT id, available, pending, held, lifetime_earned FROM loyalty_account
    WHERE company_id = coalesce(owner.company_id, member.company_id)
    UNION ALL
    SELECT id, available, pending, held, lifetime_earned FROM loyalty_account
    WHERE user_id = owner.user_id AND owner.company_id IS NULL AND member.company_id IS NULL
) AS account ON true
"""

AccountRow = tuple[int, int, int, int, int]  # id, available, pending, held, lifetime_earned

# The same owner rule for many owners in one round trip: the owners go in as two parallel
# arrays (one of the pair is NULL per owner), their position comes back with each row.
_FIND_ACCOUNTS_SQL = """
SELECT owner.position, account.id, account.available, account.pending, account.held, account.lifetime_earned
FROM unnest(%(user_ids)s::bigint[], %(company_ids)s::bigint[]) WITH ORDINALITY AS owner(user_id, company_id, position)
LEFT JOIN loyalty_company_member AS member ON member.user_id = owner.user_id
LEFT JOIN LATERAL (
    SELECT id, available, pending, held, lifetime_earned FROM loyalty_account
    WHERE company_id = coalesce(owner.company_id, member.company_id)
    UNION ALL
    SELECT id, available, pending, held, lifetime_earned FROM loyalty_account
    WHERE user_id = owner.user_id AND owner.company_id IS NULL AND member.company_id IS NULL
) AS account ON true
"""


def get_account_for_customer(user_id: int) -> AccountInfo:
    """The account a customer earns into and spends from: their company's if they are a member.

    Created on first use. This (with ``_FIND_ACCOUNT_SQL``) is the only place that decides the
    owner of a customer's points.
    """
    return _account_info(_required_account_id(Owner.customer(user_id)))


def get_account_for_company(company_id: int) -> AccountInfo:
    """The shared account of a company, created on first use."""
    return _account_info(_required_account_id(Owner.company(company_id)))


def _find_account(owner: Owner) -> tuple[int | None, AccountRow | None]:
    """(the company whose pool the owner uses, or None; the account row, or None if not yet made)."""
    with connection.cursor() as cursor:
        cursor.execute(_FIND_ACCOUNT_SQL, {"user_id": owner.user_id, "company_id": owner.company_id})
        company_id, *account = cursor.fetchone()
    return company_id or owner.company_id, (tuple(account) if account[0] is not None else None)  # type: ignore[return-value]


def _required_account_id(owner: Owner) -> int:
    """The owner's account id, creating the account (a harmless row on its own) if needed."""
    company_id, account = _find_account(owner)
    if account is not None:
        return account[0]
    if company_id is not None:
        if not Company.objects.filter(pk=company_id).exists():
            raise AccountNotFound(f"no company {company_id}", field="company_id")
        return ledger.get_or_create_account_id("company_id", company_id)
    if not get_user_model().objects.filter(pk=owner.user_id).exists():
        raise AccountNotFound(f"no customer {owner.user_id}", field="user_id")
    return ledger.get_or_create_account_id("user_id", owner.user_id)  # type: ignore[arg-type]


def _account_info(account_id: int) -> AccountInfo:
    account = LoyaltyAccount.objects.values_list("id", "owner_kind", "user_id", "company_id").get(pk=account_id)
    return AccountInfo(*account)


# --- reads ----------------------------------------------------------------------------------


def get_balance(owner: Owner) -> Balance:
    """The cached balances of the owner's account (zeros if it has none yet): one query."""
    _, account = _find_account(owner)
    return _balance_of(account)


def get_balances(owners: Collection[Owner]) -> dict[Owner, Balance]:
    """The balances of many owners in one query, whatever their number (a list page).

    Same rule as ``get_balance``: a company member gets their company's balance, an owner
    without an account a zero ``Balance``. Creates nothing; no query at all for no owners.
    """
    unique = list(dict.fromkeys(owners))
    if not unique:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_FIND_ACCOUNTS_SQL, {"user_ids": [owner.user_id for owner in unique],
                                            "company_ids": [owner.company_id for owner in unique]})
        rows = cursor.fetchall()
    return {unique[position - 1]: _balance_of(tuple(account) if account[0] is not None else None)  # type: ignore[arg-type]
            for position, *account in rows}


def get_customer_balances(user_ids: Collection[int]) -> dict[int, Balance]:
    """``get_balances`` keyed by customer id (a member's balance is their company's)."""
    balances = get_balances([Owner.customer(user_id) for user_id in user_ids])
    return {owner.user_id: balance for owner, balance in balances.items() if owner.user_id is not None}


def _balance_of(account: AccountRow | None) -> Balance:
    if account is None:
        return Balance(None, 0, 0, 0, 0, 0)
    account_id, available, pending, held, lifetime_earned = account
    return Balance(account_id, max(available, 0), pending, held, max(-available, 0), lifetime_earned)


def get_statement(owner: Owner, *, limit: int = 50, before_entry_id: int | None = None) -> Statement:
    """The account's entries, newest first, ``limit`` per page, with their transaction's story."""
    balance = get_balance(owner)
    if balance.account_id is None:
        return Statement(balance, (), None)
    entries = LedgerEntry.objects.filter(account_id=balance.account_id)
    if before_entry_id is not None:
        entries = entries.filter(id__lt=before_entry_id)
    page = list(
        entries.order_by("-id").values_list(
            "id", "transaction_id", "transaction__kind", "bucket", "points", "transaction__reason",
            "transaction__order_id", "transaction__checkout_token", "transaction__staff_user_id",
            "transaction__rule_id", "transaction__created_at",
        )[: limit + 1]
    )
    lot_times = {
        transaction_id: (available_at, expires_at)
        for transaction_id, available_at, expires_at in PointLot.objects.filter(
            transaction_id__in=[row[1] for row in page[:limit]], account_id=balance.account_id
        ).values_list("transaction_id", "available_at", "expires_at")
    }
    lines = tuple(
        StatementLine(entry_id, transaction_id, kind, bucket, points_, reason,
                      Source(reason, order_id, checkout_token, staff_user_id, rule_id).label, created_at,
                      *lot_times.get(transaction_id, (None, None)), order_id=order_id)
        for (entry_id, transaction_id, kind, bucket, points_, reason, order_id, checkout_token, staff_user_id,
             rule_id, created_at) in page[:limit]
    )
    return Statement(balance, lines, lines[-1].entry_id if len(page) > limit else None)


# --- credits --------------------------------------------------------------------------------


def credit_points_for_order(
    owner: Owner,
    order_id: str,
    *,
    points: int,
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    rule_id: str = "",
    reason: str = "points for order",
    now: datetime | None = None,
) -> PostedTransaction:
    """Credit the points an order earned: pending until ``available_at`` (the return window;
    None = now), expiring at ``expires_at`` (None = never). Once per order (``order:<id>:earn``).
    """
    request = {"owner": asdict(owner), "order_id": order_id, "points": points, "available_at": available_at,
               "expires_at": expires_at, "rule_id": rule_id}
    return _credit(owner, TransactionKind.EARN, SystemCode.ISSUED, f"order:{order_id}:earn", request,
                   Source(reason=reason, order_id=order_id, rule_id=rule_id), points=points,
                   available_at=available_at, expires_at=expires_at, now=now)


_BONUS_ISSUERS = (SystemCode.BONUSES, SystemCode.REFERRAL_REWARDS, SystemCode.REBATES)


def credit_bonus(
    owner: Owner,
    idempotency_key: str,
    *,
    points: int,
    reason: str,
    system_code: SystemCode = SystemCode.BONUSES,
    rule_id: str = "",
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> PostedTransaction:
    """Credit a bonus (welcome, birthday; a referral reward with ``SystemCode.REFERRAL_REWARDS``,
    a company's volume rebate with ``SystemCode.REBATES``)."""
    if system_code not in _BONUS_ISSUERS:
        raise InvalidInput("a bonus comes from the bonuses, referral rewards or rebates account", field="system_code")
    request = {"owner": asdict(owner), "points": points, "system_code": str(system_code), "rule_id": rule_id,
               "available_at": available_at, "expires_at": expires_at}
    return _credit(owner, TransactionKind.BONUS, system_code, idempotency_key, request,
                   Source(reason=reason, rule_id=rule_id), points=points,
                   available_at=available_at, expires_at=expires_at, now=now)


def _credit(owner: Owner, kind: TransactionKind, system_code: SystemCode, key: str, request: dict[str, object],
            source: Source, *, points: int, available_at: datetime | None, expires_at: datetime | None,
            now: datetime | None) -> PostedTransaction:
    now = now or timezone.now()
    # No transaction.atomic(): the credit is one SQL statement, atomic by itself, which finds
    # the owner's account too (``ledger.credit``). An owner without an account yet (their first
    # credit) gets one (harmless on its own), then the same credit with its id.
    arguments = dict(kind=kind, system_code=system_code, points=points, key=key, request=request, source=source,
                     now=now, available_at=available_at or now, expires_at=expires_at)
    try:
        return ledger.credit(None, owner=(owner.user_id, owner.company_id), **arguments)
    except AccountNotFound:
        return ledger.credit(_required_account_id(owner), **arguments)



# --- holds and redemptions ------------------------------------------------------------------


def hold_points_for_checkout(
    owner: Owner, checkout_token: str, *, points: int, expires_at: datetime, now: datetime | None = None
) -> HoldInfo:
    """Reserve ``points`` for a checkout until ``expires_at``; held points are not available.

    Calling again with the same points returns the active hold (extending its expiry if later);
    with other points it releases the old hold and places a new one, in one transaction.
    """
    now = now or timezone.now()
    if expires_at <= now:
        raise InvalidInput("a hold must expire in the future", field="expires_at")
    with transaction.atomic():
        account_id = _required_account_id(owner)
        locked = ledger.lock_account(account_id)
        active = PointHold.objects.filter(checkout_token=checkout_token, status=HoldStatus.ACTIVE).first()
        if active is not None:
            if active.account_id == account_id and active.points == points:
                ledger.extend_hold(active, expires_at=expires_at)
                return _hold_info(active)
            # The checkout changed its points (or its customer): replace the hold. A second lock
            # only when the customer changed: rare, and a race there is a detected deadlock.
            owner_of_active = locked if active.account_id == account_id else ledger.lock_account(active.account_id)
            ledger.release(owner_of_active, active, reason="replaced by a new hold", now=now)
        sequence = PointHold.objects.filter(checkout_token=checkout_token).count() + 1
        request = {"owner": asdict(owner), "checkout_token": checkout_token, "points": points, "sequence": sequence}
        _, held = ledger.hold(
            locked, points=points, checkout_token=checkout_token, expires_at=expires_at,
            key=f"checkout:{checkout_token}:hold:{sequence}", request=request,
            source=Source(reason="held for checkout", checkout_token=checkout_token), now=now,
        )
        return _hold_info(held)


def capture_hold_for_order(checkout_token: str, order_id: str, *, now: datetime | None = None) -> HoldInfo:
    """Redeem the checkout's held points on the order it became. Idempotent per order."""
    now = now or timezone.now()
    with transaction.atomic():
        held = _latest_hold(checkout_token)
        locked = ledger.lock_account(held.account_id)
        held = _latest_hold(checkout_token)  # re-read under the lock: it may have changed meanwhile
        if held.status == HoldStatus.CAPTURED and held.order_id == order_id:
            return _hold_info(held)
        ledger.capture(locked, held, order_id=order_id, now=now)
        return _hold_info(held)


def release_hold_for_checkout(
    checkout_token: str, *, reason: str = "checkout abandoned", now: datetime | None = None
) -> HoldInfo | None:
    """Give the checkout's held points back; None when it has no active hold."""
    now = now or timezone.now()
    with transaction.atomic():
        active = PointHold.objects.filter(checkout_token=checkout_token, status=HoldStatus.ACTIVE).first()
        if active is None:
            return None
        locked = ledger.lock_account(active.account_id)
        active.refresh_from_db()
        if active.status != HoldStatus.ACTIVE:
            return None  # closed by a concurrent capture or release before we got the lock
        ledger.release(locked, active, reason=reason, now=now)
        return _hold_info(active)


def redeem_points(
    owner: Owner, idempotency_key: str, *, points: int, reason: str, order_id: str = "", now: datetime | None = None
) -> PostedTransaction:
    """Spend available points at once (no hold); never below zero (``InsufficientPoints``)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ledger.lock_account(_required_account_id(owner))
        return ledger.debit(
            locked, kind=TransactionKind.REDEEM, system_code=SystemCode.REDEEMED, points=points,
            key=idempotency_key, request={"owner": asdict(owner), "points": points, "order_id": order_id},
            source=Source(reason=reason, order_id=order_id), now=now,
        )


def _latest_hold(checkout_token: str) -> PointHold:
    held = PointHold.objects.filter(checkout_token=checkout_token).order_by("-id").first()
    if held is None:
        raise HoldNotFound(f"no points were held for checkout {checkout_token}", field="checkout_token")
    return held


def _hold_info(held: PointHold) -> HoldInfo:
    return HoldInfo(held.pk, held.account_id, held.checkout_token, held.points, held.status, held.expires_at,
                    held.order_id)


# --- reversals and adjustments --------------------------------------------------------------


def calculate_points_to_reverse(earned: int, *, refunded_amount: Decimal, order_total: Decimal) -> int:
    """How many of ``earned`` points a cumulative refund takes back, rounded in the customer's favour.

    Worked example: an order earned 125 points on a 99.99 total; a refund of 33.33 reverses
    floor(125 * 33.33 / 99.99) = floor(41.666...) = 41 points, the customer keeps the fraction.
    A second refund of 33.33 (66.66 cumulative) targets floor(83.33) = 83, so it reverses
    83 - 41 = 42; the last (99.99) targets 125 and reverses the remaining 42. Exact arithmetic
    (``Fraction``), never more than was earned.
    """
    if order_total <= 0 or refunded_amount < 0:
        raise InvalidInput("the order total must be positive and the refund not negative", field="refunded_amount")
    share = min(Fraction(refunded_amount) / Fraction(order_total), Fraction(1))
    return math.floor(earned * share)


def reverse_points_for_refund(
    order_id: str, *, refunded_amount: Decimal, order_total: Decimal, reason: str = "order refunded",
    now: datetime | None = None,
) -> PostedTransaction | None:
    """Reverse the order's earned points in proportion to the cumulative ``refunded_amount``.

    Reverses the difference between the target for the refunded total and what was already
    reversed; None when that is nothing (see ``calculate_points_to_reverse`` for rounding).
    Points already spent become debt that later earnings pay off.
    """
    return _reverse_earn(order_id, reason, now, lambda earned: calculate_points_to_reverse(
        earned, refunded_amount=refunded_amount, order_total=order_total))


def reverse_points_for_cancellation(
    order_id: str, *, reason: str = "order cancelled", now: datetime | None = None
) -> PostedTransaction | None:
    """Reverse whatever is left of the order's earned points; None if all were reversed already."""
    return _reverse_earn(order_id, reason, now, lambda earned: earned)


def _reverse_earn(order_id: str, reason: str, now: datetime | None,
                  target_for: Callable[[int], int]) -> PostedTransaction | None:
    now = now or timezone.now()
    with transaction.atomic():
        earn_id = LedgerTransaction.objects.filter(idempotency_key=f"order:{order_id}:earn").values_list(
            "id", flat=True).first()
        if earn_id is None:
            raise EarnNotFound(f"order {order_id} earned no points", field="order_id")
        account_id = PointLot.objects.values_list("account_id", flat=True).get(transaction_id=earn_id)
        locked = ledger.lock_account(account_id)
        lot = PointLot.objects.get(transaction_id=earn_id)  # read under the lock
        target = target_for(lot.points)
        already = ledger.get_reversed_points(earn_id)
        key = f"order:{order_id}:reverse:{target}"
        if target - already <= 0:
            return ledger.find_posted(key)
        return ledger.reverse(locked, lot, points=target - already, key=key,
                              request={"order_id": order_id, "target": target},
                              source=Source(reason=reason, order_id=order_id), now=now)


def reverse_bonus(credit_key: str, *, reason: str, now: datetime | None = None) -> PostedTransaction | None:
    """Take back what is left of the bonus credited under ``credit_key`` (a referral reward
    whose order was cancelled); None if no such credit was made.

    Points already spent become debt, as with any reversal. Idempotent (``<key>:reverse``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        credit_id = LedgerTransaction.objects.filter(idempotency_key=credit_key).values_list("id", flat=True).first()
        if credit_id is None:
            return None
        account_id = PointLot.objects.values_list("account_id", flat=True).get(transaction_id=credit_id)
        locked = ledger.lock_account(account_id)
        lot = PointLot.objects.get(transaction_id=credit_id)  # read under the lock
        left = lot.points - ledger.get_reversed_points(credit_id)
        key = f"{credit_key}:reverse"
        if left <= 0:
            return ledger.find_posted(key)
        return ledger.reverse(locked, lot, points=left, key=key, request={"credit_key": credit_key, "points": left},
                              source=Source(reason=reason), now=now)


def return_redeemed_points(
    order_id: str, *, expiry_days: int, now: datetime | None = None
) -> PostedTransaction | None:
    """Give back the points captured for ``order_id`` (a cancelled order); None if none were.

    The points come back as a new lot, available at once and expiring ``expiry_days`` from now
    (0: never), since the lots they came from may have expired meanwhile. A debt is paid first.
    They were the owner's already, so they do not count as earned: ``lifetime_earned`` stays
    (and tier figures come from order records, which a return does not touch).
    Idempotent (``order:<id>:return-redeemed``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        captured = PointHold.objects.filter(order_id=order_id, status=HoldStatus.CAPTURED).order_by("-id").first()
        if captured is None:
            return None
        expires_at = now + timedelta(days=expiry_days) if expiry_days else None
        posted = ledger.credit(
            captured.account_id, kind=TransactionKind.REVERSE, system_code=SystemCode.REDEEMED,
            points=captured.points, key=f"order:{order_id}:return-redeemed",
            request={"order_id": order_id, "hold": captured.pk, "points": captured.points},
            source=Source(reason="order cancelled: redeemed points returned", order_id=order_id),
            now=now, available_at=now, expires_at=expires_at,
        )
        if posted.created:
            # ledger.credit counts every credit as earned; this one is not (see docs/services.md).
            uncount_earned(captured.account_id, posted.points)
        return posted


def adjust_points(
    owner: Owner,
    points: int,
    *,
    reason: str,
    staff_user_id: int,
    idempotency_key: str | None = None,
    expires_at: datetime | None = None,
    allow_debt: bool = False,
    now: datetime | None = None,
) -> PostedTransaction:
    """A staff correction: positive points credit a new lot, negative ones are spent oldest first.

    A negative adjustment beyond the available balance raises ``InsufficientPoints`` unless
    ``allow_debt``. Without ``idempotency_key`` every call is a new adjustment.
    """
    if not reason.strip():
        raise InvalidInput("an adjustment needs a reason", field="reason")
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise PointsNotPositive("an adjustment moves a non-zero integer of points", field="points")
    now = now or timezone.now()
    key = idempotency_key or f"staff:{staff_user_id}:adjust:{uuid.uuid4()}"
    request = {"owner": asdict(owner), "points": points, "staff_user_id": staff_user_id, "expires_at": expires_at,
               "allow_debt": allow_debt}
    source = Source(reason=reason, staff_user_id=staff_user_id)
    with transaction.atomic():
        account_id = _required_account_id(owner)
        if points > 0:
            return ledger.credit(account_id, kind=TransactionKind.ADJUST, system_code=SystemCode.ADJUSTMENTS,
                                 points=points, key=key, request=request, source=source, now=now,
                                 available_at=now, expires_at=expires_at)
        return ledger.debit(ledger.lock_account(account_id), kind=TransactionKind.ADJUST,
                            system_code=SystemCode.ADJUSTMENTS, points=-points, key=key, request=request,
                            source=source, now=now, allow_debt=allow_debt)


# --- batches (the Celery tasks call these) --------------------------------------------------


def mature_due_points(*, now: datetime | None = None, batch_size: int = 500) -> BatchResult:
    """Make pending points available once their return window is over."""
    now = now or timezone.now()
    not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)  # the expiry job takes those
    due = Q(matured=False, remaining__gt=0, available_at__lte=now) & not_expired
    return _run_batch(PointLot.objects.filter(due), batch_size,
                      lambda locked: [ledger.mature(locked, lot, now=now) for lot in _lots(locked, due)])


def expire_due_points(*, now: datetime | None = None, batch_size: int = 500) -> BatchResult:
    """Write off what is left of every lot past its expiry, oldest first."""
    now = now or timezone.now()
    due = Q(remaining__gt=0, expires_at__lte=now)
    return _run_batch(PointLot.objects.filter(due), batch_size,
                      lambda locked: [ledger.expire(locked, lot, now=now) for lot in _lots(locked, due)])


def release_stale_holds(*, now: datetime | None = None, batch_size: int = 500) -> BatchResult:
    """Release the holds whose checkout never became an order in time.

    A hold whose checkout did become a recorded (not cancelled) order is never released: its
    discount was spent on the order, so the delivery sweep captures it instead
    (``order_delivery.capture_placed_order_holds``).
    """
    now = now or timezone.now()
    placed = OrderRecord.objects.exclude(status=OrderStatus.CANCELLED).exclude(checkout_token="")
    due = Q(status=HoldStatus.ACTIVE, expires_at__lte=now) & ~Q(checkout_token__in=placed.values("checkout_token"))

    def release_all(locked: LockedAccount) -> list[PostedTransaction]:
        holds = PointHold.objects.filter(due, account_id=locked.account_id).order_by("expires_at", "id")
        return [ledger.release(locked, held, reason="hold timed out", now=now) for held in holds]

    return _run_batch(PointHold.objects.filter(due), batch_size, release_all)


def _lots(locked: LockedAccount, due: Q) -> list[PointLot]:
    return list(PointLot.objects.filter(due, account_id=locked.account_id).order_by("expires_at", "id"))


def _run_batch(candidates: QuerySet[Any], batch_size: int,
               work: Callable[[LockedAccount], list[PostedTransaction]]) -> BatchResult:
    """Do ``work`` for the accounts of up to ``batch_size`` due rows, one transaction per account.

    Accounts locked by someone else (a checkout, a concurrent run) are skipped for the next run;
    ``work`` re-reads what is due under the lock, so running twice or concurrently is safe.
    """
    rows = list(candidates.order_by("id").values_list("account_id", flat=True)[:batch_size])
    processed = skipped = 0
    for account_id in dict.fromkeys(rows):
        with transaction.atomic():
            locked = ledger.try_lock_account(account_id)
            if locked is None:
                skipped += 1
                continue
            processed += len(work(locked))
    return BatchResult(processed, skipped, has_more=len(rows) == batch_size)


