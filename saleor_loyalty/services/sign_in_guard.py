"""The staff console's lock-out: after ``MAX_FAILURES`` failed sign-ins for one email, that email
is refused for ``LOCK_MINUTES``, right password or not.

Counted per email (lower-cased), in the database (``ConsoleSignInFailure``), so every worker
process sees the same count. A success clears the count. The trade-off is the usual one: someone
who knows a staff email can keep it locked by failing on purpose; the lock is short for that
reason, and the password itself is never tried while locked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import ConsoleSignInFailure

MAX_FAILURES = 5
LOCK_MINUTES = 15


def _login(email: str) -> str:
    return email.strip().lower()[:254]


def get_locked_until(email: str, *, now: datetime | None = None) -> datetime | None:
    """When the lock on ``email`` ends, or None when sign-in is allowed now (one query)."""
    now = now or timezone.now()
    until = ConsoleSignInFailure.objects.filter(login=_login(email)).values_list("locked_until", flat=True).first()
    return until if until is not None and until > now else None


def record_failed_sign_in(email: str, *, now: datetime | None = None) -> datetime | None:
    """Count one failure; returns the end of the lock when this failure locks the email.

    The row is locked while counting, so two workers failing at once count two failures.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row, _ = ConsoleSignInFailure.objects.select_for_update().get_or_create(login=_login(email))
        if row.locked_until is not None and row.locked_until <= now:
            row.failures, row.locked_until = 0, None  # an old lock has run out: count afresh
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= MAX_FAILURES:
            row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        row.save()
        return row.locked_until


def clear_failed_sign_ins(email: str) -> None:
    """Forget the failures of ``email`` (after a successful sign-in)."""
    ConsoleSignInFailure.objects.filter(login=_login(email)).delete()
