"""Companies: named groups of customers that share one points pool (B2B).

Minimal on purpose: the B2B work extends these models. A customer belongs to at most one
company; a member earns into and redeems from the company's account (see
``services.points.get_account_for_customer``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = "loyalty_company"
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class CompanyRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    BUYER = "buyer", "Buyer"


class CompanyMember(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    # A plain FK with a named UNIQUE constraint (not OneToOne) so the rule has a name in the DB.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_company_memberships",
        db_index=False,  # the UNIQUE constraint's index serves lookups
    )
    role = models.CharField(max_length=16, choices=CompanyRole.choices, default=CompanyRole.BUYER)
    # Points a buyer may redeem from the shared pool; NULL means no limit of its own.
    redemption_limit = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "loyalty_company_member"
        constraints = [
            models.UniqueConstraint(fields=["user"], name="loyalty_company_member_one_company_per_user"),
            models.CheckConstraint(
                condition=models.Q(redemption_limit__isnull=True) | models.Q(redemption_limit__gt=0),
                name="loyalty_company_member_redemption_limit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=CompanyRole.values), name="loyalty_company_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.company_id} ({self.role})"
