"""A storefront's calls to Saleor's GraphQL API, as small helpers over ``ApiClient``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from saleor.graphql.tests.utils import get_graphql_content

ADDRESS = {
    "firstName": "John", "lastName": "Doe", "streetAddress1": "1470 Pinewood Avenue",
    "city": "Michigan City", "postalCode": "49360", "country": "US", "countryArea": "MI",
    "phone": "+12025550163",
}

CHECKOUT_FIELDS = """
  id token voucherCode
  discount { amount }
  totalPrice { gross { amount } }
  subtotalPrice { gross { amount } }
  lines { id quantity variant { id } unitPrice { gross { amount } } totalPrice { gross { amount } }
          metadata { key value } }
  shippingMethods { id }
"""
ERRORS = "errors { field code message }"

CREATE = f"""mutation($input: CheckoutCreateInput!) {{ checkoutCreate(input: $input) {{ {ERRORS}
  checkout {{ {CHECKOUT_FIELDS} }} }} }}"""
LINES_ADD = f"""mutation($id: ID!, $lines: [CheckoutLineInput!]!) {{ checkoutLinesAdd(id: $id, lines: $lines) {{
  {ERRORS} checkout {{ id }} }} }}"""
LINES_UPDATE = f"""mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {{ checkoutLinesUpdate(id: $id, lines: $lines) {{
  {ERRORS} checkout {{ id }} }} }}"""
QUERY = f"""query($id: ID!) {{ checkout(id: $id) {{ {CHECKOUT_FIELDS} }} }}"""
SHIPPING_ADDRESS = f"""mutation($id: ID!, $a: AddressInput!) {{ checkoutShippingAddressUpdate(id: $id, shippingAddress: $a) {{
  {ERRORS} }} }}"""
BILLING_ADDRESS = f"""mutation($id: ID!, $a: AddressInput!) {{ checkoutBillingAddressUpdate(id: $id, billingAddress: $a) {{
  {ERRORS} }} }}"""
DELIVERY = f"""mutation($id: ID!, $d: ID) {{ checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $d) {{ {ERRORS} }} }}"""
PAYMENT = f"""mutation($id: ID!, $input: PaymentInput!) {{ checkoutPaymentCreate(id: $id, input: $input) {{ {ERRORS} }} }}"""
COMPLETE = f"""mutation($id: ID!) {{ checkoutComplete(id: $id) {{ {ERRORS}
  order {{ id number total {{ gross {{ amount }} }} }} }} }}"""
PROMO_CODE = f"""mutation($id: ID!, $code: String!) {{ checkoutAddPromoCode(id: $id, promoCode: $code) {{ {ERRORS} }} }}"""


def variant_gid(variant: Any) -> str:
    return graphene.Node.to_global_id("ProductVariant", variant.pk)


def amount(money: dict[str, Any]) -> Decimal:
    return Decimal(str(money["gross"]["amount"]))


def run(client: Any, query: str, variables: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """Post, check no top-level errors and no mutation errors, return the data."""
    data = get_graphql_content(client.post_graphql(query, variables))["data"]
    if name is not None:
        assert data[name]["errors"] == [], data[name]["errors"]
        return data[name]
    return data


def create_checkout(
    client: Any, lines: list[tuple[Any, int]], *, email: str = "buyer@example.com", channel: str = "main"
) -> str:
    result = run(client, CREATE, {"input": {
        "channel": channel, "email": email,
        "lines": [{"variantId": variant_gid(variant), "quantity": quantity} for variant, quantity in lines],
    }}, "checkoutCreate")
    return result["checkout"]["id"]


def add_lines(client: Any, checkout_id: str, lines: list[tuple[Any, int]], **extra: Any) -> None:
    run(client, LINES_ADD, {"id": checkout_id, "lines": [
        {"variantId": variant_gid(variant), "quantity": quantity, **extra} for variant, quantity in lines
    ]}, "checkoutLinesAdd")


def update_line(client: Any, checkout_id: str, line_id: str, quantity: int) -> None:
    run(client, LINES_UPDATE, {"id": checkout_id, "lines": [{"lineId": line_id, "quantity": quantity}]},
        "checkoutLinesUpdate")


def get_checkout(client: Any, checkout_id: str) -> dict[str, Any]:
    return run(client, QUERY, {"id": checkout_id})["checkout"]


def add_promo_code(client: Any, checkout_id: str, code: str) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(PROMO_CODE, {"id": checkout_id, "code": code}))["data"][
        "checkoutAddPromoCode"]


def set_delivery(client: Any, checkout_id: str) -> None:
    run(client, SHIPPING_ADDRESS, {"id": checkout_id, "a": ADDRESS}, "checkoutShippingAddressUpdate")
    run(client, BILLING_ADDRESS, {"id": checkout_id, "a": ADDRESS}, "checkoutBillingAddressUpdate")
    methods = get_checkout(client, checkout_id)["shippingMethods"]
    run(client, DELIVERY, {"id": checkout_id, "d": methods[0]["id"]}, "checkoutDeliveryMethodUpdate")


def pay(client: Any, checkout_id: str) -> None:
    """Pay the full total with Saleor's dummy gateway."""
    total = amount(get_checkout(client, checkout_id)["totalPrice"])
    run(client, PAYMENT, {"id": checkout_id, "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": str(total)}}, "checkoutPaymentCreate")


def pay_and_complete(client: Any, checkout_id: str) -> dict[str, Any]:
    """Pay and complete; returns the order (fails the test on a mutation error)."""
    pay(client, checkout_id)
    result = complete(client, checkout_id)
    assert result["errors"] == [], result["errors"]
    return result["order"]


def complete(client: Any, checkout_id: str) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(COMPLETE, {"id": checkout_id}))["data"]["checkoutComplete"]
