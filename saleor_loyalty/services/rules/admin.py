"""What the staff rule API needs beside ``services.rules``: listing rules, the referral settings
as one editable record, and a price list created with its entries in one go (the CSV import is
``price_lists.import_price_list_csv``).

Writes go through ``services.rules`` and ``services.rules.price_lists`` (validation, the rules-version
bump); this module only composes them, so a failure anywhere leaves nothing written (one
``transaction.atomic`` around each use case).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from ...exceptions import InvalidInput
from ...models import EarnRule, GiftRule, PriceList, ReferralProgram, Tier
from .. import rules
from .fields import Problems, raise_problems

def list_tiers(*, include_inactive: bool = True) -> list[Tier]:
    """Every tier by rank (one query)."""
    tiers = Tier.objects.order_by("rank", "id")
    return list(tiers if include_inactive else tiers.filter(is_active=True))


def list_gift_rules(*, include_inactive: bool = True) -> list[GiftRule]:
    """Every gift rule by id (one query)."""
    found = GiftRule.objects.order_by("id")
    return list(found if include_inactive else found.filter(is_active=True))


def list_earn_rules(*, kind: str | None = None, include_inactive: bool = True) -> list[EarnRule]:
    """Every earn rule by id, optionally of one ``kind`` (one query)."""
    found = EarnRule.objects.order_by("id")
    if kind is not None:
        found = found.filter(kind=kind)
    return list(found if include_inactive else found.filter(is_active=True))


def price_lists_queryset(
    *,
    search: str = "",
    is_active: bool | None = None,
    currency: str | None = None,
    channel: str | None = None,
    audience_kind: str | None = None,
    company_id: int | None = None,
) -> QuerySet[PriceList]:
    """Price lists matching the filter, with entries and breaks prefetched (a page costs three
    queries whatever its size: lists, entries, breaks)."""
    found = PriceList.objects.prefetch_related("entries__breaks")
    if search:
        found = found.filter(name__icontains=search)
    if is_active is not None:
        found = found.filter(is_active=is_active)
    if currency:
        found = found.filter(currency=currency.upper())
    if channel:
        found = found.filter(Q(channel=channel) | Q(channel__isnull=True))
    if audience_kind:
        found = found.filter(audience_kind=audience_kind)
    if company_id is not None:
        found = found.filter(company_id=company_id)
    return found


def get_referral_settings() -> ReferralProgram | None:
    """The referral terms staff edit: the active program, else the newest one, else None."""
    return ReferralProgram.objects.order_by("-is_active", "-id").first()


def save_referral_settings(values: Mapping[str, Any], *, now: datetime | None = None) -> ReferralProgram:
    """Change the given fields of the referral terms (``get_referral_settings``), or create them
    when there are none yet (then ``discount_kind`` and ``discount_value`` are required)."""
    current = get_referral_settings()
    if current is None:
        return rules.create_referral_program(values, now=now)
    return rules.update_referral_program(current.pk, values, now=now)


def create_price_list_with_entries(
    values: Mapping[str, Any],
    entries: Sequence[Mapping[str, Any] | None],
    *,
    entry_problems: Problems = (),
    now: datetime | None = None,
) -> PriceList:
    """Create a price list and its entries (each with its breaks) in one transaction.

    Every entry is checked, and every problem reported at once with the entry's index in front
    of its field (``entries[1].breaks[0].percent_off``); nothing is written when one is bad.
    ``entry_problems`` are problems the caller already found in entries it could not translate
    (passed as ``None`` to keep the indexes); they are reported with the others.
    """
    with transaction.atomic():
        problems: Problems = list(entry_problems)
        try:
            price_list = rules.create_price_list(values, now=now)
        except InvalidInput as exc:
            raise_problems([*exc.problems, *problems])
            raise
        for index, entry in enumerate(entries):
            if entry is None:
                continue
            try:
                with transaction.atomic():
                    rules.create_price_list_entry(price_list.pk, entry)
            except InvalidInput as exc:
                problems.extend(_prefixed(f"entries[{index}]", exc.problems))
        if problems:
            # Raised inside the outer atomic block: the list and any entries saved roll back.
            raise_problems(sorted(problems, key=lambda problem: problem[0] or ""))
    return price_list


def _prefixed(prefix: str, problems: Problems) -> Problems:
    """``problems`` of one item of a list, their fields and messages prefixed with its index."""
    return [
        (f"{prefix}.{field}" if field else prefix, f"{prefix}: {message}") for field, message in problems
    ]
