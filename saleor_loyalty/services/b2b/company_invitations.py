"""Company invitations: how a company admin brings a customer in, with the customer's consent.

Joining a company moves the customer's future earnings into the company's shared pool and
hides their personal balance while they are a member, so nobody is made a member by someone
else: staff may add directly (``companies.add_member``), a company admin invites and the
invitee accepts or declines, signed in as themselves.

What an admin learns about people outside their company is nothing. An invitation names the
invitee by customer id (the colleague reads theirs from ``loyaltyViewer``) and is stored without
looking it up: an unknown id, a staff member, a customer already in another company all get the
same answer (the invitation, pending). Whether the invitee can join is found out when
*they* accept (``AlreadyInCompany`` goes to them, not to the admin). An invitation that is not
the caller's answers ``CompanyInvitationNotFound``, exactly like one that does not exist.

Inviting the same person to the same company again while an invitation is open returns the
open one with the new role and limit (one open invitation each: a partial UNIQUE constraint).
Invitations expire after ``INVITATION_DAYS``.

Not by email: a shop may let anyone register an account under an address they do not own
(Saleor can switch email confirmation off), and an invitation by address would then let a
stranger join the company and redeem from its pool. An id names exactly one account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ...engine import bounds
from ...exceptions import CompanyInvitationNotFound, InvalidInput, InvitationNotPending
from ...models import Company, CompanyInvitation, InvitationStatus
from .companies import Actor, MemberInfo, authorize, check_limit, check_role, join_company, lock_company

__all__ = [
    "INVITATION_DAYS", "InvitationInfo", "accept_invitation", "cancel_invitation", "decline_invitation",
    "invite_to_company", "list_company_invitations", "list_my_invitations",
]

INVITATION_DAYS = 14


@dataclass(frozen=True)
class InvitationInfo:
    invitation_id: int
    company_id: int
    invitee_user_id: int
    company_name: str
    role: str
    redemption_limit: int | None
    status: str
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None


def invite_to_company(
    company_id: int,
    *,
    by: Actor,
    user_id: int,
    role: str = "buyer",
    redemption_limit: int | None = None,
    now: datetime | None = None,
) -> InvitationInfo:
    """Invite the customer ``user_id`` to the company.

    For the company's admins and staff. Nothing about the invitee is looked up (see the module
    doc); an open invitation for the same invitee is updated and returned instead of a second.
    """
    role = check_role(role)
    check_limit(redemption_limit)
    invitee = _invitee(user_id)
    now = now or timezone.now()
    with transaction.atomic():
        company = lock_company(company_id)
        authorize(company_id, by, admin=True)
        expires_at = now + timedelta(days=INVITATION_DAYS)
        open_one = _pending(CompanyInvitation.objects.filter(company_id=company_id, **invitee), now).first()
        if open_one is not None:
            open_one.role, open_one.redemption_limit, open_one.expires_at = role, redemption_limit, expires_at
            open_one.invited_by_id = by.user_id
            open_one.save(update_fields=["role", "redemption_limit", "expires_at", "invited_by_id"])
            return _info(open_one, company)
        # An expired invitation still pending in the table would block the partial UNIQUE index.
        _expire(CompanyInvitation.objects.filter(company_id=company_id, **invitee), now)
        try:
            with transaction.atomic():
                invitation = CompanyInvitation.objects.create(
                    company_id=company_id, role=role, redemption_limit=redemption_limit, invited_by_id=by.user_id,
                    created_at=now, expires_at=expires_at, **invitee,
                )
        except IntegrityError:
            message = "this invitee was just invited by someone else; try again"
            raise InvalidInput(message, field="customer_id") from None
    return _info(invitation, company)


def list_my_invitations(user_id: int, *, now: datetime | None = None) -> tuple[InvitationInfo, ...]:
    """The open invitations for the signed-in customer, newest first."""
    mine = _pending(CompanyInvitation.objects.filter(_addressed_to(user_id)), now or timezone.now())
    return tuple(_info(row, row.company) for row in mine.select_related("company"))


def list_company_invitations(company_id: int, *, by: Actor, now: datetime | None = None) -> tuple[InvitationInfo, ...]:
    """The company's open invitations, for its admins and staff."""
    authorize(company_id, by, admin=True)
    rows = _pending(CompanyInvitation.objects.filter(company_id=company_id), now or timezone.now())
    return tuple(_info(row, row.company) for row in rows.select_related("company"))


def accept_invitation(invitation_id: int, *, user_id: int, now: datetime | None = None) -> MemberInfo:
    """The invitee joins the company with the role and limit the invitation carries.

    ``CompanyInvitationNotFound`` unless the invitation is addressed to this customer;
    ``InvitationNotPending`` once answered, cancelled or expired; ``AlreadyInCompany`` when they
    belong to a company already (they must leave it first).
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock_mine(invitation_id, user_id, now)
        lock_company(invitation.company_id)
        member = join_company(
            invitation.company_id, user_id, role=invitation.role, redemption_limit=invitation.redemption_limit, now=now
        )
        _answer(invitation, InvitationStatus.ACCEPTED, now)
    return member


def decline_invitation(invitation_id: int, *, user_id: int, now: datetime | None = None) -> InvitationInfo:
    """The invitee says no; the company sees the invitation closed (not who declined why)."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _lock_mine(invitation_id, user_id, now)
        _answer(invitation, InvitationStatus.DECLINED, now)
    return _info(invitation, invitation.company)


def cancel_invitation(invitation_id: int, *, by: Actor, now: datetime | None = None) -> InvitationInfo:
    """The company's admins or staff withdraw an open invitation."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = CompanyInvitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None:
            raise CompanyInvitationNotFound(f"no invitation {invitation_id}", field="id")
        authorize(invitation.company_id, by, admin=True)
        _check_pending(invitation, now)
        _answer(invitation, InvitationStatus.CANCELLED, now)
    return _info(invitation, invitation.company)


# --- helpers --------------------------------------------------------------------------------


def _invitee(user_id: int) -> dict[str, object]:
    if bounds.ROW_ID.problem(user_id):
        raise InvalidInput("customer_id is not a customer id", field="customer_id")
    return {"invitee_user_id": user_id}


def _addressed_to(user_id: int) -> Q:
    return Q(invitee_user_id=user_id)


def _pending(rows: QuerySet[CompanyInvitation], now: datetime) -> QuerySet[CompanyInvitation]:
    return rows.filter(status=InvitationStatus.PENDING, expires_at__gt=now)


def _expire(rows: QuerySet[CompanyInvitation], now: datetime) -> None:
    # Expired is shown as CANCELLED with the expiry as its answer time.
    rows.filter(status=InvitationStatus.PENDING, expires_at__lte=now).update(
        status=InvitationStatus.CANCELLED, responded_at=now
    )


def _lock_mine(invitation_id: int, user_id: int, now: datetime) -> CompanyInvitation:
    invitation = CompanyInvitation.objects.select_for_update().filter(_addressed_to(user_id), pk=invitation_id).first()
    if invitation is None:
        raise CompanyInvitationNotFound(f"no invitation {invitation_id}", field="id")
    _check_pending(invitation, now)
    return invitation


def _check_pending(invitation: CompanyInvitation, now: datetime) -> None:
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationNotPending(f"invitation {invitation.pk} is {invitation.status}", field="id")
    if invitation.expires_at <= now:
        raise InvitationNotPending(f"invitation {invitation.pk} expired", field="id")


def _answer(invitation: CompanyInvitation, status: str, now: datetime) -> None:
    invitation.status, invitation.responded_at = status, now
    invitation.save(update_fields=["status", "responded_at"])


def _info(row: CompanyInvitation, company: Company) -> InvitationInfo:
    return InvitationInfo(
        row.pk, row.company_id, row.invitee_user_id, company.name, row.role, row.redemption_limit, row.status,
        row.created_at,
        row.expires_at, row.responded_at,
    )
