"""Per-channel terms and exchange rates: storing them, what orders record, tier spend in the base currency."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.engine.rules import TierMetric
from saleor_loyalty.engine.values import StatKey
from saleor_loyalty.exceptions import (
    ChannelNotFound,
    ExchangeRateExists,
    InvalidInput,
    NotFound,
    RedemptionRefused,
    UnknownCurrency,
)
from saleor_loyalty.models import ChannelTerms, ExchangeRate, OrderRecord
from saleor_loyalty.services import channels, exchange_rates, orders, points, redemption, rules, tiers
from saleor_loyalty.services.channels import ChannelTermsInput

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db

D = Decimal
SPEND = StatKey(TierMetric.SPEND, None)


@pytest.fixture
def two_channels(shop: FakeShop) -> FakeShop:
    """A USD channel and a PLN channel, each selling variant 1 at 100.00."""
    shop.add_variant(1, "100.00", channel="usd", currency="USD")
    shop.add_variant(1, "100.00", channel="pln", currency="PLN")
    return shop


@pytest.fixture
def usd_config() -> ProgramConfig:
    return ProgramConfig(pending_days=0, base_currency="USD")


def _pln_terms(**changes: Any) -> ChannelTermsInput:
    values = {"channel": "pln", "currency": "PLN", "points_per_unit": D("0.25"), "point_value": D("0.04"), **changes}
    return ChannelTermsInput(**values)


def test_set_terms_change_what_the_channel_earns_and_redeems(two_channels: FakeShop, usd_config: ProgramConfig):
    # when
    channels.set_channel_terms(_pln_terms(redeem_min_points=50))

    # then the PLN channel has its own terms; USD keeps the program's
    pln = channels.get_channel_terms(usd_config, "pln")
    usd = channels.get_channel_terms(usd_config, "usd")
    assert (pln.points_per_unit, pln.point_value, pln.redeem_min_points) == (D("0.25"), D("0.04"), 50)
    assert (usd.points_per_unit, usd.point_value, usd.redeem_min_points) == (D(1), D("0.01"), 100)


def test_setting_again_replaces_and_clearing_restores_the_program_terms(two_channels: FakeShop, usd_config: ProgramConfig):
    channels.set_channel_terms(_pln_terms())
    channels.set_channel_terms(_pln_terms(point_value=None, redeem_max_amount=D("200")))

    replaced = channels.get_channel_terms(usd_config, "pln")
    assert (replaced.point_value, replaced.redeem_max_amount) == (D("0.01"), D("200"))
    assert ChannelTerms.objects.count() == 1

    channels.clear_channel_terms("pln")

    assert channels.get_channel_terms(usd_config, "pln") == channels.get_channel_terms(usd_config, "usd")
    with pytest.raises(NotFound):
        channels.clear_channel_terms("pln")


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"currency": "XYZ"}, UnknownCurrency, "currency"),
        ({"currency": "USD"}, InvalidInput, "currency"),  # not the channel's own currency
        ({"point_value": D(0)}, InvalidInput, "point_value"),
        ({"points_per_unit": D("10001")}, InvalidInput, "points_per_unit"),
        ({"redeem_max_share": D("1.5")}, InvalidInput, "redeem_max_share"),
        ({"redeem_min_points": -1}, InvalidInput, "redeem_min_points"),
        ({"points_per_unit": None, "point_value": None}, InvalidInput, None),
        ({"channel": "nowhere"}, ChannelNotFound, "channel"),
    ],
)
def test_bad_terms_are_refused_and_nothing_changes(two_channels: FakeShop, changes: Any, error: type, field: str | None):
    version_before = rules.get_rules_stamp()

    with pytest.raises(error) as caught:
        channels.set_channel_terms(_pln_terms(**changes))

    problems = getattr(caught.value, "problems", [(caught.value.field, str(caught.value))])
    assert field is None or field in {name for name, _ in problems}
    assert ChannelTerms.objects.count() == 0
    assert rules.get_rules_stamp() == version_before


def test_a_point_redeems_for_the_channels_point_value(two_channels: FakeShop, shopper: Any, usd_config: ProgramConfig, now: datetime):
    # given 500 points spendable in either channel, a point worth 0.04 PLN in PLN
    points.credit_bonus(points.Owner.customer(shopper.pk), "seed", points=5000, reason="test", now=now)
    channels.set_channel_terms(_pln_terms())
    two_channels.add_checkout("pln-tok", [(1, 1)], user=shopper, channel="pln", currency="PLN")
    two_channels.add_checkout("usd-tok", [(1, 1)], user=shopper, channel="usd", currency="USD")

    # when
    pln = redemption.redeem_points("pln-tok", user_id=shopper.pk, points=500, config=usd_config, now=now)
    usd = redemption.redeem_points("usd-tok", user_id=shopper.pk, points=500, config=usd_config, now=now)

    # then 500 points = 20.00 PLN and 5.00 USD
    assert (pln.amount, pln.currency) == (D("20.00"), "PLN")
    assert (usd.amount, usd.currency) == (D("5.00"), "USD")


def test_redemption_follows_the_channels_minimum_and_max_amount(two_channels: FakeShop, shopper: Any, usd_config: ProgramConfig, now: datetime):
    points.credit_bonus(points.Owner.customer(shopper.pk), "seed", points=5000, reason="test", now=now)
    channels.set_channel_terms(_pln_terms(redeem_min_points=600, redeem_max_amount=D("30")))
    two_channels.add_checkout("pln-tok", [(1, 1)], user=shopper, channel="pln", currency="PLN")

    with pytest.raises(RedemptionRefused) as below:
        redemption.redeem_points("pln-tok", user_id=shopper.pk, points=500, config=usd_config, now=now)
    # 30.00 PLN / 0.04 = 750 points at most
    with pytest.raises(RedemptionRefused) as above:
        redemption.redeem_points("pln-tok", user_id=shopper.pk, points=751, config=usd_config, now=now)
    done = redemption.redeem_points("pln-tok", user_id=shopper.pk, points=750, config=usd_config, now=now)

    assert (below.value.reason, above.value.reason) == ("below_minimum", "above_maximum")
    assert done.amount == D("30.00")


def test_orders_earn_by_their_channels_terms(two_channels: FakeShop, shopper: Any, usd_config: ProgramConfig, now: datetime):
    channels.set_channel_terms(_pln_terms())
    orders.record_order(make_order("o-pln", shopper, placed_at=now, goods="100.00", currency="PLN", channel="pln"))
    orders.record_order(make_order("o-usd", shopper, placed_at=now, goods="30.00", currency="USD", channel="usd"))

    pln = orders.credit_order("o-pln", config=usd_config, now=now)
    usd = orders.credit_order("o-usd", config=usd_config, now=now)

    assert (pln.points, usd.points) == (25, 30)


def test_exchange_rates_are_checked_and_nothing_is_written_on_refusal(now: datetime):
    for currency, rate, error in [
        ("XYZ", D("0.25"), UnknownCurrency),
        ("usd", D("1"), InvalidInput),  # the base currency itself
        ("PLN", D(0), InvalidInput),
        ("PLN", D("-0.25"), InvalidInput),
        ("PLN", D(10) ** 7, InvalidInput),
        ("PLN", D("0.12345678901"), InvalidInput),  # 11 places
    ]:
        with pytest.raises(error):
            exchange_rates.add_exchange_rate(currency, rate, base_currency="USD", now=now)
    assert ExchangeRate.objects.count() == 0

    exchange_rates.add_exchange_rate("pln", D("0.25"), base_currency="USD", now=now)
    with pytest.raises(ExchangeRateExists):
        exchange_rates.add_exchange_rate("PLN", D("0.26"), base_currency="USD", now=now)
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [("PLN", D("0.2500000000"))]


def test_the_database_refuses_to_edit_or_delete_a_rate(now: datetime):
    rate = exchange_rates.add_exchange_rate("PLN", D("0.25"), base_currency="USD", now=now)

    for sql in ("UPDATE loyalty_exchange_rate SET rate = 1 WHERE id = %s", "DELETE FROM loyalty_exchange_rate WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [rate.pk])

    assert ExchangeRate.objects.get().rate == D("0.25")


def test_the_rate_in_force_is_the_latest_valid_one(now: datetime):
    exchange_rates.add_exchange_rate("PLN", D("0.25"), base_currency="USD", valid_from=now - timedelta(days=10), now=now)
    exchange_rates.add_exchange_rate("PLN", D("0.20"), base_currency="USD", valid_from=now + timedelta(days=1), now=now)

    def rate(at: datetime) -> Decimal | None:
        return exchange_rates.get_rate_to_base("PLN", base_currency="USD", at=at)

    assert rate(now - timedelta(days=11)) is None
    assert rate(now) == D("0.25")
    assert rate(now + timedelta(days=2)) == D("0.20")
    assert exchange_rates.get_rate_to_base("USD", base_currency="USD", at=now) == D(1)
    assert exchange_rates.get_current_rates(at=now) == {"PLN": D("0.25")}


def test_orders_record_the_rate_at_payment_and_tier_spend_is_in_the_base_currency(
    two_channels: FakeShop, shopper: Any, usd_config: ProgramConfig, now: datetime
):
    # given a PLN rate of 0.25 USD, then 100 PLN, 30 USD and 50 EUR (no EUR rate) paid
    exchange_rates.add_exchange_rate("PLN", D("0.25"), base_currency="USD", valid_from=now - timedelta(days=1), now=now)
    for order_id, goods, currency in [("o-pln", "100.00", "PLN"), ("o-usd", "30.00", "USD"), ("o-eur", "50.00", "EUR")]:
        orders.record_order(make_order(order_id, shopper, placed_at=now, goods=goods, currency=currency,
                                       channel=currency.lower()))
        orders.credit_order(order_id, config=usd_config, now=now)

    # when a later rate arrives for PLN
    exchange_rates.add_exchange_rate("PLN", D("0.50"), base_currency="USD", valid_from=now + timedelta(hours=1), now=now)
    stats = tiers.get_customer_stats(shopper.pk, [SPEND], now=now + timedelta(days=1))

    # then each order keeps its rate; EUR (no rate) is left out: 100 * 0.25 + 30 * 1 = 55.00
    recorded = dict(OrderRecord.objects.values_list("order_id", "rate_to_base"))
    assert recorded == {"o-pln": D("0.25"), "o-usd": D(1), "o-eur": None}
    assert stats.get(TierMetric.SPEND, None, today=now.date()) == D("55")


def test_a_refund_is_converted_at_the_recorded_rate(two_channels: FakeShop, shopper: Any, usd_config: ProgramConfig, now: datetime):
    exchange_rates.add_exchange_rate("PLN", D("0.25"), base_currency="USD", valid_from=now - timedelta(days=1), now=now)
    orders.record_order(make_order("o-pln", shopper, placed_at=now, goods="100.00", currency="PLN", channel="pln"))
    orders.credit_order("o-pln", config=usd_config, now=now)

    orders.refund_order("o-pln", refunded_amount=D("40.00"), now=now)

    # (100 - 40) PLN * 0.25 = 15.00 USD
    assert tiers.get_customer_stats(shopper.pk, [SPEND], now=now).get(TierMetric.SPEND, None, today=now.date()) == D("15")


def test_without_a_base_currency_orders_count_one_to_one_and_rates_are_refused(db: None) -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from saleor_loyalty.exceptions import InvalidInput
    from saleor_loyalty.models import ExchangeRate
    from saleor_loyalty.services.exchange_rates import add_exchange_rate, get_rate_to_base

    at = datetime(2026, 3, 1, tzinfo=UTC)
    assert get_rate_to_base("PLN", base_currency="", at=at) == Decimal(1)
    with pytest.raises(InvalidInput):
        add_exchange_rate("PLN", Decimal("0.25"), base_currency="")
    assert not ExchangeRate.objects.exists()
