"""The demo's sample shop page: which shopper sees what, after the story has played.

``saleor-loyalty demo --serve`` and the browser tests call ``prepare_shop_page`` once the story
is over. The story leaves Wes's large wholesale cart open and Alice with 46 points, under the
100-point minimum; so that the page shows a redemption that can be tried, Alice gets a new cart
and Sam (staff) gives her 500 points through the staff mutation, as the story's step 3 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from ..demo.cast import Cast, Person
from ..demo.client import DemoClient, DemoError
from ..graphql.core.ids import to_global_id

ADJUST = """mutation ($customerId: ID!, $key: String) {
  loyaltyPointsAdjust(customerId: $customerId, points: 500, reason: "Points to try on the shop page", idempotencyKey: $key) {
    account { available }
    errors { code message }
  }
}"""


@dataclass(frozen=True)
class Shopper:
    """A person of the cast on the shop page: their token and their open checkout (if any)."""

    person: Person
    checkout_id: str | None

    def page_fragment(self, *, lang: str | None = None) -> str:
        """The part after ``#`` of the shop page's URL that signs this shopper in (read by the page's script only)."""
        params = {"token": self.person.token}
        if self.checkout_id:
            params["checkout"] = self.checkout_id
        if lang:
            params["lang"] = lang
        return urlencode(params)


def prepare_shop_page(cast: Cast, client: DemoClient | None = None) -> list[Shopper]:
    """Give Alice a cart and points to redeem; return the shoppers the page can show, in cast order."""
    client = client or DemoClient()
    adjusted = client.data(ADJUST, {"customerId": cast.alice.id, "key": f"demo-{cast.run_id}-shop-page"}, token=cast.sam.token)
    errors = adjusted["loyaltyPointsAdjust"]["errors"]
    if errors:
        raise DemoError(f"the shop page's points were refused: {errors}")
    cast.shop.create_checkout(cast.alice.user.pk, {"EQ-KETTLE": 1, "COF-ESP-1KG": 2})
    open_checkouts = {checkout.user_id: token for token, checkout in cast.shop.checkouts.items()}
    shoppers = []
    for person in (cast.alice, cast.bob, cast.wes, cast.carol):
        token = open_checkouts.get(person.user.pk)
        shoppers.append(Shopper(person, to_global_id("Checkout", token) if token else None))
    return shoppers
