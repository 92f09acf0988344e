"""Rule value objects: what the program's rules say, as frozen data with integer ids.

The Django models that store rules mirror these field names; a loader turns rows into these
objects and ``compile_rules`` (``compiled.py``) indexes them. Each object checks its own fields
in ``__post_init__`` and raises ``InvalidRule`` naming the bad field, so a bad row is refused
when the rule set is built, not in the middle of a checkout. ``docs/rules.md`` describes every
kind and how conflicts between rules resolve.

Sequences are stored as tuples (a list passed in is converted), so every object is immutable.
Program-wide terms, referral terms and next-purchase rules live in ``terms.py``, gift rules in
``gift_rules.py``; both are re-exported here, so ``engine.rules`` is the one place to import rule objects from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .bounds import INT32_MAX, MAX_DAYS, MAX_MONEY, MAX_RATE
from .checks import (
    HUNDRED,
    INT_MIN,
    ONE,
    ZERO,
    as_tuple,
    check_currency,
    check_decimal,
    check_int,
    check_unique_ids,
    check_window,
    fail,
    is_active,
)
from . import gift_rules as _gift_rules_module
from .gift_rules import GiftOption, GiftRule
from .terms import ChannelTerms, DiscountKind, NextPurchaseRule, ProgramTerms, ReferralTerms

if TYPE_CHECKING:
    from .values import CustomerSnapshot

__all__ = [  # the terms and gift rules are re-exported so that every rule object imports from here
    "Audience", "AudienceKind", "ChannelTerms", "DiscountKind", "EarnRule", "EarnRuleKind", "GiftOption", "GiftRule",
    "NextPurchaseRule", "PriceBreak", "PriceList", "PriceListEntry", "ProgramTerms", "ReferralTerms", "RuleSet", "TargetKind",
    "Tier", "TierMetric", "is_active",
]


# --- audiences and targets ------------------------------------------------------------------


class AudienceKind(StrEnum):
    """Who a price list or gift rule is for."""

    EVERYONE = "everyone"
    CUSTOMER_TYPE = "customer_type"  # Saleor's customer group
    COMPANY = "company"
    TIER = "tier"
    CUSTOMER = "customer"  # one user id


@dataclass(frozen=True, slots=True)
class Audience:
    """An audience: ``Audience(AudienceKind.COMPANY, 7)``; ``target_id`` is None only for EVERYONE."""

    kind: AudienceKind
    target_id: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.kind, AudienceKind):
            raise fail("Audience", "kind", f"must be an AudienceKind, got {self.kind!r}")
        if self.kind is AudienceKind.EVERYONE:
            if self.target_id is not None:
                raise fail("Audience", "target_id", "must be None for EVERYONE")
        else:
            check_int("Audience", "target_id", self.target_id, minimum=0)

    @classmethod
    def everyone(cls) -> Audience:
        return cls(AudienceKind.EVERYONE)

    def includes(self, customer: CustomerSnapshot) -> bool:
        """True when ``customer`` belongs to this audience (anonymous buyers only to EVERYONE)."""
        field = _MEMBER_FIELDS[self.kind]
        if field is None:  # EVERYONE
            return True
        wanted = getattr(customer, field)
        return wanted is not None and wanted == self.target_id


# The customer field each audience kind matches on (read per gift rule per quote, so a plain
# mapping rather than a dict of enum members built on every call).
_MEMBER_FIELDS: dict[AudienceKind, str | None] = {
    AudienceKind.EVERYONE: None,
    AudienceKind.CUSTOMER_TYPE: "customer_type_id",
    AudienceKind.COMPANY: "company_id",
    AudienceKind.TIER: "tier_id",
    AudienceKind.CUSTOMER: "user_id",
}


class TargetKind(StrEnum):
    """What a price-list entry, product bonus or exclusion points at."""

    VARIANT = "variant"
    PRODUCT = "product"
    CATEGORY = "category"
    ALL = "all"  # every line: a standing discount (a tier's discount card) without listing products


def check_target(owner: str, kind: Any, target_id: Any) -> None:
    if not isinstance(kind, TargetKind):
        raise fail(owner, "target_kind", f"must be a TargetKind, got {kind!r}")
    if kind is TargetKind.ALL:
        if target_id is not None:
            raise fail(owner, "target_id", "must be None for ALL")
    else:
        check_int(owner, "target_id", target_id, minimum=0)


# --- price lists ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceBreak:
    """From ``min_quantity`` units on, a fixed unit price or a percentage off the base price.

    Exactly one of ``fixed_price`` and ``percent_off`` (0 < percent <= 100) is set.
    """

    min_quantity: int
    fixed_price: Decimal | None = None
    percent_off: Decimal | None = None

    def __post_init__(self) -> None:
        check_int("PriceBreak", "min_quantity", self.min_quantity, minimum=1, maximum=INT32_MAX)
        if (self.fixed_price is None) == (self.percent_off is None):
            raise fail("PriceBreak", "fixed_price", "exactly one of fixed_price and percent_off must be set")
        check_decimal("PriceBreak", "fixed_price", self.fixed_price, maximum=MAX_MONEY, allow_none=True)
        check_decimal("PriceBreak", "percent_off", self.percent_off, allow_none=True)
        if self.percent_off is not None and not ZERO < self.percent_off <= HUNDRED:
            raise fail("PriceBreak", "percent_off", f"must be > 0 and <= 100, got {self.percent_off}")


@dataclass(frozen=True, slots=True)
class PriceListEntry:
    """A price list's row for one variant, product, category (or ALL lines), with its breaks.

    ``breaks`` are stored sorted by ``min_quantity``; two breaks may not share a quantity.
    """

    id: int
    target_kind: TargetKind
    target_id: int | None
    breaks: tuple[PriceBreak, ...]

    def __post_init__(self) -> None:
        check_int("PriceListEntry", "id", self.id)
        check_target("PriceListEntry", self.target_kind, self.target_id)
        as_tuple(self, "breaks")
        if not self.breaks:
            raise fail("PriceListEntry", "breaks", "needs at least one break")
        quantities = [price_break.min_quantity for price_break in self.breaks]
        if len(set(quantities)) != len(quantities):
            raise fail("PriceListEntry", "breaks", "two breaks share a min_quantity")
        object.__setattr__(self, "breaks", tuple(sorted(self.breaks, key=lambda item: item.min_quantity)))


@dataclass(frozen=True, slots=True)
class PriceList:
    """A set of entries for one audience, currency and (optionally) channel, in a validity window.

    ``priority`` never changes a price: among the lists that apply the lowest price wins. It only
    decides which list is *named* as the reason when two give the same price (higher first).
    """

    id: int
    name: str
    audience: Audience
    currency: str
    channel: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    priority: int = 0
    entries: tuple[PriceListEntry, ...] = ()

    def __post_init__(self) -> None:
        check_int("PriceList", "id", self.id)
        check_currency("PriceList", "currency", self.currency)
        check_window("PriceList", self.valid_from, self.valid_until)
        check_int("PriceList", "priority", self.priority, minimum=INT_MIN, maximum=INT32_MAX)
        as_tuple(self, "entries")
        check_unique_ids("PriceList", "entries", self.entries)


# --- earn rules -----------------------------------------------------------------------------


class EarnRuleKind(StrEnum):
    """The kinds of earn rule; ``earn_kinds.py`` has one strategy class per kind (its fields,
    checks, condition and benefit)."""

    BASE_RATE = "base_rate"
    TIER_MULTIPLIER = "tier_multiplier"
    PRODUCT_BONUS = "product_bonus"
    EXCLUDE = "exclude"
    ORDER_CAP = "order_cap"
    SIGNUP_BONUS = "signup_bonus"
    FIRST_ORDER_BONUS = "first_order_bonus"
    BIRTHDAY_BONUS = "birthday_bonus"


# The optional fields of an earn rule; each kind's strategy (``earn_kinds.py``) names the ones it
# uses, and any other must be left None (catches loader mix-ups).
EARN_OPTIONAL_FIELDS = (
    "points_per_unit", "multiplier", "points", "max_points", "target_kind", "target_id", "customer_type_id", "tier_id"
)


@dataclass(frozen=True, slots=True)
class EarnRule:
    """One earn rule; ``kind`` says which of the optional fields it uses.

    - BASE_RATE: ``points_per_unit`` replaces the program's rate (highest applicable wins).
    - TIER_MULTIPLIER: ``multiplier`` for customers in ``tier_id`` (wins over the tier's own if higher).
    - PRODUCT_BONUS: for lines matching ``target_kind``/``target_id``, either ``multiplier``
      (the line earns that many times the base rate) or ``points`` extra per item.
    - EXCLUDE: lines matching the target, or every customer of ``customer_type_id``, earn nothing.
    - ORDER_CAP: the order earns at most ``max_points``.
    - SIGNUP_BONUS / FIRST_ORDER_BONUS / BIRTHDAY_BONUS: a fixed ``points`` bonus.

    Every kind may be limited to a ``channel``, a ``currency`` and a validity window.
    """

    id: int
    name: str
    kind: EarnRuleKind
    points_per_unit: Decimal | None = None
    multiplier: Decimal | None = None
    points: int | None = None
    max_points: int | None = None
    target_kind: TargetKind | None = None
    target_id: int | None = None
    customer_type_id: int | None = None
    tier_id: int | None = None
    channel: str | None = None
    currency: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def __post_init__(self) -> None:
        owner = "EarnRule"
        check_int(owner, "id", self.id)
        if not isinstance(self.kind, EarnRuleKind):
            raise fail(owner, "kind", f"must be an EarnRuleKind, got {self.kind!r}")
        # The kind's own fields and checks live beside its strategy; imported here, not at the
        # top, because the strategies import this module.
        from .earn_kinds import EARN_STRATEGIES

        strategy = EARN_STRATEGIES[self.kind]
        for name in EARN_OPTIONAL_FIELDS:
            if name not in strategy.fields and getattr(self, name) is not None:
                raise fail(owner, name, f"is not used by {self.kind.value} rules and must be None")
        check_currency(owner, "currency", self.currency, allow_none=True)
        check_window(owner, self.valid_from, self.valid_until)
        check_decimal(owner, "points_per_unit", self.points_per_unit, maximum=MAX_RATE, allow_none=True)
        check_int(owner, "points", self.points, minimum=1, maximum=INT32_MAX, allow_none=True)
        check_int(owner, "max_points", self.max_points, maximum=INT32_MAX, allow_none=True)
        check_int(owner, "customer_type_id", self.customer_type_id, allow_none=True)
        check_int(owner, "tier_id", self.tier_id, allow_none=True)
        strategy.check(self)

    def is_active(self, *, channel: str, currency: str, now: datetime) -> bool:
        """True when the rule's channel, currency and validity window allow it for this order."""
        return (
            (self.channel is None or self.channel == channel)
            and (self.currency is None or self.currency == currency)
            and is_active(self.valid_from, self.valid_until, now)
        )



# --- tiers ----------------------------------------------------------------------------------


class TierMetric(StrEnum):
    """What qualifies a customer for a tier."""

    SPEND = "spend"  # money paid for goods in the window (the program currency's amount)
    ORDERS = "orders"  # orders placed in the window
    POINTS = "points"  # points earned in the window
    TENURE = "tenure"  # days since sign-up (no window)


@dataclass(frozen=True, slots=True)
class Tier:
    """A VIP level. A higher ``rank`` is a better tier; ranks are unique in a rule set.

    ``threshold`` is in the metric's unit (money, orders, points or days); ``window_days`` is
    the rolling window the metric is counted over (None: all time; always None for TENURE).
    Benefits: ``multiplier`` on the base earn rate, ``price_list_id`` (a standing discount as a
    price list), ``gift_eligible`` (unlocks gift rules that require it). A customer who falls
    below the tier keeps it for ``grace_days`` before being moved down.
    """

    id: int
    name: str
    rank: int
    metric: TierMetric
    threshold: Decimal
    window_days: int | None = None
    multiplier: Decimal = ONE
    price_list_id: int | None = None
    gift_eligible: bool = False
    grace_days: int = 0

    def __post_init__(self) -> None:
        check_int("Tier", "id", self.id)
        check_int("Tier", "rank", self.rank, minimum=INT_MIN, maximum=INT32_MAX)
        if not isinstance(self.metric, TierMetric):
            raise fail("Tier", "metric", f"must be a TierMetric, got {self.metric!r}")
        check_decimal("Tier", "threshold", self.threshold, maximum=MAX_MONEY)
        check_int("Tier", "window_days", self.window_days, minimum=1, maximum=MAX_DAYS, allow_none=True)
        if self.metric is TierMetric.TENURE and self.window_days is not None:
            raise fail("Tier", "window_days", "must be None for tenure tiers")
        check_decimal("Tier", "multiplier", self.multiplier, maximum=MAX_RATE)
        check_int("Tier", "price_list_id", self.price_list_id, allow_none=True)
        check_int("Tier", "grace_days", self.grace_days, maximum=MAX_DAYS)


# --- the rule set ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule of the program, stamped with a ``version`` the caller chooses (to cache it)."""

    version: str
    terms: ProgramTerms = field(default_factory=ProgramTerms)
    price_lists: tuple[PriceList, ...] = ()
    earn_rules: tuple[EarnRule, ...] = ()
    tiers: tuple[Tier, ...] = ()
    gift_rules: tuple[GiftRule, ...] = ()
    referral: ReferralTerms | None = None
    next_purchase: tuple[NextPurchaseRule, ...] = ()
    # Per-channel overrides of the money-dependent terms (at most one per channel).
    channel_terms: tuple[ChannelTerms, ...] = ()

    def __post_init__(self) -> None:
        for name in ("price_lists", "earn_rules", "tiers", "gift_rules", "next_purchase"):
            as_tuple(self, name)
            check_unique_ids("RuleSet", name, getattr(self, name))
        as_tuple(self, "channel_terms")
        channels = [item.channel for item in self.channel_terms]
        if len(set(channels)) != len(channels):
            raise fail("RuleSet", "channel_terms", "two channel terms name the same channel")
        ranks = [tier.rank for tier in self.tiers]
        if len(set(ranks)) != len(ranks):
            raise fail("RuleSet", "tiers", "two tiers share a rank")
        list_ids = {price_list.id for price_list in self.price_lists}
        for tier in self.tiers:
            if tier.price_list_id is not None and tier.price_list_id not in list_ids:
                raise fail("RuleSet", "tiers", f"tier {tier.id} names unknown price list {tier.price_list_id}")


# ``GiftRule`` (gift_rules.py) names ``Audience`` in an annotation it cannot import at load time
# (this module imports it first); give its module the name so ``typing.get_type_hints`` resolves it.
setattr(_gift_rules_module, "Audience", Audience)
