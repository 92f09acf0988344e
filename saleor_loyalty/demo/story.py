"""The demo's story: a small cast, then steps that each call the GraphQL API and say what happened.

A step is a function ``(client, cast, out) -> None`` that talks to the API only through
``DemoClient``, as a storefront or a staff tool would; the shop's order and payment events
(``events``) are the one thing done beside the API, as Saleor's checkout does them. ``STEPS``
lists them in order: the program set up by staff (``program``), account basics (here), then
shopping, tiers, B2B prices and a referral (``shopping``), a company's shared pool and its volume
rebate (``business``), then a next-purchase code, NPS answers, expiry and the metrics (``later``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .cast import Cast, Out, Person, seed_cast
from .client import DemoClient
from .business import sam_makes_a_company_and_its_buyers_share_points, sam_pays_a_volume_rebate
from .channels import carol_buys_in_zloty
from .later import (
    alice_spends_her_next_purchase_code,
    bobs_old_points_expire,
    customers_answer_the_survey,
    sam_reads_the_metrics,
)
from .program import sam_sets_up_the_program
from .shopping import (
    alice_buys_and_is_credited,
    alice_reads_the_terms,
    alice_redeems_points,
    alice_refers_carol,
    bob_returns_half_an_order,
    sam_reviews_the_members,
    the_return_window_ends,
    wes_quotes_a_large_cart,
    wes_reads_break_prices,
)

__all__ = ["NOT_WIRED_YET", "STEPS", "Cast", "Out", "Person", "Step", "play", "seed_cast"]

# What the story does not show yet, and why.
NOT_WIRED_YET: tuple[str, ...] = ()


VIEWER = "{ loyaltyViewer { customerId isStaff permissions } }"
ACCOUNT = """query ($customerId: ID) {
  loyaltyAccount(customerId: $customerId) {
    available pending held debt lifetimeEarned
    entries(first: 10) { edges { node { kind bucket points reason } } }
  }
}"""
ADJUST = """mutation ($customerId: ID!, $points: Int!, $reason: String!, $key: String) {
  loyaltyPointsAdjust(customerId: $customerId, points: $points, reason: $reason, idempotencyKey: $key) {
    account { available }
    transaction { kind points isReplay }
    errors { field code message }
  }
}"""


def who_is_who(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Who is who: each token identifies its holder (loyaltyViewer)")
    for person in cast.people:
        viewer = client.data(VIEWER, token=person.token)["loyaltyViewer"]
        permissions = ", ".join(viewer["permissions"]) or "none"
        customer_id = f"{viewer['customerId']} (User:{person.user.pk})"
        out.line(f"{person.name:<6} {customer_id:<22} staff: {viewer['isStaff']!s:<5}  permissions: {permissions}")
    anonymous = client.data(VIEWER)["loyaltyViewer"]
    out.line(f"no token: customerId {anonymous['customerId']}, permissions: {anonymous['permissions'] or 'none'}")


def _adjust(
    client: DemoClient, cast: Cast, customer: Person, points: int, reason: str, key: str | None
) -> dict[str, Any]:
    variables = {"customerId": customer.id, "points": points, "reason": reason, "key": key}
    return client.data(ADJUST, variables, token=cast.sam.token)["loyaltyPointsAdjust"]  # type: ignore[no-any-return]


def sam_gives_alice_welcome_points(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam (staff) gives Alice 500 welcome points, then retries with the same idempotency key")
    key = f"demo-{cast.run_id}-welcome"
    for attempt in ("first call", "retry"):
        payload = _adjust(client, cast, cast.alice, 500, "Welcome to the club", key)
        booked = payload["transaction"]
        movement = f"{booked['kind']} {booked['points']:+d}"
        outcome = (
            f"replayed the first adjustment ({movement}), nothing new booked" if booked["isReplay"] else f"booked {movement}"
        )
        out.line(f"{attempt + ':':<11} {outcome}; Alice has {payload['account']['available']} available")


def alice_reads_her_statement(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice reads her own account (loyaltyAccount, no ID needed)")
    account = client.data(ACCOUNT, token=cast.alice.token)["loyaltyAccount"]
    figures = ("available", "pending", "held", "debt", "lifetimeEarned")
    out.line("  ".join(f"{name}: {account[name]}" for name in figures))
    for edge in account["entries"]["edges"]:
        entry = edge["node"]
        out.line(f"statement: {entry['kind']:<7} {entry['bucket']:<9} {entry['points']:+d}  {entry['reason']}")


def customers_stay_in_their_lane(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Alice tries to read Bob's points and to give herself points")
    peek = client.execute(ACCOUNT, {"customerId": cast.bob.id}, token=cast.alice.token)
    out.line(f"reading Bob's account: {peek.error_codes[0]}: {peek.errors[0]['message']}")
    grab = client.execute(
        ADJUST, {"customerId": cast.alice.id, "points": 100_000, "reason": "mine"}, token=cast.alice.token
    )
    out.line(f"adjusting her own points: {grab.error_codes[0]}: {grab.errors[0]['message']}")


def refusals_change_nothing(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam's mistakes are refused with reasons, and change nothing")
    too_much = _adjust(client, cast, cast.alice, -10_000, "Clean-up", None)
    for error in too_much["errors"]:
        out.line(f"removing 10,000 points: {error['code']}: {error['message']}")
    sloppy = _adjust(client, cast, cast.alice, 0, " ", None)
    for error in sloppy["errors"]:
        out.line(f"0 points, blank reason: {error['field']}: {error['code']}: {error['message']}")
    account = client.data(ACCOUNT, token=cast.alice.token)["loyaltyAccount"]
    out.line(f"Alice still has {account['available']} available")


Step = Callable[[DemoClient, Cast, Out], None]

STEPS: tuple[Step, ...] = (
    who_is_who,
    sam_sets_up_the_program,
    sam_gives_alice_welcome_points,
    alice_reads_her_statement,
    customers_stay_in_their_lane,
    refusals_change_nothing,
    alice_reads_the_terms,
    alice_buys_and_is_credited,
    the_return_window_ends,
    alice_redeems_points,
    wes_reads_break_prices,
    wes_quotes_a_large_cart,
    alice_refers_carol,
    bob_returns_half_an_order,
    sam_makes_a_company_and_its_buyers_share_points,
    sam_pays_a_volume_rebate,
    alice_spends_her_next_purchase_code,
    customers_answer_the_survey,
    sam_reviews_the_members,
    bobs_old_points_expire,
    sam_reads_the_metrics,
    carol_buys_in_zloty,
)


def play(cast: Cast, *, out: Out | None = None, client: DemoClient | None = None) -> None:
    """Play every step of ``STEPS``, then say what the story does not cover yet (if anything)."""
    out = out or Out()
    client = client or DemoClient()
    for step in STEPS:
        step(client, cast, out)
    if NOT_WIRED_YET:
        out.write("\nNot in the story yet: " + "; ".join(NOT_WIRED_YET) + ".")
