"""Volume rebate programs: list, create (``rebates.create_rebate_program``) and edit
(``rebate_admin.change_rebate_program``), the same services as ``loyaltyRebateProgramCreate`` /
``loyaltyRebateProgramUpdate``. Bands are typed one per line: ``<min spend> <percent>``.
Needs MANAGE_DISCOUNTS (a rebate is a discount rule for companies).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from ...exceptions import InvalidInput, LoyaltyError
from ...models import RebatePayout, RebatePeriodKind, RebateProgram
from ...services.b2b import rebate_admin, rebates
from ..page import Page, field_errors

FIELDS = ("name", "period", "currency", "payout", "point_value", "channel", "starts_on", "settle_days",
          "points_valid_days", "bands")


def parse_bands(text: str) -> list[rebates.Band]:
    """``10000 2`` per line -> bands (``rebate_admin.to_bands`` checks the numbers)."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("%", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise InvalidInput(_("bands: line %(number)s must be '<min spend> <percent>'") % {"number": number},
                               field="bands")
        pairs.append((parts[0], parts[1]))
    return rebate_admin.to_bands(pairs)


def _int(raw: str, field: str, *, default: int | None) -> int | None:
    if not raw.strip():
        return default
    if not raw.strip().isdigit():
        raise InvalidInput(_("%(field)s: must be a whole number") % {"field": field}, field=field)
    return int(raw)


def rebate_list(page: Page) -> HttpResponse:
    values: dict[str, Any] = {"period": "month", "currency": "USD", "payout": "points", "settle_days": "0",
                              "starts_on": date.today().replace(day=1).isoformat()}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if page.request.method == "POST":
        post = page.request.POST
        values = {name: post.get(name, "") for name in FIELDS}
        try:
            try:
                starts_on = date.fromisoformat(values["starts_on"].strip())
            except ValueError:
                raise InvalidInput(_("starts_on: must be a date (YYYY-MM-DD)"), field="starts_on") from None
            try:
                point_value = Decimal(values["point_value"]) if values["point_value"].strip() else None
            except InvalidOperation:
                raise InvalidInput(_("point_value: must be a number"), field="point_value") from None
            program = rebates.create_rebate_program(
                name=values["name"], period=values["period"], currency=values["currency"].strip().upper(),
                bands=parse_bands(values["bands"]), starts_on=starts_on, payout=values["payout"],
                point_value=point_value, channel=values["channel"].strip() or None,
                points_valid_days=_int(values["points_valid_days"], "points_valid_days", default=None),
                settle_days=_int(values["settle_days"], "settle_days", default=0) or 0,
            )
        except LoyaltyError as exc:
            errors, general = field_errors(exc)
        else:
            return page.redirect(f"rebates/{program.pk}/", notice="created")
    return page.render("rebates.html", {
        "programs": rebate_admin.list_rebate_programs(), "values": values, "errors": errors, "general": general,
        "periods": RebatePeriodKind.choices, "payouts": RebatePayout.choices,
    }, status=400 if errors or general else 200)


def rebate_detail(page: Page, pk: str) -> HttpResponse:
    program = RebateProgram.objects.filter(pk=int(pk)).first()
    if program is None:
        raise Http404
    bands_text = "\n".join(f"{band.min_spend} {band.percent}" for band in rebate_admin.get_rebate_bands(program.pk))
    values = {"name": program.name, "settle_days": str(program.settle_days), "is_active": program.is_active,
              "bands": bands_text}
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if page.request.method == "POST":
        post = page.request.POST
        values = {"name": post.get("name", ""), "settle_days": post.get("settle_days", ""),
                  "is_active": post.get("is_active") == "on", "bands": post.get("bands", "")}
        try:
            rebate_admin.change_rebate_program(
                program.pk, name=values["name"], is_active=values["is_active"],
                settle_days=_int(values["settle_days"], "settle_days", default=0),
                bands=parse_bands(values["bands"]),
            )
        except LoyaltyError as exc:
            errors, general = field_errors(exc)
        else:
            return page.redirect(f"rebates/{program.pk}/", notice="saved")
    return page.render("rebate.html", {"program": program, "values": values, "errors": errors, "general": general},
                       status=400 if errors or general else 200)
