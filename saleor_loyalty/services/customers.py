"""Customer use cases: loyalty state per customer, the engine's view of a customer, bonuses.

The shop knows who the customer is (email, Saleor customer type, sign-up date, orders); the
program keeps what the shop does not (tier, grace period, birthday if given, sign-up bonus).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.earn import BonusEvent, calculate_event_bonus
from ..engine.values import CustomerSnapshot
from ..exceptions import NotFound
from ..models import CustomerLoyalty, SystemCode
from ..shop import CustomerView, get_shop
from . import points
from .b2b.companies import BuyerContext
from .rules.versions import RulesStamp, get_compiled_rules


@dataclass(frozen=True)
class CustomerLoyaltyInfo:
    """A customer's loyalty state as stored (points live in the ledger: ``points.get_balance``)."""

    user_id: int
    tier_id: int | None
    tier_since: datetime | None
    below_since: date | None
    birthday: date | None
    signup_bonus_given: bool


@dataclass(frozen=True)
class BonusResult:
    """Points credited for an event; ``created`` False when it had been credited before."""

    user_id: int
    points: int
    created: bool
    codes: tuple[str, ...]


def _info(state: CustomerLoyalty) -> CustomerLoyaltyInfo:
    return CustomerLoyaltyInfo(
        state.user_id, state.tier_id, state.tier_since, state.below_since, state.birthday, state.signup_bonus_given
    )


def fetch_customer(user_id: int) -> CustomerView:
    """The shop's view of a customer; ``NotFound`` when the shop has no such customer."""
    customer = get_shop().fetch_customer(user_id)
    if customer is None:
        raise NotFound(f"no customer {user_id}", field="user_id")
    return customer


def get_or_create_state(user_id: int, *, lock: bool = False) -> CustomerLoyalty:
    """The customer's loyalty row, created on first need; ``lock`` takes a row lock (in a transaction)."""
    CustomerLoyalty.objects.get_or_create(user_id=user_id)
    queryset = CustomerLoyalty.objects.select_for_update() if lock else CustomerLoyalty.objects
    return queryset.get(user_id=user_id)


def get_customer_loyalty(user_id: int) -> CustomerLoyaltyInfo:
    """The customer's stored loyalty state (defaults when none was stored yet)."""
    state = CustomerLoyalty.objects.filter(user_id=user_id).first()
    if state is None:
        return CustomerLoyaltyInfo(user_id, None, None, None, None, False)
    return _info(state)


@dataclass(frozen=True)
class LoyaltyFacts:
    """What the program stores about a buyer, read in one query with the rules stamp.

    ``tier_rank`` and ``company_tier_rank`` let the better of the two tiers be chosen without a
    second query; ``rules_stamp`` feeds ``rule_version.get_compiled_rules`` so a quote reads no
    separate stamp.
    """

    tier_id: int | None
    birthday: date | None
    company_id: int | None
    company_is_active: bool
    company_customer_type_id: int | None
    company_tier_id: int | None
    tier_rank: int | None
    company_tier_rank: int | None
    rules_stamp: RulesStamp


_LOYALTY_FACTS_SQL = """
SELECT cl.tier_id, cl.birthday, m.company_id, c.is_active, c.customer_type_id, c.tier_id,
       own.rank, ct.rank, rv.version, rv.stamp
FROM (SELECT %s::bigint AS user_id) AS u
LEFT JOIN loyalty_customer AS cl ON cl.user_id = u.user_id
LEFT JOIN loyalty_company_member AS m ON m.user_id = u.user_id
LEFT JOIN loyalty_company AS c ON c.id = m.company_id
LEFT JOIN loyalty_tier AS own ON own.id = cl.tier_id
LEFT JOIN loyalty_tier AS ct ON ct.id = c.tier_id
LEFT JOIN loyalty_rules_version AS rv ON rv.id = 1
"""


def fetch_loyalty_facts(user_id: int | None) -> LoyaltyFacts:
    """The buyer's stored tier, birthday and company, and the rules stamp: one query.

    For a guest (``user_id`` None) only the stamp is read (the same one query). The Saleor
    checkout path reads the same columns inside its own checkout read and builds the facts with
    ``loyalty_facts_from_values``.
    """
    with connection.cursor() as cursor:
        cursor.execute(_LOYALTY_FACTS_SQL, [user_id])
        row = cursor.fetchone()
    return loyalty_facts_from_values(row)


def loyalty_facts_from_values(values: Sequence[Any]) -> LoyaltyFacts:
    """``LoyaltyFacts`` from the ten columns of ``_LOYALTY_FACTS_SQL``, in its order (typed:
    the birthday a ``date``; no rules version yet reads as the initial stamp)."""
    version, stamp = values[8], values[9]
    return LoyaltyFacts(
        tier_id=values[0], birthday=values[1], company_id=values[2], company_is_active=bool(values[3]),
        company_customer_type_id=values[4], company_tier_id=values[5], tier_rank=values[6],
        company_tier_rank=values[7],
        rules_stamp=RulesStamp(0, "initial") if version is None else RulesStamp(int(version), str(stamp)),
    )


def choose_buyer(facts: LoyaltyFacts, *, own_customer_type_id: int | None) -> BuyerContext:
    """What the customer buys as, from their facts (the rule of ``companies.get_buyer_context``).

    In no company, or a deactivated one: themselves. In an active company: the company's price
    lists (``company_id``), its customer type when it has one, and the better-ranked of the two
    tiers, so joining a company never costs a customer a tier. A tier deleted meanwhile has no
    rank; the other one stands.
    """
    if facts.company_id is None or not facts.company_is_active:
        return BuyerContext(None, own_customer_type_id, facts.tier_id)
    tier_id = facts.company_tier_id or facts.tier_id
    if facts.company_tier_id is not None and facts.tier_id is not None and facts.tier_id != facts.company_tier_id:
        ranked = [(rank, tier) for rank, tier in ((facts.tier_rank, facts.tier_id),
                                                   (facts.company_tier_rank, facts.company_tier_id)) if rank is not None]
        tier_id = max(ranked)[1] if ranked else None
    return BuyerContext(facts.company_id, facts.company_customer_type_id or own_customer_type_id, tier_id)


def build_customer_snapshot(
    user_id: int,
    *,
    now: datetime,
    with_points: bool = True,
    customer: CustomerView | None = None,
    facts: LoyaltyFacts | None = None,
) -> CustomerSnapshot:
    """The engine's view of a customer: type from the shop, company, tier, orders and points.

    A member of an active company buys as the company (``choose_buyer``): its price lists and
    gift rules, its customer type, and the better of its tier and their own. ``customer`` (the
    shop's facts, when the caller loaded them with the checkout) and ``facts`` (when already
    read) save their queries; otherwise one query each, and one for the balance when
    ``with_points``: quoting never depends on how much history a customer has.
    """
    customer = customer if customer is not None else fetch_customer(user_id)
    facts = facts if facts is not None else fetch_loyalty_facts(user_id)
    buyer = choose_buyer(facts, own_customer_type_id=customer.customer_type_id)
    available = points.get_balance(points.Owner.customer(user_id)).available if with_points else None
    return CustomerSnapshot(
        user_id=user_id,
        email=customer.email,
        customer_type_id=buyer.customer_type_id,
        company_id=buyer.company_id,
        tier_id=buyer.tier_id,
        orders_count=customer.orders_count,
        signed_up_on=customer.date_joined.date(),
        birthday=facts.birthday or customer.birthday,
        available_points=available,
    )


def _expiry(config: ProgramConfig, available_at: datetime) -> datetime | None:
    return available_at + timedelta(days=config.expiry_days) if config.expiry_days else None


def award_signup_bonus(user_id: int, *, config: ProgramConfig, channel: str = "", now: datetime | None = None) -> BonusResult:
    """Credit the sign-up bonus the earn rules give, once per customer (key ``signup:<user>``).

    Available at once (nothing to return), expiring ``config.expiry_days`` later. A customer
    type excluded from earning, or no sign-up rule, gives 0 points and writes nothing.
    """
    now = now or timezone.now()
    rules = get_compiled_rules(config)
    snapshot = build_customer_snapshot(user_id, now=now, with_points=False)
    bonus = calculate_event_bonus(
        BonusEvent.SIGNUP, snapshot, rules=rules.rules.earn_rules, terms=rules.terms, channel=channel, now=now
    )
    codes = tuple(part.code for part in bonus.breakdown)
    with transaction.atomic():
        state = get_or_create_state(user_id, lock=True)
        if state.signup_bonus_given or bonus.points <= 0:
            return BonusResult(user_id, 0, False, codes)
        posted = points.credit_bonus(
            points.Owner.customer(user_id), f"signup:{user_id}", points=bonus.points, reason="sign-up bonus",
            system_code=SystemCode.BONUSES, rule_id=",".join(str(p.rule_id) for p in bonus.breakdown if p.rule_id),
            expires_at=_expiry(config, now), now=now,
        )
        state.signup_bonus_given = True
        state.updated_at = now
        state.save(update_fields=["signup_bonus_given", "updated_at"])
    return BonusResult(user_id, posted.points, posted.created, codes)
