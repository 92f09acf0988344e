"""Price lists: the list's fields, its entries and quantity breaks, CSV import, and a preview of
the price-break table a buyer will see.

Writes are the mutations' service calls: ``rules.create_price_list`` / ``update_price_list`` /
``delete_price_list``, ``price_lists.create_price_list_entry`` / ``update_price_list_entry`` /
``delete_price_list_entry`` and ``price_lists.import_price_list_csv`` (all or nothing: a file with a
bad row saves nothing and the page lists every bad row). The preview asks
``quotes.get_tier_prices``, the service behind the storefront's ``loyaltyTierPrices``. Needs
MANAGE_DISCOUNTS.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...engine.rules import TargetKind
from ...exceptions import LoyaltyError, NotFound
from ...models import PriceList, PriceListEntry
from ...services import quotes, rules
from ...services.rules import admin as rules_admin
from ...services.rules import price_lists
from ..forms import Field, bound_fields, enum_choices, initial_values, read_values, unmatched_errors
from ..page import Page, field_errors
from .rule_admin import Column, RuleAdmin
from .rules import AUDIENCE_FIELDS

BREAK_ROWS = 6  # blank break rows on an entry form; more breaks: save and edit again, or import
_BREAK_FIELD = re.compile(r"^breaks\[(\d+)\]\.(\w+)$")

PRICE_LIST_FIELDS = (
    Field("name", gettext_lazy("Name"), required=True),
    Field("currency", gettext_lazy("Currency"), required=True, default="USD"),
    Field("priority", gettext_lazy("Priority"), "number", default="0", clearable=False,
          help=gettext_lazy("When lists overlap, the higher priority wins.")),
    *AUDIENCE_FIELDS,
    Field("channel", gettext_lazy("Channel slug"), help=gettext_lazy("Empty: every channel.")),
    Field("valid_from", gettext_lazy("Valid from (UTC)"), "datetime"),
    Field("valid_until", gettext_lazy("Valid until (UTC)"), "datetime"),
    Field("is_active", gettext_lazy("Active"), "checkbox", default=True),
)
ENTRY_FIELDS = (
    Field("target_kind", gettext_lazy("Applies to"), "select", required=True, choices=enum_choices(TargetKind)),
    Field("target_id", gettext_lazy("Variant, product or category id"), "number",
          help=gettext_lazy("Empty for 'all'.")),
    Field("sku", gettext_lazy("SKU (for reference)")),
)


class PriceListAdmin(RuleAdmin):
    """The price list's own fields use the generic pages; its edit page adds the entries."""

    def edit_view(self, page: Page, pk: str) -> HttpResponse:
        row = PriceList.objects.filter(pk=int(pk)).first()
        if row is None:
            raise Http404
        page.extra["entries"] = _entries(row.pk)
        return self._form(page, row)


def _entries(price_list_id: int) -> list[dict[str, Any]]:
    return [
        {"entry": entry, "breaks": list(entry.breaks.all())}
        for entry in price_lists.get_price_list_entries(price_list_id)
    ]


PRICE_LISTS = PriceListAdmin(
    slug="price-lists", title=gettext_lazy("Price lists"), singular=gettext_lazy("price list"),
    fields=PRICE_LIST_FIELDS,
    columns=(Column(gettext_lazy("Name"), lambda p: p.name), Column(gettext_lazy("Currency"), lambda p: p.currency),
             Column(gettext_lazy("Audience"), lambda p: p.audience_kind),
             Column(gettext_lazy("Priority"), lambda p: p.priority, True),
             Column(gettext_lazy("Entries"), lambda p: len(p.entries.all()), True)),
    list_rows=lambda: list(rules_admin.price_lists_queryset().order_by("-priority", "id")),
    get_row=lambda pk: PriceList.objects.filter(pk=pk).first(),
    create=rules.create_price_list, update=rules.update_price_list, delete=rules.delete_price_list,
    form_template="price_list.html",
)


def entry_form(page: Page, pk: str, entry_id: str | None = None) -> HttpResponse:
    """Add an entry with its breaks, or edit one (its breaks are replaced by the form's)."""
    price_list = PriceList.objects.filter(pk=int(pk)).first()
    entry = None if entry_id is None else PriceListEntry.objects.filter(pk=int(entry_id), price_list=price_list).first()
    if price_list is None or (entry_id is not None and entry is None):
        raise Http404
    values = initial_values(ENTRY_FIELDS, entry)
    breaks = [{"min_quantity": b.min_quantity, "fixed_price": b.fixed_price or "", "percent_off": b.percent_off or ""}
              for b in (entry.breaks.all() if entry else [])]
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    code = ""
    if page.request.method == "POST":
        data, values = read_values(ENTRY_FIELDS, page.request.POST)
        breaks = _posted_breaks(page)
        data["breaks"] = [{name: value for name, value in row.items() if value.strip()} for row in breaks
                          if any(value.strip() for value in row.values())]
        try:
            if entry is None:
                saved = price_lists.create_price_list_entry(price_list.pk, data)
            else:
                saved = price_lists.update_price_list_entry(entry.pk, data)
        except LoyaltyError as exc:
            errors, general = field_errors(exc)
            code = exc.code
        else:
            return page.redirect(f"price-lists/{price_list.pk}/", notice="saved", entry=saved.pk)
    while len(breaks) < BREAK_ROWS:
        breaks.append({"min_quantity": "", "fixed_price": "", "percent_off": ""})
    return page.render("price_list_entry.html", {
        "price_list": price_list, "entry": entry, "fields": bound_fields(ENTRY_FIELDS, values, errors),
        "breaks": _break_rows(breaks, errors), "error_code": code,
        "general": unmatched_errors(ENTRY_FIELDS, {k: v for k, v in errors.items() if not k.startswith("breaks")},
                                    general) + errors.get("breaks", []),
    }, status=400 if errors or general else 200)


def _posted_breaks(page: Page) -> list[dict[str, str]]:
    post = page.request.POST
    count = min(int(post.get("break_rows", BREAK_ROWS) or BREAK_ROWS), 100)
    return [
        {name: post.get(f"breaks-{index}-{name}", "") for name in ("min_quantity", "fixed_price", "percent_off")}
        for index in range(count)
    ]


def _break_rows(breaks: list[dict[str, Any]], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Rows for the template; a break error names the index of the breaks *sent* (blank rows dropped)."""
    by_sent_index: dict[int, list[str]] = {}
    for name, messages in errors.items():
        found = _BREAK_FIELD.match(name)
        if found:
            by_sent_index.setdefault(int(found.group(1)), []).extend(messages)
    rows, sent = [], 0
    for index, row in enumerate(breaks):
        filled = any(str(value).strip() for value in row.values())
        rows.append({"index": index, **row, "errors": by_sent_index.get(sent, []) if filled else []})
        sent += filled
    return rows


def entry_delete(page: Page, pk: str, entry_id: str) -> HttpResponse:
    if page.request.method != "POST":
        return page.redirect(f"price-lists/{pk}/")
    if not PriceListEntry.objects.filter(pk=int(entry_id), price_list_id=int(pk)).exists():
        raise Http404
    price_lists.delete_price_list_entry(int(entry_id))
    return page.redirect(f"price-lists/{pk}/", notice="deleted")


def import_csv(page: Page, pk: str) -> HttpResponse:
    """CSV import: a file or pasted text; every bad row listed, nothing saved unless all are good."""
    price_list = PriceList.objects.filter(pk=int(pk)).first()
    if price_list is None:
        raise Http404
    context: dict[str, Any] = {"price_list": price_list, "csv_text": "", "replace": False, "row_errors": []}
    if page.request.method == "POST":
        upload = page.request.FILES.get("csv_file")
        text = page.request.POST.get("csv_text", "")
        if upload is not None:
            text = upload.read(price_lists.MAX_CSV_BYTES + 1).decode("utf-8", errors="replace")
        replace = page.request.POST.get("replace") == "on"
        context.update(csv_text=text, replace=replace)
        try:
            done = price_lists.import_price_list_csv(price_list.pk, text, replace=replace)
        except NotFound as exc:
            raise Http404 from exc
        except LoyaltyError as exc:
            context["row_errors"] = _row_errors(exc)
            context["error_code"] = exc.code
            return page.render("price_list_import.html", context, status=400)
        return page.redirect(f"price-lists/{price_list.pk}/", notice="imported", created=done.entries_created,
                             replaced=done.entries_replaced, breaks=done.breaks_written)
    return page.render("price_list_import.html", context)


def _row_errors(exc: LoyaltyError) -> list[dict[str, str]]:
    """``[{row, column, message}]`` from problems named ``row 3.fixed_price`` (or ``csv``)."""
    rows = []
    for name, message in getattr(exc, "problems", None) or [(exc.field, exc.message)]:
        found = re.match(r"^row (\d+)(?:\.(\w+))?$", name or "")
        rows.append({"row": found.group(1) if found else "", "column": (found.group(2) or "") if found else "",
                     "message": message})
    return rows


def preview(page: Page, pk: str) -> HttpResponse:
    """The price-break tables a chosen buyer sees for chosen variants (``quotes.get_tier_prices``)."""
    price_list = PriceList.objects.filter(pk=int(pk)).first()
    if price_list is None:
        raise Http404
    get = page.request.GET
    variant_default = ",".join(
        str(entry.target_id) for entry in price_lists.get_price_list_entries(price_list.pk)
        if entry.target_kind == TargetKind.VARIANT.value
    )
    buyer = get.get("customer_id", str(price_list.user_id or "")).strip()
    channel = get.get("channel", price_list.channel or "").strip()
    variants_text = get.get("variant_ids", variant_default)
    context: dict[str, Any] = {"price_list": price_list, "buyer": buyer, "channel": channel,
                               "variant_ids": variants_text, "tables": None, "error": ""}
    if "channel" in get:
        ids = [int(part) for part in re.split(r"[\s,]+", variants_text) if part.isdigit()]
        if not channel or not ids:
            context["error"] = _("Give a channel and at least one variant id.")
        elif buyer and not buyer.isdigit():
            context["error"] = _("The buyer is a customer id (a number), or empty for a guest.")
        else:
            try:
                tables = quotes.get_tier_prices(channel, ids, user_id=int(buyer) if buyer else None,
                                                config=page.config)
            except LoyaltyError as exc:
                context["error"] = exc.message
            else:
                context["tables"] = [
                    {"variant_id": table.variant_id, "base": table.base_unit_price, "rows": table.rows,
                     "from_this_list": [row for row in table.rows if row.rule_id is not None]}
                    for table in tables
                ]
    return page.render("price_list_preview.html", context)


def routes(permission: Any) -> list[Any]:
    from ..site import route

    return [
        *PRICE_LISTS.routes(permission),
        route(r"price-lists/(?P<pk>[0-9]{1,18})/entries/new/", entry_form, permission),
        route(r"price-lists/(?P<pk>[0-9]{1,18})/entries/(?P<entry_id>[0-9]{1,18})/", entry_form, permission),
        route(r"price-lists/(?P<pk>[0-9]{1,18})/entries/(?P<entry_id>[0-9]{1,18})/delete/", entry_delete, permission),
        route(r"price-lists/(?P<pk>[0-9]{1,18})/import/", import_csv, permission),
        route(r"price-lists/(?P<pk>[0-9]{1,18})/preview/", preview, permission),
    ]
