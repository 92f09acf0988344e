"""The API page: the offline query editor pointed at the plugin's GraphQL endpoint."""

from __future__ import annotations

from django.http import HttpResponse

from ...graphql.graphiql import DEFAULT_QUERY
from ..page import Page


def api_page(page: Page) -> HttpResponse:
    return page.render("api.html", {"api_url": page.site.api_url, "default_query": DEFAULT_QUERY})
