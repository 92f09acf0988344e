"""Accounts: the account a customer or a company earns into, created on first use."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ... import ledger
from ...exceptions import AccountNotFound
from ...models import Company, LoyaltyAccount
from .balances import find_account
from .values import AccountInfo, Owner


def get_account_for_customer(user_id: int) -> AccountInfo:
    """The account a customer earns into and spends from: their company's if they are a member.

    Created on first use. Which account that is, is decided in one place only: the SQL function
    ``loyalty_owner_account_id()`` (``ledger/sql/owner_account.sql``), which credits use too.
    """
    return _account_info(required_account_id(Owner.customer(user_id)))


def required_account_id(owner: Owner) -> int:
    """The owner's account id, creating the account (a harmless row on its own) if needed."""
    company_id, account = find_account(owner)
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
