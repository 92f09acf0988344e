"""Failed console sign-ins, counted per account name, for the lock-out (``services.sign_in_guard``).

Kept in the database, not in process memory, so the lock holds across Saleor's worker processes
and restarts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ConsoleSignInFailure(models.Model):
    """Failed sign-ins for one (lower-cased) email since the last success or lock."""

    login = models.CharField(max_length=254)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_console_sign_in_failure"
        constraints = [
            models.UniqueConstraint(fields=["login"], name="loyalty_console_sign_in_failure_login_unique"),
            models.CheckConstraint(name="loyalty_console_sign_in_failure_login_lower", condition=Q(login=models.functions.Lower("login"))),
        ]
