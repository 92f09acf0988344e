"""Per-channel terms and exchange rates through the API: set, clear, list, and loyaltyProgram(channel)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from saleor_loyalty import shop as shop_port
from saleor_loyalty.models import ChannelTerms, ExchangeRate
from saleor_loyalty.services.rules import versions as rule_version
from tests.services.fakes import FakeShop

from .rules_support import Callers, assert_refused, callers, payload, rules_version, run_ok  # noqa: F401

pytestmark = pytest.mark.django_db

TERMS = "channel currency pointsPerUnit pointValue redeemMinPoints redeemMaxShare redeemMaxAmount"
SET = f"""
mutation ($input: LoyaltyChannelTermsInput!) {{
  loyaltyChannelTermsSet(input: $input) {{ terms {{ {TERMS} }} errors {{ field code message }} }}
}}
"""
CLEAR = """
mutation ($channel: String!) { loyaltyChannelTermsClear(channel: $channel) { channel errors { field code message } } }
"""
LIST = f"{{ loyaltyChannelTerms {{ {TERMS} }} }}"
ADD_RATE = """
mutation ($currency: String!, $rate: LoyaltyDecimal!, $validFrom: DateTime) {
  loyaltyExchangeRateAdd(currency: $currency, rate: $rate, validFrom: $validFrom) {
    exchangeRate { currency rate baseCurrency validFrom createdBy } errors { field code message }
  }
}
"""
RATES = "query ($currency: String) { loyaltyExchangeRates(currency: $currency) { currency rate baseCurrency } }"
PROGRAM = """
query ($channel: String!) {
  loyaltyProgram(channel: $channel) {
    channel currency baseCurrency hasChannelTerms pointsPerUnit pointValue redeemMinPoints redeemMaxShare redeemMaxAmount
  }
}
"""


@pytest.fixture(autouse=True)
def usd_base(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's base currency is USD here (the configuration's default is none)."""
    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.graphql.core import context

    monkeypatch.setattr(context, "get_context_program_config", lambda _context: ProgramConfig(base_currency="USD"))


@pytest.fixture(autouse=True)
def two_channels() -> Iterator[FakeShop]:
    rule_version.forget_compiled_rules()
    shop = FakeShop()
    shop.add_variant(1, "100.00", channel="usd", currency="USD")
    shop.add_variant(1, "100.00", channel="pln", currency="PLN")
    shop_port.set_shop(shop)
    yield shop
    shop_port.set_shop(None)
    rule_version.forget_compiled_rules()


def _set_pln(callers: Callers, **fields: Any) -> dict[str, Any]:
    values = {"channel": "pln", "currency": "PLN", "pointsPerUnit": "0.25", "pointValue": "0.04", **fields}
    return payload(callers.manager, SET, {"input": values}, "loyaltyChannelTermsSet")


def test_staff_set_list_and_clear_a_channels_terms(callers: Callers):
    # given
    version = rules_version()

    # when
    done = _set_pln(callers, redeemMaxAmount="200")
    listed = run_ok(callers.manager, LIST)["loyaltyChannelTerms"]
    cleared = payload(callers.manager, CLEAR, {"channel": "pln"}, "loyaltyChannelTermsClear")

    # then
    expected = {"channel": "pln", "currency": "PLN", "pointsPerUnit": "0.2500", "pointValue": "0.0400",
                "redeemMinPoints": None, "redeemMaxShare": None, "redeemMaxAmount": "200.000"}
    assert done == {"terms": expected, "errors": []}
    assert listed == [expected]
    assert cleared == {"channel": "pln", "errors": []}
    assert ChannelTerms.objects.count() == 0
    assert rules_version() == version + 2


def test_loyalty_program_shows_the_terms_in_force_for_the_channel(callers: Callers):
    _set_pln(callers, redeemMaxAmount="200")

    pln = run_ok(callers.anonymous, PROGRAM, {"channel": "pln"})["loyaltyProgram"]
    usd = run_ok(callers.anonymous, PROGRAM, {"channel": "usd"})["loyaltyProgram"]

    assert pln == {"channel": "pln", "currency": "PLN", "baseCurrency": "USD", "hasChannelTerms": True, "pointsPerUnit": "0.25",
                   "pointValue": "0.04", "redeemMinPoints": 100, "redeemMaxShare": "0.5", "redeemMaxAmount": "200"}
    assert usd == {"channel": "usd", "currency": "USD", "baseCurrency": "USD", "hasChannelTerms": False, "pointsPerUnit": "1",
                   "pointValue": "0.01", "redeemMinPoints": 100, "redeemMaxShare": "0.5", "redeemMaxAmount": None}


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"currency": "XYZ"}, "UNKNOWN_CURRENCY", "currency"),
        ({"currency": "USD"}, "INVALID", "currency"),
        ({"pointValue": "0"}, "INVALID", "pointValue"),
        ({"pointsPerUnit": "abc"}, "INVALID", "pointsPerUnit"),
        ({"redeemMaxShare": "2"}, "INVALID", "redeemMaxShare"),
        ({"channel": "nowhere"}, "CHANNEL_NOT_FOUND", "channel"),
    ],
)
def test_bad_terms_are_refused_with_the_field_named(callers: Callers, fields: dict[str, Any], code: str, field: str):
    version = rules_version()

    result = _set_pln(callers, **fields)

    assert result["terms"] is None
    assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (code, field)
    assert ChannelTerms.objects.count() == 0 and rules_version() == version


def test_clearing_a_channel_without_terms_is_not_found(callers: Callers):
    result = payload(callers.manager, CLEAR, {"channel": "usd"}, "loyaltyChannelTermsClear")

    assert [error["code"] for error in result["errors"]] == ["NOT_FOUND"]


def test_staff_add_and_list_exchange_rates(callers: Callers):
    added = payload(callers.manager, ADD_RATE, {"currency": "pln", "rate": "0.2512", "validFrom": "2025-01-01T00:00:00+00:00"},
                    "loyaltyExchangeRateAdd")
    listed = run_ok(callers.manager, RATES, {"currency": "PLN"})["loyaltyExchangeRates"]

    assert added["errors"] == []
    assert added["exchangeRate"] == {"currency": "PLN", "rate": "0.2512000000", "baseCurrency": "USD",
                                     "validFrom": "2025-01-01T00:00:00+00:00", "createdBy": added["exchangeRate"]["createdBy"]}
    assert added["exchangeRate"]["createdBy"] != ""
    assert listed == [{"currency": "PLN", "rate": "0.2512000000", "baseCurrency": "USD"}]


@pytest.mark.parametrize(
    ("currency", "rate", "code", "field"),
    [
        ("UDS", "0.25", "UNKNOWN_CURRENCY", "currency"),
        ("USD", "1", "INVALID", "currency"),
        ("PLN", "0", "INVALID", "rate"),
        ("PLN", "-1", "INVALID", "rate"),
        ("PLN", "10000000", "INVALID", "rate"),
        ("PLN", "one", "INVALID", "rate"),
    ],
)
def test_bad_rates_are_refused_and_nothing_is_written(callers: Callers, currency: str, rate: str, code: str, field: str):
    result = payload(callers.manager, ADD_RATE, {"currency": currency, "rate": rate}, "loyaltyExchangeRateAdd")

    assert result["exchangeRate"] is None
    assert (result["errors"][0]["code"], result["errors"][0]["field"]) == (code, field)
    assert ExchangeRate.objects.count() == 0


def test_a_second_rate_from_the_same_moment_is_a_duplicate(callers: Callers):
    variables = {"currency": "PLN", "rate": "0.25", "validFrom": "2025-01-01T00:00:00+00:00"}
    payload(callers.manager, ADD_RATE, variables, "loyaltyExchangeRateAdd")

    again = payload(callers.manager, ADD_RATE, {**variables, "rate": "0.3"}, "loyaltyExchangeRateAdd")

    assert [error["code"] for error in again["errors"]] == ["DUPLICATE"]
    assert ExchangeRate.objects.count() == 1


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (SET, {"input": {"channel": "pln", "currency": "PLN", "pointValue": "0.04"}}),
        (CLEAR, {"channel": "pln"}),
        (ADD_RATE, {"currency": "PLN", "rate": "0.25"}),
        (LIST, None),
        (RATES, None),
    ],
)
def test_only_rule_managers_may_use_them(callers: Callers, query: str, variables: Any):
    for _name, client in callers.refused():
        assert_refused(client.post_graphql(query, variables))
    assert ChannelTerms.objects.count() == 0 and ExchangeRate.objects.count() == 0
