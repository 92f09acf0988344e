"""The demo's cast (customers and a staff member, with API tokens), its shop, and the printer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ..graphql.auth import LoyaltyPermission, create_access_token
from ..graphql.core.ids import to_global_id
from ..shop import set_shop
from . import events
from .shop import WHOLESALE, DemoShop


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
    wes: Person
    carol: Person
    sam: Person
    dana: Person
    shop: DemoShop = field(default_factory=DemoShop)
    # Makes the story's idempotency keys new on every run against a database kept between runs.
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    # What one step leaves for a later one (checkout tokens, placed orders).
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def people(self) -> tuple[Person, ...]:
        return (self.alice, self.bob, self.wes, self.dana, self.carol, self.sam)


def seed_cast() -> Cast:
    """Customers, a B2B buyer, a newcomer and a staff member; the demo shop registered. Idempotent.

    Alice, Bob, Wes and Dana are shop customers already (Wes and Dana, his colleague, of the
    Wholesale customer type); Carol has a login but signs up in the story, with Alice's referral
    code. Sam manages customers (MANAGE_USERS), the program's rules (MANAGE_DISCOUNTS) and reads
    the program's metrics (MANAGE_ORDERS, the permission ``loyaltyMetrics`` asks for).
    """
    users = get_user_model()._default_manager

    def person(name: str, role: str, *, staff: bool = False) -> Person:
        user, _ = users.get_or_create(username=name, defaults={"is_staff": staff, "email": f"{name}@example.com"})
        return Person(name=name.capitalize(), role=role, user=user, token=create_access_token(user))

    sam = person("sam", "staff, MANAGE_USERS, MANAGE_DISCOUNTS and MANAGE_ORDERS", staff=True)
    for permission in (LoyaltyPermission.MANAGE_USERS, LoyaltyPermission.MANAGE_DISCOUNTS,
                       LoyaltyPermission.MANAGE_ORDERS):
        group, _ = Group.objects.get_or_create(name=permission.name)
        sam.user.groups.add(group)
    cast = Cast(
        shop=DemoShop(numbers_after=events.last_demo_order_number()),
        alice=person("alice", "retail customer"), bob=person("bob", "retail customer"),
        wes=person("wes", "B2B buyer, Wholesale customer type"), carol=person("carol", "newcomer"), sam=sam,
        dana=person("dana", "B2B buyer, Wes's colleague"),
    )
    set_shop(cast.shop)
    shoppers = ((cast.alice, None), (cast.bob, None), (cast.wes, WHOLESALE), (cast.dana, WHOLESALE))
    for customer, customer_type in shoppers:
        events.customer_signed_up(cast.shop, customer.user.pk, customer.user.email, customer_type_id=customer_type)
    return cast


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


def money(amount: str | Decimal | None) -> str:
    """``$12.50`` from the API's decimal text."""
    if amount is None:
        return "-"
    return f"${Decimal(amount):,.2f}"


def plain(number: str | Decimal) -> str:
    """``10`` from ``10.0000``, ``2.5`` from ``2.50`` (no exponent, unlike ``Decimal.normalize``)."""
    return format(Decimal(number).normalize(), "f")


def times(multiplier: str | Decimal) -> str:
    """``x1.25`` from the API's decimal text (trailing zeros dropped)."""
    value = Decimal(multiplier)
    return f"x{value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()}"
