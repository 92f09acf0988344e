"""Step: Sam (staff, MANAGE_DISCOUNTS) sets the program up through the staff mutations."""

from __future__ import annotations

from typing import Any

from ..graphql.core.ids import to_global_id
from ..services import rules
from .cast import Cast, Out, money, plain, times
from .client import DemoClient, DemoError
from .shop import CATEGORIES, CHANNEL, CURRENCY, WHOLESALE, DemoShop

RULE_ERRORS = "errors { field code message }"
TIER_CREATE = f"""mutation ($input: LoyaltyTierInput!) {{
  loyaltyTierCreate(input: $input) {{ tier {{ id name threshold multiplier giftEligible }} {RULE_ERRORS} }}
}}"""
EARN_RULE_CREATE = f"""mutation ($input: LoyaltyEarnRuleInput!) {{
  loyaltyEarnRuleCreate(input: $input) {{ earnRule {{ id name }} {RULE_ERRORS} }}
}}"""
PRICE_LIST_CREATE = f"""mutation ($input: LoyaltyPriceListCreateInput!) {{
  loyaltyPriceListCreate(input: $input) {{
    priceList {{ id name entries {{ sku breaks {{ minQuantity }} }} }} {RULE_ERRORS}
  }}
}}"""
PRICE_LIST_IMPORT = f"""mutation ($list: ID!, $csv: String!) {{
  loyaltyPriceListImport(priceListId: $list, csv: $csv) {{
    result {{ entriesCreated entriesReplaced breaksWritten }} {RULE_ERRORS}
  }}
}}"""
GIFT_RULE_CREATE = f"""mutation ($input: LoyaltyGiftRuleInput!) {{
  loyaltyGiftRuleCreate(input: $input) {{ giftRule {{ id name threshold quantity }} {RULE_ERRORS} }}
}}"""
REFERRAL_SETTINGS = f"""mutation ($input: LoyaltyReferralSettingsInput!) {{
  loyaltyReferralSettingsUpdate(input: $input) {{
    settings {{ discountKind discountValue referrerPoints refereeMinSpend qualifyingMinAmount }} {RULE_ERRORS}
  }}
}}"""
TIERS = "{ loyaltyTiers { name } }"

TIER_PLAN = (
    ("Silver", 1, "100", "1", False, "1x points"),
    ("Gold", 2, "250", "1.25", True, "1.25x points"),
    ("Platinum", 3, "1000", "1.5", True, "1.5x points and early access"),
)
# The wholesale breaks by SKU: (minimum quantity, unit price). The filters arrive by CSV import.
WHOLESALE_BREAKS = {"COF-ESP-1KG": ((10, "19.50"), (25, "17.00")), "COF-FLT-1KG": ((10, "18.00"), (25, "16.00"))}
WHOLESALE_CSV = "sku,min_quantity,fixed_price\nACC-FILTERS,1,5.50\nACC-FILTERS,20,4.80\n"
GIFT_THRESHOLD = "150"
NEXT_PURCHASE_RULE = {"name": "10% off your next order", "min_amount": "100", "currency": CURRENCY,
                      "discount_kind": "percent", "discount_value": "10", "valid_days": 30}


def _create(client: DemoClient, cast: Cast, query: str, variables: dict[str, Any], name: str) -> dict[str, Any]:
    payload: dict[str, Any] = client.data(query, variables, token=cast.sam.token)[name]
    if payload["errors"]:
        problems = "; ".join(f"{error['field']}: {error['message']}" for error in payload["errors"])
        raise DemoError(f"{name} refused: {problems}")
    return payload


def variant_id(shop: DemoShop, sku: str) -> str:
    return to_global_id("ProductVariant", shop.item(sku).variant_id)


def sam_sets_up_the_program(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam (staff) sets up the program through the staff mutations")
    if client.data(TIERS, token=cast.sam.token)["loyaltyTiers"]:
        out.line("the program is already set up in this database; kept as it is")
        return
    for name, rank, threshold, multiplier, gift_eligible, description in TIER_PLAN:
        tier = _create(client, cast, TIER_CREATE, {"input": {
            "name": name, "slug": name.lower(), "rank": rank, "metric": "SPEND", "threshold": threshold,
            "windowDays": 365, "multiplier": multiplier, "giftEligible": gift_eligible, "description": description,
        }}, "loyaltyTierCreate")["tier"]
        out.line(f"loyaltyTierCreate: {tier['name']:<8} from {money(tier['threshold'])} spent in 365 days, "
                 f"{times(tier['multiplier'])} points")
    gear = next(number for number, name in CATEGORIES.items() if name == "Brewing gear")
    for rule in (
        # In dollars only: the zloty channel earns at its own terms (demo.channels), which an
        # earn rule for every currency would override.
        {"name": "1 point per dollar", "kind": "BASE_RATE", "pointsPerUnit": "1", "currency": CURRENCY},
        {"name": "Double points on brewing gear", "kind": "PRODUCT_BONUS", "targetKind": "CATEGORY",
         "targetId": to_global_id("Category", gear), "multiplier": "2"},
        {"name": "Welcome bonus", "kind": "SIGNUP_BONUS", "points": 50},
    ):
        created = _create(client, cast, EARN_RULE_CREATE, {"input": rule}, "loyaltyEarnRuleCreate")["earnRule"]
        out.line(f"loyaltyEarnRuleCreate: {created['name']}")
    entries = [
        {"targetKind": "VARIANT", "targetId": variant_id(cast.shop, sku), "sku": sku,
         "breaks": [{"minQuantity": quantity, "fixedPrice": price} for quantity, price in breaks]}
        for sku, breaks in WHOLESALE_BREAKS.items()
    ]
    price_list = _create(client, cast, PRICE_LIST_CREATE, {"input": {
        "name": "Wholesale", "currency": CURRENCY, "channel": CHANNEL, "priority": 10,
        "audience": {"kind": "CUSTOMER_TYPE", "targetId": to_global_id("CustomerType", WHOLESALE)}, "entries": entries,
    }}, "loyaltyPriceListCreate")["priceList"]
    out.line(f"loyaltyPriceListCreate: {price_list['name']} for the Wholesale customer type, "
             + ", ".join(f"{entry['sku']} ({len(entry['breaks'])} breaks)" for entry in price_list["entries"]))
    imported = _create(client, cast, PRICE_LIST_IMPORT, {"list": price_list["id"], "csv": WHOLESALE_CSV},
                       "loyaltyPriceListImport")["result"]
    out.line(f"loyaltyPriceListImport: a CSV of {WHOLESALE_CSV.count(chr(10)) - 1} rows, "
             f"{imported['entriesCreated']} entry created, {imported['breaksWritten']} breaks written")
    gift = _create(client, cast, GIFT_RULE_CREATE, {"input": {
        "name": "Free logo mug over $150", "threshold": GIFT_THRESHOLD, "currency": CURRENCY, "channel": CHANNEL,
        "variantId": variant_id(cast.shop, "ACC-MUG"), "quantity": 1, "audience": {"kind": "EVERYONE"},
    }}, "loyaltyGiftRuleCreate")["giftRule"]
    out.line(f"loyaltyGiftRuleCreate: {gift['name']}")
    settings = _create(client, cast, REFERRAL_SETTINGS, {"input": {
        "discountKind": "FIXED", "discountValue": "10", "currency": CURRENCY, "referrerPoints": 200,
        "refereeMinSpend": "30", "qualifyingMinAmount": "30", "isActive": True,
    }}, "loyaltyReferralSettingsUpdate")["settings"]
    out.line(f"loyaltyReferralSettingsUpdate: {settings['referrerPoints']} points to the referrer when a "
             f"friend's first order reaches {money(settings['qualifyingMinAmount'])}")
    # No GraphQL mutation sets next-purchase rules: the staff console's form calls this service.
    rule = rules.create_next_purchase_rule(NEXT_PURCHASE_RULE)
    out.line(f"next-purchase rule (the console's form, services.rules.create_next_purchase_rule): {rule.name}: "
             f"an order from {money(rule.min_amount)} earns {plain(rule.discount_value)}% off the next one, "
             f"valid {rule.valid_days} days")
