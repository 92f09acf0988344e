"""The overview: the program's figures (``loyaltyMetrics``) with SVG charts."""

from __future__ import annotations

from django.http import HttpResponse

from ..page import Page


def overview(page: Page) -> HttpResponse:
    return page.render("home.html", {})
