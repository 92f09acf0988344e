"""A test client for the GraphQL API, going through the real URL and view, and response helpers."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client, RequestFactory
from graphql import GraphQLSchema

from saleor_loyalty.graphql.auth import SignedTokenBackend, create_access_token
from saleor_loyalty.graphql.view import graphql_view

API_URL = "/graphql/"


class ApiClient:
    """Posts GraphQL to ``/graphql/`` as ``user`` (anonymous when None), like Saleor's fixtures."""

    def __init__(self, user: Any | None = None, *, token: str | None = None) -> None:
        self.user = user
        self.token = token if token is not None else (create_access_token(user) if user else None)
        self.client = Client()

    def post_graphql(self, query: str, variables: dict[str, Any] | None = None, **extra: Any) -> Any:
        body = {"query": query, "variables": variables or {}}
        return self.post_json(body, **extra)

    def post_json(self, body: Any, **extra: Any) -> Any:
        return self.post_raw(json.dumps(body), **extra)

    def post_raw(self, data: str | bytes, *, content_type: str = "application/json", **extra: Any) -> Any:
        if self.token is not None:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return self.client.post(API_URL, data=data, content_type=content_type, **extra)


def get_graphql_content(response: Any) -> dict[str, Any]:
    """The JSON of a response that ran without any error (top-level or in a payload)."""
    assert response.status_code == 200, response.content
    content = json.loads(response.content)
    assert "errors" not in content, content["errors"]
    return content  # type: ignore[no-any-return]


def get_graphql_errors(response: Any, *, status: int = 200) -> list[dict[str, Any]]:
    """The top-level ``errors`` of a response with the given status."""
    assert response.status_code == status, response.content
    content = json.loads(response.content)
    assert content.get("errors"), content
    return content["errors"]  # type: ignore[no-any-return]


def error_codes(errors: list[dict[str, Any]]) -> list[str]:
    return [error["extensions"]["exception"]["code"] for error in errors]


def run_with_schema(
    schema: GraphQLSchema, query: str, variables: Any = None, *, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """Run ``query`` through the view with a schema of the test's own making; (status, JSON)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = {"query": query, "variables": variables}
    request = RequestFactory().post(API_URL, data=json.dumps(body), content_type="application/json", **headers)
    response = graphql_view(request, auth_backend=SignedTokenBackend(), schema=schema)
    return response.status_code, json.loads(response.content)


def run_as(
    user: Any | None, query: str, variables: Any = None, *, config: Any = None
) -> tuple[int, dict[str, Any]]:
    """Run ``query`` through the view as ``user`` with the program ``config`` on the request, as the
    Saleor adapter and the demo put it there; (status, JSON)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_access_token(user)}"} if user is not None else {}
    body = {"query": query, "variables": variables}
    request = RequestFactory().post(API_URL, data=json.dumps(body), content_type="application/json", **headers)
    if config is not None:
        request.loyalty_config = config  # type: ignore[attr-defined]
    response = graphql_view(request, auth_backend=SignedTokenBackend())
    return response.status_code, json.loads(response.content)
