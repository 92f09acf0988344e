"""List, create, edit, switch off and delete one kind of rule: the pattern the tiers, earn rules
and gift rules pages share.

Every write calls the ``services.rules`` function the GraphQL mutation of that kind calls
(``create_tier`` for ``loyaltyTierCreate``...), with the whole form as input; the service's
``InvalidInput.problems`` are shown beside the fields they name, with its error code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from ...exceptions import LoyaltyError, NotFound
from ..forms import Field, bound_fields, initial_values, read_values, unmatched_errors
from ..page import Page, field_errors


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]
    numeric: bool = False


@dataclass(frozen=True)
class RuleAdmin:
    """One rule kind's pages at ``<slug>/``."""

    slug: str
    title: Any
    singular: Any
    fields: Sequence[Field]
    columns: Sequence[Column]
    list_rows: Callable[[], Sequence[Any]]
    get_row: Callable[[int], Any | None]
    create: Callable[[dict[str, Any]], Any]
    update: Callable[[int, dict[str, Any]], Any]
    delete: Callable[[int], None]
    intro: Any = ""
    form_template: str = "rule_form.html"

    def list_view(self, page: Page) -> HttpResponse:
        rows = [
            {"pk": row.pk, "active": getattr(row, "is_active", True),
             "cells": [{"value": column.value(row), "numeric": column.numeric} for column in self.columns]}
            for row in self.list_rows()
        ]
        return page.render("rule_list.html", {"admin": self, "rows": rows, "columns": self.columns})

    def create_view(self, page: Page) -> HttpResponse:
        return self._form(page, None)

    def edit_view(self, page: Page, pk: str) -> HttpResponse:
        row = self.get_row(int(pk))
        if row is None:
            raise Http404
        return self._form(page, row)

    def _form(self, page: Page, row: Any | None) -> HttpResponse:
        values = initial_values(self.fields, row)
        errors: dict[str, list[str]] = {}
        general: list[str] = []
        code = ""
        if page.request.method == "POST":
            data, values = read_values(self.fields, page.request.POST)
            try:
                saved = self.create(data) if row is None else self.update(row.pk, data)
            except LoyaltyError as exc:
                errors, general = field_errors(exc)
                code = exc.code
            else:
                return page.redirect(f"{self.slug}/{saved.pk}/", notice="created" if row is None else "saved")
        return page.render(self.form_template, {
            "admin": self, "row": row, "fields": bound_fields(self.fields, values, errors),
            "general": unmatched_errors(self.fields, errors, general), "error_code": code, **page.extra,
        }, status=400 if errors or general else 200)

    def switch_off_view(self, page: Page, pk: str) -> HttpResponse:
        if page.request.method != "POST":
            return page.redirect(f"{self.slug}/{pk}/")
        return self._act(page, lambda: self.update(int(pk), {"is_active": False}), pk, "switched-off")

    def delete_view(self, page: Page, pk: str) -> HttpResponse:
        if page.request.method != "POST":
            return page.redirect(f"{self.slug}/{pk}/")
        return self._act(page, lambda: self.delete(int(pk)), pk, "deleted", to_list=True)

    def _act(self, page: Page, action: Callable[[], Any], pk: str, notice: str, *, to_list: bool = False) -> HttpResponse:
        try:
            action()
        except NotFound as exc:
            raise Http404 from exc
        except LoyaltyError as exc:
            row = self.get_row(int(pk))
            if row is None:
                raise Http404 from exc
            return page.render(self.form_template, {
                "admin": self, "row": row, "fields": bound_fields(self.fields, initial_values(self.fields, row), {}),
                "general": [exc.message], "error_code": exc.code,
            }, status=400)
        return page.redirect(f"{self.slug}/" if to_list else f"{self.slug}/{pk}/", notice=notice)

    def routes(self, permission: Any) -> list[Any]:
        from ..site import route

        return [
            route(rf"{self.slug}/", self.list_view, permission),
            route(rf"{self.slug}/new/", self.create_view, permission),
            route(rf"{self.slug}/(?P<pk>[0-9]{{1,18}})/", self.edit_view, permission),
            route(rf"{self.slug}/(?P<pk>[0-9]{{1,18}})/switch-off/", self.switch_off_view, permission),
            route(rf"{self.slug}/(?P<pk>[0-9]{{1,18}})/delete/", self.delete_view, permission),
        ]


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")
