"""Customer use cases: loyalty state per customer, the engine's view of a customer, bonuses.

The shop knows who the customer is (email, Saleor customer type, sign-up date, orders); the
program keeps what the shop does not (tier, grace period, birthday if given, sign-up bonus).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.earn import BonusEvent, calculate_event_bonus
from ..engine.values import CustomerSnapshot
from ..exceptions import InvalidInput, NotFound
from ..models import CustomerLoyalty, SystemCode
from ..shop import CustomerView, get_shop
from . import points
from .b2b.companies import get_buyer_context
from .rules.versions import get_compiled_rules


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


def set_birthday(user_id: int, birthday: date | None, *, today: date | None = None) -> CustomerLoyaltyInfo:
    """Record (or clear) the birthday the customer gave; a birthday in the future is refused."""
    today = today or timezone.now().date()
    if birthday is not None and (not isinstance(birthday, date) or birthday > today):
        raise InvalidInput("birthday must be a date in the past", field="birthday")
    fetch_customer(user_id)
    with transaction.atomic():
        state = get_or_create_state(user_id, lock=True)
        state.birthday = birthday
        state.updated_at = timezone.now()
        state.save(update_fields=["birthday", "updated_at"])
    return _info(state)


def build_customer_snapshot(user_id: int, *, now: datetime, with_points: bool = True) -> CustomerSnapshot:
    """The engine's view of a customer: type from the shop, company, tier, orders and points.

    A member of an active company buys as the company (``companies.get_buyer_context``): its
    price lists and gift rules, its customer type, and the better of its tier and their own.
    A fixed number of queries (the shop's own lookup, one for the stored state, one or two for
    the company, one for the balance): quoting never depends on how much history a customer has.
    """
    customer = fetch_customer(user_id)
    state = CustomerLoyalty.objects.filter(user_id=user_id).values_list("tier_id", "birthday").first()
    own_tier_id, stored_birthday = state if state is not None else (None, None)
    buyer = get_buyer_context(user_id, own_tier_id=own_tier_id, own_customer_type_id=customer.customer_type_id)
    available = points.get_balance(points.Owner.customer(user_id)).available if with_points else None
    return CustomerSnapshot(
        user_id=user_id,
        email=customer.email,
        customer_type_id=buyer.customer_type_id,
        company_id=buyer.company_id,
        tier_id=buyer.tier_id,
        orders_count=customer.orders_count,
        signed_up_on=customer.date_joined.date(),
        birthday=stored_birthday or customer.birthday,
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


def award_birthday_bonus(user_id: int, *, config: ProgramConfig, channel: str = "", now: datetime | None = None) -> BonusResult:
    """Credit the birthday bonus on the customer's birthday, once a year (key ``birthday:<user>:<year>``)."""
    now = now or timezone.now()
    rules = get_compiled_rules(config)
    snapshot = build_customer_snapshot(user_id, now=now, with_points=False)
    bonus = calculate_event_bonus(
        BonusEvent.BIRTHDAY, snapshot, rules=rules.rules.earn_rules, terms=rules.terms, channel=channel, now=now
    )
    codes = tuple(part.code for part in bonus.breakdown)
    if bonus.points <= 0:
        return BonusResult(user_id, 0, False, codes)
    posted = points.credit_bonus(
        points.Owner.customer(user_id), f"birthday:{user_id}:{now.year}", points=bonus.points,
        reason="birthday bonus", system_code=SystemCode.BONUSES, expires_at=_expiry(config, now), now=now,
    )
    return BonusResult(user_id, posted.points, posted.created, codes)
