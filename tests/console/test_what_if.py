"""What-if: the candidate (the current rules with one figure changed) against the current rules."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.services.backtest import parse_rule_set
from saleor_loyalty.services.backtest.rules_json import dump_rule_set
from saleor_loyalty.services.rules.loader import load_rule_set

from ..metrics.conftest import make_order  # noqa: F401 - fixture
from .conftest import csrf_of

pytestmark = pytest.mark.django_db


def test_the_current_rules_dump_and_read_back(db: None) -> None:
    current = load_rule_set("current", ProgramConfig())
    again, _ = parse_rule_set(json.loads(json.dumps(dump_rule_set(current))), version="current")
    assert again == current


def test_doubling_the_earn_rate_doubles_points_issued(console: Client, create_user: Callable[..., Any],
                                                      make_order: Callable[..., Any]) -> None:  # noqa: F811
    a, b = create_user(), create_user()
    day = (timezone.now() - timedelta(days=3)).date().isoformat()
    make_order(a, day, "100.00", lines=[{"variant_id": 1, "product_id": 1, "quantity": 2, "base_unit_price": "50.00"}])
    make_order(b, day, "85.00", lines=[{"variant_id": 2, "product_id": 2, "quantity": 1, "base_unit_price": "85.00"}])
    page = console.get("/console/what-if/").content.decode()
    document = json.loads(re.search(r'<textarea name="candidate"[^>]*>(.*?)</textarea>', page, re.S).group(1)
                          .replace("&quot;", '"').replace("&#x27;", "'"))
    document["terms"]["points_per_unit"] = "2"
    response = console.post("/console/what-if/", {"csrf_token": csrf_of(page), "days": "30", "channel": "",
                                                  "candidate": json.dumps(document)})
    html = response.content.decode()
    assert response.status_code == 200, html
    row = re.search(r'data-figure="points_issued"><td>[^<]*</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', html)
    assert row and (row.group(1), row.group(2)) == ("185", "370")
    assert 'data-series="candidate" data-label="points issued" data-value="370"' in html


def test_a_bad_candidate_is_refused_with_its_problems(console: Client) -> None:
    page = console.get("/console/what-if/").content.decode()
    response = console.post("/console/what-if/", {"csrf_token": csrf_of(page), "days": "30",
                                                  "candidate": '{"tiers": [{"name": "x"}]}'})
    assert response.status_code == 400
    assert "tiers[0]" in response.content.decode()
