"""Volume rebates paid as a code: the shop issues each code as a voucher, and only the company's
members may use it.

``rebates`` closes a period into a statement with status ``code_recorded`` and a code
(``REBATE-...``); ``issue_rebate_codes`` asks the shop to issue a voucher for each such
statement (``Shop.issue_voucher``, optional on the port), then marks it ``code_issued``. The shop
issues a code idempotently, so a run that stopped between the two steps issues it again safely.
``check_rebate_code`` is the pre-order check: a rebate code on a checkout must belong to a
company the buyer is an active member of.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ...exceptions import ShopNotConfigured
from ...models import CompanyMember, RebateStatement, RebateStatus
from ...shop import get_shop
from ..codes import OrderCheck
from .rebate_statements import get_rebate_codes_to_issue, mark_rebate_code_issued

logger = logging.getLogger(__name__)

__all__ = ["IssueResult", "check_rebate_code", "issue_rebate_codes"]


@dataclass(frozen=True)
class IssueResult:
    issued: int
    failed: int
    unsupported: bool = False


def issue_rebate_codes(*, limit: int = 100, now: datetime | None = None) -> IssueResult:
    """Issue the voucher of every statement paid as a code and not issued yet (oldest first, at
    most ``limit``). A statement whose voucher fails is logged and left for the next run; the
    others go on. A shop without ``issue_voucher`` (or no shop registered) issues nothing and
    marks nothing."""
    to_issue = get_rebate_codes_to_issue(limit=limit)
    if not to_issue:
        return IssueResult(0, 0)
    try:
        issue_voucher = getattr(get_shop(), "issue_voucher", None)
    except ShopNotConfigured:
        issue_voucher = None
    if issue_voucher is None:
        logger.error("%s rebate codes wait to be issued, but this shop cannot issue vouchers", len(to_issue))
        return IssueResult(0, 0, unsupported=True)
    issued = failed = 0
    for statement in to_issue:
        assert statement.code is not None  # a code_recorded statement carries its code (CHECK constraint)
        try:
            issue_voucher(
                statement.code, amount=statement.rebate_amount, currency=statement.currency,
                name=f"Volume rebate {statement.period_label}", company_id=statement.company_id,
            )
        except Exception:
            logger.exception("rebate statement %s: the voucher %s could not be issued", statement.statement_id,
                             statement.code)
            failed += 1
            continue
        mark_rebate_code_issued(statement.statement_id, now=now)
        issued += 1
    return IssueResult(issued, failed)


def check_rebate_code(code: str | None, *, user_id: int | None) -> OrderCheck:
    """For ``preprocess_order_creation``: a rebate code may be used only by an active member of
    its company. Any other code (or none) is allowed here."""
    if not code:
        return OrderCheck.ok()
    statement = (
        RebateStatement.objects.filter(code=code.strip().upper(), status__in=[RebateStatus.CODE_ISSUED,
                                                                              RebateStatus.CODE_RECORDED])
        .values("company_id", "company__is_active").first()
    )
    if statement is None:
        return OrderCheck.ok()
    if not statement["company__is_active"]:
        return OrderCheck.refuse("company_inactive", "this rebate belongs to a company that is no longer active")
    if user_id is None or not CompanyMember.objects.filter(company_id=statement["company_id"], user_id=user_id).exists():
        return OrderCheck.refuse("not_member", "this rebate belongs to a company you are not a member of")
    return OrderCheck.ok()
