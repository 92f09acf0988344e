"""The landing page: the overview for staff who may see it, else the first page they may open."""

from __future__ import annotations

from django.http import HttpResponse

from ...graphql.auth import LoyaltyPermission
from ..page import Page


def home(page: Page) -> HttpResponse:
    if page.requestor.has_perm(LoyaltyPermission.MANAGE_ORDERS):
        from .overview import overview

        return overview(page)
    return page.render("home.html", {})
