"""Steps: a retail customer earns, climbs a tier and redeems; a B2B buyer reads and quotes break
prices; a referral pays out. Everything the customer sees comes from the API; the shop's order
and payment events (``events``) are the only calls made beside it, as in Saleor.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from ..graphql.core.ids import to_global_id
from . import events
from .cast import Cast, Out, Person, money, times
from .client import DemoClient
from .explain import explain_earn
from .shop import CHANNEL

PROGRAM = """query ($channel: String!) {
  loyaltyProgram(channel: $channel) {
    pointsPerUnit pointValue redeemMinPoints redeemMaxShare pendingDays expiryDays
    tiers { name threshold pointsMultiplier giftEligible }
    earnRules { name }
    gifts { name }
    referral { referrerPoints refereeDiscountKind refereeDiscountValue refereeMinSpend }
  }
}"""
QUOTE = """query ($checkoutId: ID!) {
  loyaltyQuote(checkoutId: $checkoutId) {
    baseSubtotal subtotal goodsPaid tierPriceDiscount pointsEarned maxRedeemablePoints maxRedeemableValue
    lines {
      variantId quantity baseUnitPrice unitPrice total
      reason { priceListName minQuantity }
      nextBreak { minQuantity missingQuantity unitPrice }
    }
    giftLines { variantId quantity }
    nextGift { threshold amountMissing }
    nextTier { nextTier { name } missing }
  }
}"""
ACCOUNT = """query ($customerId: ID) {
  loyaltyAccount(customerId: $customerId) {
    available pending held lifetimeEarned
    tier { name pointsMultiplier }
    tierProgress { nextTier { name } metric have need missing }
  }
}"""
REDEEM = """mutation ($checkoutId: ID!, $points: Int!) {
  loyaltyRedeemPoints(checkoutId: $checkoutId, points: $points) {
    redemption { code points amount status }
    account { available held }
    errors { field code message }
  }
}"""
TIER_PRICES = """query ($channel: String!, $variantIds: [ID!]!) {
  loyaltyTierPrices(channel: $channel, variantIds: $variantIds) {
    sku name basePrice breaks { minQuantity unitPrice percentOff priceListName }
  }
}"""
REFERRAL_CODE_CREATE = """mutation {
  loyaltyReferralCodeCreate { referral { code link } errors { field code message } }
}"""
REFERRAL = "{ loyaltyReferral { code referredCount rewardedCount rewardPoints } }"
REFERRAL_DISCOUNT_APPLY = """mutation ($checkoutId: ID!) {
  loyaltyReferralDiscountApply(checkoutId: $checkoutId) { discount { code amount } errors { field code message } }
}"""
ACCOUNTS = """query ($first: Int) {
  loyaltyAccounts(first: $first) {
    totalCount
    edges { node { customerId available pending tier { name } } }
  }
}"""
TIER_CREATE = """mutation { loyaltyTierCreate(input: {name: "Diamond", slug: "diamond", rank: 9, metric: SPEND,
  threshold: "1"}) { tier { id } errors { code message } } }"""


def _names(cast: Cast) -> dict[str, str]:
    return {to_global_id("ProductVariant", item.variant_id): item.name for item in cast.shop.items.values()}


def _people(cast: Cast) -> dict[str, str]:
    return {person.id: person.name for person in cast.people}


def _account(client: DemoClient, person: Person) -> dict[str, Any]:
    return client.data(ACCOUNT, token=person.token)["loyaltyAccount"]  # type: ignore[no-any-return]


def _tier_line(account: dict[str, Any]) -> str:
    tier = account["tier"]["name"] if account["tier"] else "no tier yet"
    progress = account["tierProgress"]
    if progress is None:
        return f"tier: {tier} (the top)"
    return (f"tier: {tier}; next: {progress['nextTier']['name']} at {money(progress['need'])} spent, "
            f"{money(progress['have'])} so far, {money(progress['missing'])} to go")


def _balance_line(account: dict[str, Any]) -> str:
    return (f"available {account['available']}, pending {account['pending']}, held {account['held']}, "
            f"lifetime earned {account['lifetimeEarned']}")


def _quote(client: DemoClient, cast: Cast, person: Person, token: str, out: Out) -> dict[str, Any]:
    quote: dict[str, Any] = client.data(QUOTE, {"checkoutId": to_global_id("Checkout", token)}, token=person.token)[
        "loyaltyQuote"
    ]
    names = _names(cast)
    for line in quote["lines"]:
        price = money(line["unitPrice"])
        if line["reason"]:
            price += (f" (was {money(line['baseUnitPrice'])}: {line['reason']['priceListName']}, "
                      f"from {line['reason']['minQuantity']})")
        text = f"{line['quantity']:>3} x {names[line['variantId']]:<20} {price:<48} = {money(line['total'])}"
        hint = line["nextBreak"]
        if hint:
            text += f"; {hint['missingQuantity']} more -> {money(hint['unitPrice'])} each"
        out.line(text)
    for gift in quote["giftLines"]:
        out.line(f"{gift['quantity']:>3} x {names[gift['variantId']]:<20} free gift")
    discount = f", tier prices save {money(quote['tierPriceDiscount'])}" if quote["tierPriceDiscount"] != "0.00" else ""
    out.line(f"subtotal {money(quote['subtotal'])}{discount}, to pay {money(quote['goodsPaid'])}; "
             f"earns {quote['pointsEarned']} points; up to {quote['maxRedeemablePoints']} points "
             f"({money(quote['maxRedeemableValue'])}) may be redeemed")
    if quote["nextGift"]:
        out.line(f"hint: {money(quote['nextGift']['amountMissing'])} more for the free gift "
                 f"(from {money(quote['nextGift']['threshold'])})")
    if quote["nextTier"]:
        out.line(f"hint: {money(quote['nextTier']['missing'])} more to reach {quote['nextTier']['nextTier']['name']}")
    return quote


def _order_and_pay(cast: Cast, token: str, out: Out) -> events.PlacedOrder:
    order = events.place_order(cast.shop, token)
    credited = events.order_paid(order)
    spent = f", {order.redeemed_points} points redeemed" if order.redeemed_points else ""
    referrer = f"; the referrer earns {credited.referrer_points}" if credited.referrer_points else ""
    out.line(f"shop: order {order.label or order.order_id} placed ({money(order.goods_total)} paid{spent}) and paid: "
             f"{credited.points} points credited, pending until the return window ends{referrer}")
    if credited.points:
        out.line("why: " + explain_earn(credited.breakdown, points=credited.points, goods_paid=order.goods_total))
    if credited.next_purchase_code:
        out.line(f"the order earned a next-purchase code: {credited.next_purchase_code}")
    cast.notes.setdefault("orders", []).append(order)
    return order


def alice_reads_the_terms(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice reads the program's terms (loyaltyProgram): nothing hidden")
    program = client.data(PROGRAM, {"channel": CHANNEL}, token=cast.alice.token)["loyaltyProgram"]
    out.line(f"{program['pointsPerUnit']} point per $1; 1 point = {money(program['pointValue'])}; redeem from "
             f"{program['redeemMinPoints']} points, up to {float(program['redeemMaxShare']):.0%} of an order; "
             f"points pending {program['pendingDays']} days, valid {program['expiryDays']} days")
    for tier in program["tiers"]:
        gifts = ", gifts unlocked" if tier["giftEligible"] else ""
        out.line(f"tier {tier['name']:<8} from {money(tier['threshold'])} spent: "
                 f"{times(tier['pointsMultiplier'])} points{gifts}")
    out.line("earn rules: " + "; ".join(rule["name"] for rule in program["earnRules"]))
    out.line("gifts: " + "; ".join(gift["name"] for gift in program["gifts"]))
    referral = program["referral"]
    if referral:
        out.line(f"referrals: a friend's first order of {money(referral['refereeMinSpend'])} or more gets "
                 f"{money(referral['refereeDiscountValue'])} off, the referrer {referral['referrerPoints']} points")


def alice_buys_and_is_credited(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice buys a grinder and beans: the quote, the order, the points pending")
    token = cast.shop.create_checkout(cast.alice.user.pk, {"EQ-GRINDER": 1, "COF-ESP-1KG": 2})
    _quote(client, cast, cast.alice, token, out)
    _order_and_pay(cast, token, out)
    account = _account(client, cast.alice)
    out.line(f"Alice: {_balance_line(account)}")
    out.line(f"Alice: {_tier_line(account)}")


def the_return_window_ends(client: DemoClient, cast: Cast, out: Out) -> None:
    days = events.DEMO_CONFIG.pending_days + 1
    out.step(f"{days} days later the return window is over: the daily task matures pending points")
    matured = events.daily_tasks(now=timezone.now() + timedelta(days=days))
    out.line(f"task: {matured} pending lot(s) matured")
    out.line(f"Alice: {_balance_line(_account(client, cast.alice))}")


def alice_redeems_points(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice pays part of her next order with points (loyaltyRedeemPoints) and reaches Gold")
    token = cast.shop.create_checkout(cast.alice.user.pk, {"EQ-KETTLE": 1, "ACC-FILTERS": 2})
    checkout_id = to_global_id("Checkout", token)
    available = _account(client, cast.alice)["available"]
    too_many = available + 1000
    refused = client.data(REDEEM, {"checkoutId": checkout_id, "points": too_many}, token=cast.alice.token)
    for error in refused["loyaltyRedeemPoints"]["errors"]:
        out.line(f"redeeming {too_many} points: {error['code']}: {error['message']}")
    points = available - available % 100
    redeemed = client.data(REDEEM, {"checkoutId": checkout_id, "points": points}, token=cast.alice.token)
    redemption = redeemed["loyaltyRedeemPoints"]["redemption"]
    out.line(f"redeeming {points} points: code {redemption['code']} takes {money(redemption['amount'])} off; "
             f"{redeemed['loyaltyRedeemPoints']['account']['held']} points held until the order")
    _quote(client, cast, cast.alice, token, out)
    _order_and_pay(cast, token, out)
    account = _account(client, cast.alice)
    out.line(f"Alice: {_balance_line(account)}")
    out.line(f"Alice: {_tier_line(account)}")


def wes_reads_break_prices(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Wes (Wholesale) reads his price-break table (loyaltyTierPrices); Alice sees list prices")
    skus = ("COF-ESP-1KG", "COF-FLT-1KG", "ACC-FILTERS", "EQ-KETTLE")
    ids = [to_global_id("ProductVariant", cast.shop.item(sku).variant_id) for sku in skus]
    variables = {"channel": CHANNEL, "variantIds": ids}
    for row in client.data(TIER_PRICES, variables, token=cast.wes.token)["loyaltyTierPrices"]:
        breaks = ", ".join(
            f"{b['minQuantity']}+ {money(b['unitPrice'])}" + (f" ({b['priceListName']})" if b["priceListName"] else "")
            for b in row["breaks"]
        )
        out.line(f"{row['sku']:<12} {row['name']:<20} list {money(row['basePrice']):<8} {breaks}")
    alice = client.data(TIER_PRICES, variables, token=cast.alice.token)["loyaltyTierPrices"][0]
    out.line(f"Alice, for {alice['sku']}: " + ", ".join(f"{b['minQuantity']}+ {money(b['unitPrice'])}"
                                                         for b in alice["breaks"]))


def wes_quotes_a_large_cart(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Wes quotes a large cart (loyaltyQuote): break prices, the next break, a free mug")
    token = cast.shop.create_checkout(cast.wes.user.pk, {"COF-ESP-1KG": 30, "COF-FLT-1KG": 8, "ACC-FILTERS": 20})
    _quote(client, cast, cast.wes, token, out)


def alice_refers_carol(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice refers Carol: a code, Carol signs up with it, her first order is cheaper, Alice's reward lands")
    created = client.data(REFERRAL_CODE_CREATE, token=cast.alice.token)["loyaltyReferralCodeCreate"]["referral"]
    out.line(f"loyaltyReferralCodeCreate: code {created['code']}, link {created['link']}")
    signed_up = events.customer_signed_up(cast.shop, cast.carol.user.pk, cast.carol.user.email,
                                          referral_code=created["code"])
    out.line(f"shop: Carol signs up with the code: {signed_up}")
    token = cast.shop.create_checkout(cast.carol.user.pk, {"COF-FLT-1KG": 2})
    applied = client.data(REFERRAL_DISCOUNT_APPLY, {"checkoutId": to_global_id("Checkout", token)},
                          token=cast.carol.token)["loyaltyReferralDiscountApply"]
    for error in applied["errors"]:
        out.line(f"Carol's first-order discount: {error['code']}: {error['message']}")
    if applied["discount"]:
        out.line(f"loyaltyReferralDiscountApply: Carol's first order takes {money(applied['discount']['amount'])} off "
                 f"under code {applied['discount']['code']}")
    _order_and_pay(cast, token, out)
    referral = client.data(REFERRAL, token=cast.alice.token)["loyaltyReferral"]
    out.line(f"Alice's referrals: {referral['referredCount']} referred, {referral['rewardedCount']} rewarded, "
             f"{referral['rewardPoints']} points per reward")
    out.line(f"Alice: {_balance_line(_account(client, cast.alice))}")
    out.line(f"Carol: {_balance_line(_account(client, cast.carol))}")


def bob_returns_half_an_order(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Bob buys a kettle, then gets half its price back: the refund takes back its share of the points")
    order = _order_and_pay(cast, cast.shop.create_checkout(cast.bob.user.pk, {"EQ-KETTLE": 1}), out)
    refunded = events.order_refunded(order, order.goods_total / 2)
    assert refunded is not None  # a first, positive refund always records something
    out.line(f"shop: {money(refunded.refunded_amount)} refunded: {refunded.points_reversed} points taken back")
    out.line(f"Bob: {_balance_line(_account(client, cast.bob))}")


def sam_reviews_the_members(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam (staff) lists the members (loyaltyAccounts); Alice may not create a tier")
    accounts = client.data(ACCOUNTS, {"first": 10}, token=cast.sam.token)["loyaltyAccounts"]
    people = _people(cast)
    for edge in accounts["edges"]:
        node = edge["node"]
        tier = node["tier"]["name"] if node["tier"] else "-"
        out.line(f"{people.get(node['customerId'], node['customerId']):<6} tier {tier:<9} "
                 f"available {node['available']:>5}  pending {node['pending']:>4}")
    refused = client.execute(TIER_CREATE, token=cast.alice.token)
    out.line(f"Alice calling loyaltyTierCreate: {refused.error_codes[0]}: {refused.errors[0]['message']}")
