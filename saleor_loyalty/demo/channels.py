"""The demo's second channel: the same catalogue in zloty (``demo-pln``), with its own terms.

Sam gives the PLN channel its own money terms (a quarter point per zloty, a point worth 0.04 zl,
so a point is worth the same 1 US cent in both channels at 4 zl to the dollar) and a dated
exchange rate to the program's base currency (USD); Carol then buys in zloty. Her order earns at
the channel's rate and counts towards her tier spend in dollars, at the rate it recorded when
paid (docs/channels.md). Everything goes through the API and the services the plugin uses.
"""

from __future__ import annotations

from decimal import Decimal

from ..models import OrderRecord
from .cast import Cast, Out
from .client import DemoClient
from ..services import exchange_rates
from .events import DEMO_CONFIG, order_paid, place_order
from .explain import explain_earn, format_amount
from .shop import PLN_CHANNEL

TERMS_SET = """mutation ($input: LoyaltyChannelTermsInput!) {
  loyaltyChannelTermsSet(input: $input) {
    terms { channel currency pointsPerUnit pointValue } errors { field code message }
  }
}"""
PROGRAM = """query ($channel: String!) {
  loyaltyProgram(channel: $channel) { currency baseCurrency pointsPerUnit pointValue }
}"""
PLN_TERMS = {"channel": PLN_CHANNEL, "currency": "PLN", "pointsPerUnit": "0.25", "pointValue": "0.04"}
PLN_RATE = "0.25"  # one zloty in dollars


def zl(amount: str | Decimal) -> str:
    return format_amount(amount, "PLN")


def carol_buys_in_zloty(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("A second channel in zloty: its own terms and exchange rate; Carol's order earns and counts in dollars")
    terms = client.data(TERMS_SET, {"input": PLN_TERMS}, token=cast.sam.token)["loyaltyChannelTermsSet"]
    for error in terms["errors"]:
        out.line(f"loyaltyChannelTermsSet: {error['code']}: {error['message']}")
    # The rate through the service the console and loyaltyExchangeRateAdd call, against the demo's
    # own configuration (base currency USD).
    rate = exchange_rates.add_exchange_rate("PLN", Decimal(PLN_RATE), base_currency=DEMO_CONFIG.base_currency,
                                            created_by="sam")
    out.line(f"Sam: 1 PLN = {rate.rate.normalize()} {DEMO_CONFIG.base_currency} from now on")
    program = client.data(PROGRAM, {"channel": PLN_CHANNEL}, token=cast.carol.token)["loyaltyProgram"]
    out.line(f"Carol reads {PLN_CHANNEL}: {Decimal(program['pointsPerUnit']).normalize()} point per 1 zł, "
             f"1 point = {zl(program['pointValue'])}; prices in {program['currency']}, tiers counted in "
             f"{DEMO_CONFIG.base_currency}")
    order = place_order(cast.shop, cast.shop.create_checkout(cast.carol.user.pk, {"COF-FLT-1KG": 2}, channel=PLN_CHANNEL))
    credited = order_paid(order)
    out.line(f"shop: order {order.label} placed in {PLN_CHANNEL} ({zl(order.goods_total)} paid) and paid: "
             f"{credited.points} points credited")
    out.line("why: " + explain_earn(credited.breakdown, points=credited.points, goods_paid=order.goods_total,
                                    currency="PLN"))
    record = OrderRecord.objects.get(order_id=order.order_id)
    dollars = (order.goods_total * (record.rate_to_base or Decimal(0))).quantize(Decimal("0.01"))
    out.line(f"tier spend: {zl(order.goods_total)} x {record.rate_to_base.normalize() if record.rate_to_base else '-'} "
             f"= ${dollars} (the rate the order recorded when paid)")
    cast.notes.setdefault("orders", []).append(order)
