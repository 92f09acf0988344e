"""The demo's story: a small cast, then steps that each call the GraphQL API and say what happened.

A step is a function ``(client, cast, out) -> None`` that talks to the API only through
``DemoClient``, as a storefront or a staff tool would. ``STEPS`` lists them in order; new
features add their steps there as their operations reach the schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ..graphql.auth import LoyaltyPermission, create_access_token
from ..graphql.core.ids import to_global_id
from .client import DemoClient

# What the story cannot show yet: these features have no GraphQL operations so far.
NOT_WIRED_YET = (
    "earning points on orders and redeeming them at checkout (through Saleor's order and checkout hooks)",
    "tier prices and B2B price-break tables",
    "free products",
    "referrals",
    "loyalty tiers",
)


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    user: Any
    token: str

    @property
    def id(self) -> str:
        """The person's Saleor-style global ID (``User:<pk>``)."""
        return to_global_id("User", self.user.pk)


@dataclass(frozen=True)
class Cast:
    alice: Person
    bob: Person
    sam: Person
    # Makes the story's idempotency keys new on every run against a database kept between runs.
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def people(self) -> tuple[Person, ...]:
        return (self.alice, self.bob, self.sam)


def seed_cast() -> Cast:
    """Two customers and a staff member who manages customers (MANAGE_USERS); idempotent."""
    users = get_user_model()._default_manager

    def person(name: str, role: str, *, staff: bool = False) -> Person:
        user, _ = users.get_or_create(username=name, defaults={"is_staff": staff, "email": f"{name}@example.com"})
        return Person(name=name.capitalize(), role=role, user=user, token=create_access_token(user))

    sam = person("sam", "staff, MANAGE_USERS", staff=True)
    group, _ = Group.objects.get_or_create(name=LoyaltyPermission.MANAGE_USERS.name)
    sam.user.groups.add(group)
    return Cast(alice=person("alice", "customer"), bob=person("bob", "customer"), sam=sam)


class Out:
    """Prints the story: numbered steps with indented lines under them."""

    def __init__(self, write: Callable[[str], Any] = print) -> None:
        self.write = write
        self.number = 0

    def step(self, title: str) -> None:
        self.number += 1
        self.write(f"\n{self.number}. {title}")

    def line(self, text: str) -> None:
        self.write(f"   {text}")


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


def _adjust(client: DemoClient, cast: Cast, customer: Person, points: int, reason: str, key: str | None) -> dict[str, Any]:
    variables = {"customerId": customer.id, "points": points, "reason": reason, "key": key}
    return client.data(ADJUST, variables, token=cast.sam.token)["loyaltyPointsAdjust"]  # type: ignore[no-any-return]


def sam_gives_alice_welcome_points(client: DemoClient, cast: Cast, out: Out) -> None:
    out.step("Sam (staff) gives Alice 500 welcome points, then retries with the same idempotency key")
    key = f"demo-{cast.run_id}-welcome"
    for attempt in ("first call", "retry"):
        payload = _adjust(client, cast, cast.alice, 500, "Welcome to the club", key)
        booked = payload["transaction"]
        movement = f"{booked['kind']} {booked['points']:+d}"
        outcome = f"replayed the first adjustment ({movement}), nothing new booked" if booked["isReplay"] else f"booked {movement}"
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
    sam_gives_alice_welcome_points,
    alice_reads_her_statement,
    customers_stay_in_their_lane,
    refusals_change_nothing,
)


def play(cast: Cast, *, out: Out | None = None, client: DemoClient | None = None) -> None:
    """Play every step of ``STEPS``, then say what the story does not cover yet."""
    out = out or Out()
    client = client or DemoClient()
    for step in STEPS:
        step(client, cast, out)
    out.write("\nNot in the story yet (no GraphQL operations so far): " + "; ".join(NOT_WIRED_YET) + ".")
