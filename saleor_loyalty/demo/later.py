"""Steps after the shopping: a next-purchase code spent, NPS answers, points of an old order expiring,
and the program's metrics read by staff with MANAGE_ORDERS.

The next-purchase code comes from Alice's first order (the rule Sam set up); the NPS answers go
through ``loyaltyNpsSubmit``; expiry is today's daily ledger task (``events.run_daily_tasks``)
over an order Bob paid 400 days ago (the shop events take the moment as ``now``), so the points
of the rest of the story stay as they are for ``--serve``; the metrics are ``loyaltyMetrics``
from that old order to past the story's last moment (the rebate close next month). Every figure
printed is the API's or a service's answer.
"""

from __future__ import annotations

from datetime import timedelta
from django.utils import timezone

from ..graphql.core.ids import to_global_id
from . import events
from .cast import Cast, Out, Person, money
from .client import DemoClient, DemoError
from .explain import explain_earn
from .shopping import _account, _balance_line, _order_and_pay, _quote

NEXT_PURCHASE_CODES = "{ loyaltyNextPurchaseDiscounts { code discountKind discountValue currency validUntil } }"
NEXT_PURCHASE_APPLY = """mutation ($checkoutId: ID!, $code: String!) {
  loyaltyNextPurchaseDiscountApply(checkoutId: $checkoutId, code: $code) {
    discount { code amount currency } errors { field code message }
  }
}"""
NPS_SUBMIT = """mutation ($score: Int!, $comment: String, $orderId: ID) {
  loyaltyNpsSubmit(score: $score, comment: $comment, orderId: $orderId) {
    response { score periodStart } errors { field code message }
  }
}"""
METRICS = """query ($period: String!) {
  loyaltyMetrics(period: $period) {
    period currency
    overall {
      orders customers repeatCustomers revenue averageOrderValue repeatCustomerRate
      pointsIssued pointsReversed pointsRedeemed pointsExpired redemptionRate breakageRate outstandingPoints
      liability redeemedValue tierPriceDiscount giftCost programCost
      npsResponses npsPromoters npsPassives npsDetractors nps
    }
  }
}"""
ENTRIES = """query { loyaltyAccount { entries(first: 3) { edges { node { kind bucket points reason } } } } }"""
OLD_ORDER_DAYS = 400  # longer ago than the return window plus the points' validity
METRICS_DAYS_AHEAD = 60  # the story's later moments: maturing (15 days on), the rebate close (next month)
# Who answers the survey, how, and about which of their orders (the last one they placed).
NPS_ANSWERS = (("alice", 9, "Love the double points on gear"), ("dana", 10, "Break prices are clear"),
               ("bob", 6, "Refund took a while"))


def alice_spends_her_next_purchase_code(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice's first order earned a next-purchase code: Bob cannot use it, Alice can (once)")
    codes = client.data(NEXT_PURCHASE_CODES, token=cast.alice.token)["loyaltyNextPurchaseDiscounts"]
    for code in codes:
        out.line(f"loyaltyNextPurchaseDiscounts: {code['code']}: {code['discountValue']} {code['discountKind']} off, "
                 f"valid until {code['validUntil'][:10]}")
    if not codes:
        out.line("Alice has no next-purchase code to spend")
        return
    code = codes[0]["code"]
    bobs = cast.shop.create_checkout(cast.bob.user.pk, {"ACC-FILTERS": 1})
    refused = client.data(NEXT_PURCHASE_APPLY, {"checkoutId": to_global_id("Checkout", bobs), "code": code},
                          token=cast.bob.token)["loyaltyNextPurchaseDiscountApply"]
    for error in refused["errors"]:
        out.line(f"Bob tries Alice's code: {error['code']}: {error['message']}")
    token = cast.shop.create_checkout(cast.alice.user.pk, {"EQ-KETTLE": 1, "COF-FLT-1KG": 1})
    applied = client.data(NEXT_PURCHASE_APPLY, {"checkoutId": to_global_id("Checkout", token), "code": code},
                          token=cast.alice.token)["loyaltyNextPurchaseDiscountApply"]
    discount = applied["discount"]
    if discount is None:
        raise DemoError(f"loyaltyNextPurchaseDiscountApply refused Alice's own code: {applied['errors']}")
    how = (f"{codes[0]['discountValue']}% of the goods, rounded once" if codes[0]["discountKind"] == "percent"
           else "a fixed amount, at most the goods")
    out.line(f"loyaltyNextPurchaseDiscountApply: {discount['code']} takes {money(discount['amount'])} off ({how})")
    _quote(client, cast, cast.alice, token, out)
    _order_and_pay(cast, token, out)
    left = client.data(NEXT_PURCHASE_CODES, token=cast.alice.token)["loyaltyNextPurchaseDiscounts"]
    out.line(f"Alice's unused codes now: {', '.join(item['code'] for item in left) or 'none'}")


def _last_order_id(cast: Cast, person: Person) -> str | None:
    orders = [order for order in cast.notes.get("orders", []) if order.user_id == person.user.pk]
    return to_global_id("Order", orders[-1].order_id) if orders else None


def customers_answer_the_survey(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Three customers answer 'how likely are you to recommend us?' (loyaltyNpsSubmit)")
    people = {person.name.lower(): person for person in cast.people}
    for name, score, comment in NPS_ANSWERS:
        person = people[name]
        variables = {"score": score, "comment": comment, "orderId": _last_order_id(cast, person)}
        answered = client.data(NPS_SUBMIT, variables, token=person.token)["loyaltyNpsSubmit"]
        for error in answered["errors"]:
            out.line(f"{person.name}: {error['code']}: {error['message']}")
        if answered["response"]:
            out.line(f"{person.name} answers {answered['response']['score']}: \"{comment}\"")


def bobs_old_points_expire(client: DemoClient, cast: Cast, out: Out) -> None:
    config = events.DEMO_CONFIG
    out.step(f"Points unspent {config.expiry_days} days after they matured expire: Bob's order of "
             f"{OLD_ORDER_DAYS} days ago, then today's daily task")
    # The order and its payment happened in the past (the services take the moment as ``now``);
    # everything else in the ledger is recent, so today's task expires only that order's points.
    placed_at = timezone.now() - timedelta(days=OLD_ORDER_DAYS)
    order = events.place_order(cast.shop, cast.shop.create_checkout(cast.bob.user.pk, {"COF-ESP-1KG": 2}),
                               now=placed_at)
    credited = events.order_paid(order, now=placed_at)
    cast.notes["old_order_at"] = placed_at
    out.line(f"shop, {placed_at.date()}: order {order.label} ({money(order.goods_total)}) paid: {credited.points} "
             f"points, available from {credited.available_at.date() if credited.available_at else '-'}, "
             f"expiring {credited.expires_at.date() if credited.expires_at else 'never'}")
    out.line("why: " + explain_earn(credited.breakdown, points=credited.points, goods_paid=order.goods_total))
    before = _account(client, cast.bob)
    out.line(f"Bob before today's task: {_balance_line(before)}")
    ran = events.run_daily_tasks(now=timezone.now())
    out.line(f"task, {timezone.now().date()}: {ran.matured} lot(s) matured, {ran.expired} lot(s) expired")
    after = _account(client, cast.bob)
    lost = before["available"] + before["pending"] - after["available"] - after["pending"]
    out.line(f"Bob: {lost} points expired; {_balance_line(after)}")
    for edge in client.data(ENTRIES, token=cast.bob.token)["loyaltyAccount"]["entries"]["edges"][:1]:
        entry = edge["node"]
        out.line(f"Bob's statement: {entry['kind']} {entry['bucket']} {entry['points']:+d}  {entry['reason']}")


def sam_reads_the_metrics(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam (MANAGE_ORDERS) reads the program's metrics over the whole story (loyaltyMetrics)")
    # From Bob's old order to past the month's rebate close and the return window.
    start = cast.notes.get("old_order_at", timezone.now()).date()
    end = timezone.now().date() + timedelta(days=METRICS_DAYS_AHEAD)
    period = f"{start.isoformat()}..{end.isoformat()}"
    refused = client.execute(METRICS, {"period": period}, token=cast.alice.token)
    out.line(f"Alice asking for the metrics: {refused.error_codes[0]}: {refused.errors[0]['message']}")
    report = client.data(METRICS, {"period": period}, token=cast.sam.token)["loyaltyMetrics"]
    row = report["overall"]
    out.line(f"period {report['period']}, {report['currency']}")
    out.line(f"orders {row['orders']} from {row['customers']} customers ({row['repeatCustomers']} came back: "
             f"repeat customer rate {_rate(row['repeatCustomerRate'])}); revenue {money(str(row['revenue']))}, "
             f"average order {money(str(row['averageOrderValue']))}")
    out.line(f"points issued {row['pointsIssued']}, reversed {row['pointsReversed']}, redeemed {row['pointsRedeemed']} "
             f"(redemption rate {_rate(row['redemptionRate'])}), expired {row['pointsExpired']} "
             f"(breakage {_rate(row['breakageRate'])}), outstanding {row['outstandingPoints']} "
             f"= liability {money(str(row['liability']))}")
    out.line(f"program cost {money(str(row['programCost']))} = redeemed {money(str(row['redeemedValue']))} "
             f"+ tier prices {money(str(row['tierPriceDiscount']))} + gifts {money(str(row['giftCost']))}")
    out.line(f"NPS {_number(row['nps'])} from {row['npsResponses']} answers: {row['npsPromoters']} promoter(s) "
             f"- {row['npsDetractors']} detractor(s), {row['npsPassives']} passive(s)")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"
