"""Contract prices: a price list bound to one company, valid between two dates.

A contract price list is an ordinary price list (``services.rules``) whose audience is the
company, so the engine applies it to every member's checkout; its prices come from the CSV
import (``services.rules.import_price_list_csv``). Creating one and importing its prices is
all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from ...engine.rules import AudienceKind
from ...exceptions import CompanyNotFound, InvalidInput
from ...models import Company, PriceList
from .. import rules

__all__ = ["ContractPriceList", "create_contract_price_list", "list_contract_price_lists"]


@dataclass(frozen=True)
class ContractPriceList:
    price_list_id: int
    company_id: int
    imported: rules.PriceListImport | None


def create_contract_price_list(
    company_id: int,
    *,
    name: str,
    currency: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    channel: str | None = None,
    priority: int = 0,
    csv_text: str | None = None,
    resolve_sku: Callable[[Collection[str]], Mapping[str, int]] | None = None,
) -> ContractPriceList:
    """A price list for one company's members from ``valid_from`` (until ``valid_until``), its
    prices imported from CSV (``services.rules.import_price_list_csv``); all or nothing."""
    if not Company.objects.filter(pk=company_id).exists():
        raise CompanyNotFound(f"no company {company_id}", field="company_id")
    if csv_text is not None and resolve_sku is None:
        raise InvalidInput("a CSV import needs resolve_sku (SKU -> variant id)", field="resolve_sku")
    with transaction.atomic():
        price_list = rules.create_price_list({
            "name": name, "currency": currency, "channel": channel, "priority": priority,
            "audience_kind": AudienceKind.COMPANY.value, "company_id": company_id,
            "valid_from": valid_from, "valid_until": valid_until,
        })
        imported = None
        if csv_text is not None:
            assert resolve_sku is not None
            imported = rules.import_price_list_csv(price_list.pk, csv_text, resolve_sku=resolve_sku)
    return ContractPriceList(price_list.pk, company_id, imported)


def list_contract_price_lists(company_id: int) -> list[PriceList]:
    """The price lists bound to the company (contract prices), newest validity first."""
    return list(
        PriceList.objects.filter(audience_kind=AudienceKind.COMPANY.value, company_id=company_id)
        .order_by("-valid_from", "-id")
    )
