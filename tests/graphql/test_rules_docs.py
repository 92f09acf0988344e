"""docs/graphql-rules.md stays true: every example request in it is run, in order, against a fresh
database, and must give exactly the response the page shows.

The page's examples are fenced blocks: a ```graphql block (```graphql as customer for a
customer's call; a rules manager's otherwise), an optional ```json variables block, and the
```json response block. Sequences are reset, so the IDs in the page are the ones a fresh
program gets. After changing the API, regenerate the responses from a real run with
``LOYALTY_WRITE_DOCS=1 pytest tests/graphql/test_rules_docs.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from saleor_loyalty.graphql.auth import LoyaltyPermission

from .client import ApiClient
from .rules_support import SkuShop, sku_shop  # noqa: F401

DOC = Path(__file__).resolve().parents[2] / "docs" / "graphql-rules.md"
EXAMPLE = re.compile(
    r"```graphql(?P<caller> as customer)?\n(?P<query>.*?)```\s*"
    r"(?:```json variables\n(?P<variables>.*?)```\s*)?"
    r"```json response\n(?P<response>.*?)```",
    re.DOTALL,
)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_example_gives_the_response_the_page_shows(
    create_user: Callable[..., Any], grant: Callable[..., None], sku_shop: SkuShop
) -> None:
    manager = create_user(username="rules-manager", is_staff=True)
    grant(manager, LoyaltyPermission.MANAGE_DISCOUNTS)
    clients = {None: ApiClient(manager), " as customer": ApiClient(create_user(username="shopper"))}
    text = DOC.read_text()
    examples = list(EXAMPLE.finditer(text))
    assert len(examples) >= 20, "the page lost its examples"

    pieces, last = [], 0
    mismatches = []
    for example in examples:
        variables = json.loads(example["variables"]) if example["variables"] else None
        response = clients[example["caller"]].post_graphql(example["query"], variables)
        assert response.status_code == 200, response.content
        got = json.loads(response.content)
        if got != json.loads(example["response"]):
            mismatches.append((example["query"].splitlines()[0], got))
        pieces += [text[last:example.start("response")], json.dumps(got, indent=2, ensure_ascii=False) + "\n"]
        last = example.end("response")
    pieces.append(text[last:])

    if os.environ.get("LOYALTY_WRITE_DOCS"):
        DOC.write_text("".join(pieces))
    else:
        assert not mismatches, f"docs/graphql-rules.md shows other responses: {mismatches}"
