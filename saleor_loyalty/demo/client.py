"""``DemoClient``: calls the GraphQL API the way a storefront does, through the real view.

Requests go through Django's request handler, the demo's URLconf and ``graphql_view`` with
its auth backend, limits and error formatting; nothing calls a service directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from .urls import API_PATH


class DemoError(Exception):
    """The API answered with errors where the story expected data."""


@dataclass(frozen=True)
class Response:
    status: int
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]

    @property
    def error_codes(self) -> list[str]:
        return [error.get("extensions", {}).get("exception", {}).get("code", "") for error in self.errors]


class DemoClient:
    def __init__(self) -> None:
        self._client = Client()

    def execute(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None) -> Response:
        """POST one operation as the holder of ``token`` (anonymous without one)."""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        body = json.dumps({"query": query, "variables": variables or {}})
        response = self._client.post(API_PATH, data=body, content_type="application/json", **headers)
        content = json.loads(response.content)
        return Response(response.status_code, content.get("data"), content.get("errors", []))

    def data(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None) -> dict[str, Any]:
        """The ``data`` of an operation that must succeed; ``DemoError`` with the messages if not."""
        response = self.execute(query, variables, token=token)
        if response.errors or response.data is None:
            messages = "; ".join(error.get("message", "") for error in response.errors) or "no data"
            raise DemoError(f"HTTP {response.status}: {messages}")
        return response.data
