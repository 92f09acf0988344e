"""Companies: named groups of customers that share one points pool (B2B).

A customer belongs to at most one company; a member earns into and redeems from the company's
account (see ``services.points.get_account_for_customer``). The company holds its own tier,
qualified on the combined spend of its members (``services.b2b.company_tiers``), and an optional
Saleor customer type its members buy as. ``services.b2b.companies`` is the only writer; docs/b2b.md
describes the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Company(models.Model):
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)
    # NULL for rows made before slugs existed (and by bare fixtures); the services always set one.
    slug = models.SlugField(max_length=255, null=True, blank=True)
    # Saleor's customer type the members buy as (a plain value, never a foreign key to Saleor).
    customer_type_id = models.BigIntegerField(null=True, blank=True)
    # The company's own tier, qualified on its members' combined orders. "Tier" by name because
    # rules.py imports this module. PROTECT: deleting a tier a company holds must be refused.
    tier = models.ForeignKey("Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier_since = models.DateTimeField(null=True, blank=True)
    # The day the company first fell below its tier; the tier's grace period runs from it.
    tier_below_since = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_company"
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="loyalty_company_slug_unique"),
            models.CheckConstraint(
                name="loyalty_company_customer_type_positive",
                condition=Q(customer_type_id__isnull=True) | Q(customer_type_id__gt=0),
            ),
            models.CheckConstraint(
                name="loyalty_company_tier_since_with_tier", condition=Q(tier__isnull=True) | Q(tier_since__isnull=False)
            ),
            models.CheckConstraint(
                name="loyalty_company_below_since_needs_tier",
                condition=Q(tier_below_since__isnull=True) | Q(tier__isnull=False),
            ),
        ]

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
    updated_at = models.DateTimeField(default=timezone.now)

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


class CompanyTierChange(models.Model):
    """One tier change of one company, kept so its members and staff can see why."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tier_changes")
    # SET_NULL plus the names: history survives a tier's deletion.
    from_tier = models.ForeignKey("Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_tier = models.ForeignKey("Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_tier_name = models.CharField(max_length=100, blank=True, default="")
    to_tier_name = models.CharField(max_length=100, blank=True, default="")
    change = models.CharField(max_length=16)
    reason = models.CharField(max_length=255, blank=True, default="")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_company_tier_change"
        ordering = ("-changed_at", "-id")
        indexes = [models.Index(fields=["company", "changed_at"], name="loyalty_co_tier_change_idx")]
        constraints = [
            models.CheckConstraint(
                name="loyalty_company_tier_change_kind_valid", condition=Q(change__in=["upgrade", "downgrade"])
            ),
        ]

    def __str__(self) -> str:
        return f"company {self.company_id}: {self.from_tier_name or '-'} -> {self.to_tier_name or '-'}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class CompanyInvitation(models.Model):
    """A company admin's invitation: the invitee joins only by accepting it themselves.

    The invitee is a customer id as the admin typed it, not checked against the customers when
    the invitation is made (a plain column, no foreign key), so inviting an unknown id looks
    exactly like inviting a real one and the admin learns nothing about people outside their
    company (``services.company_invitations``).
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    invitee_user_id = models.BigIntegerField()
    role = models.CharField(max_length=16, choices=CompanyRole.choices, default=CompanyRole.BUYER)
    redemption_limit = models.PositiveIntegerField(null=True, blank=True)
    invited_by_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "loyalty_company_invitation"
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["invitee_user_id", "status"], name="loyalty_co_invite_user_idx")]
        constraints = [
            models.CheckConstraint(
                name="loyalty_company_invitation_status_valid", condition=Q(status__in=InvitationStatus.values)
            ),
            models.CheckConstraint(
                name="loyalty_company_invitation_role_valid", condition=Q(role__in=CompanyRole.values)
            ),
            models.CheckConstraint(
                name="loyalty_company_invitation_limit_positive",
                condition=Q(redemption_limit__isnull=True) | Q(redemption_limit__gt=0),
            ),
            models.CheckConstraint(
                name="loyalty_company_invitation_answered",
                condition=Q(status=InvitationStatus.PENDING) | Q(responded_at__isnull=False),
            ),
            # One open invitation per invitee and company: inviting again updates the open one.
            models.UniqueConstraint(
                fields=["company", "invitee_user_id"], condition=Q(status=InvitationStatus.PENDING),
                name="loyalty_company_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} to company {self.company_id} ({self.status})"
