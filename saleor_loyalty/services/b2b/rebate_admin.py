"""What staff doors (the console, the GraphQL mutations) need beside ``services.rebates``:
listing programs and one edit that changes a program's fields and bands together.

Validation stays in ``rebates`` (``create_rebate_program``, ``update_rebate_program``,
``set_rebate_bands``); this module only composes them in one transaction, so a refused band
leaves the name unchanged too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from ...engine import bounds
from ...models import RebateBand, RebateProgram
from ..rules import fields as f
from .rebates import Band, set_rebate_bands, update_rebate_program
from ..rules.fields import Problems, raise_problems

_MIN_SPEND = f.decimal()
_PERCENT = f.decimal(bounds.PERCENT)


def to_bands(raw: Sequence[tuple[object, object]]) -> list[Band]:
    """Bands from ``(min_spend, percent)`` pairs as an adapter received them (text or Decimal).

    Every value that is not a number is reported at once (``bands[1].percent: ...``); whether
    the bands fit together is ``rebates``' check.
    """
    bands: list[Band] = []
    problems: Problems = []
    for index, (min_spend, percent) in enumerate(raw):
        parsed = []
        for name, parser, value in (("min_spend", _MIN_SPEND, min_spend), ("percent", _PERCENT, percent)):
            try:
                parsed.append(parser(value))
            except ValueError as exc:
                problems.append(("bands", f"bands[{index}].{name}: {exc}"))
        if len(parsed) == 2:
            bands.append(Band(parsed[0], parsed[1]))
    raise_problems(problems)
    return bands


def list_rebate_programs() -> list[RebateProgram]:
    """Every rebate program by id, with its bands prefetched (two queries)."""
    return list(RebateProgram.objects.order_by("id").prefetch_related("bands"))


def get_rebate_bands(program_id: int) -> list[RebateBand]:
    """The program's bands, lowest spend first."""
    return list(RebateBand.objects.filter(program_id=program_id).order_by("min_spend"))


def change_rebate_program(
    program_id: int,
    *,
    name: str | None = None,
    is_active: bool | None = None,
    settle_days: int | None = None,
    bands: Sequence[Band] | None = None,
    now: datetime | None = None,
) -> RebateProgram:
    """Change the given fields and (``bands`` given) replace the bands, all or nothing.

    Period, currency, channel and payout stay as created (closed statements were computed with
    them); ``RebateProgramNotFound`` for an unknown program, ``InvalidInput`` for bad values.
    """
    with transaction.atomic():
        program = update_rebate_program(program_id, name=name, is_active=is_active, settle_days=settle_days, now=now)
        if bands is not None:
            set_rebate_bands(program_id, bands)
    return program
