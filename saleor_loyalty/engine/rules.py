"""Rule value objects: what the program's rules say, as frozen data with integer ids.

The Django models that store rules mirror these field names; a loader turns rows into these
objects and ``compile_rules`` (``compiled.py``) indexes them. Each object checks its own fields
in ``__post_init__`` and raises ``InvalidRule`` naming the bad field, so a bad row is refused
when the rule set is built, not in the middle of a checkout. ``docs/rules.md`` describes every
kind and how conflicts between rules resolve.

Sequences are stored as tuples (a list passed in is converted), so every object is hashable
and immutable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import InvalidRule
from .money import is_currency_code

if TYPE_CHECKING:
    from .values import CustomerSnapshot

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")


# --- shared checks --------------------------------------------------------------------------


def _fail(owner: str, name: str, message: str) -> InvalidRule:
    return InvalidRule(f"{owner}.{name}: {message}", field=name)


def _check_decimal(owner: str, name: str, value: Any, *, minimum: Decimal = ZERO, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise _fail(owner, name, f"must be a finite Decimal, got {value!r}")
    if value < minimum:
        raise _fail(owner, name, f"must be >= {minimum}, got {value}")


def _check_int(owner: str, name: str, value: Any, *, minimum: int = 0, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(owner, name, f"must be an int, got {value!r}")
    if value < minimum:
        raise _fail(owner, name, f"must be >= {minimum}, got {value}")


def _check_currency(owner: str, name: str, value: Any, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not is_currency_code(value):
        raise _fail(owner, name, f"must be a three-letter ISO 4217 code, got {value!r}")


def _check_window(owner: str, valid_from: datetime | None, valid_until: datetime | None) -> None:
    # Naive datetimes cannot be compared with the aware ``now`` the caller passes.
    for name, moment in (("valid_from", valid_from), ("valid_until", valid_until)):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise _fail(owner, name, f"must be an aware datetime, got {moment!r}")
    if valid_from is not None and valid_until is not None and valid_until <= valid_from:
        raise _fail(owner, "valid_until", "must be after valid_from")


def _as_tuple(instance: object, name: str) -> None:
    value = getattr(instance, name)
    if not isinstance(value, tuple):
        object.__setattr__(instance, name, tuple(value))


def is_active(valid_from: datetime | None, valid_until: datetime | None, now: datetime) -> bool:
    """True when ``now`` lies in ``[valid_from, valid_until)``; a missing end is open."""
    return (valid_from is None or valid_from <= now) and (valid_until is None or now < valid_until)


def _check_unique_ids(owner: str, name: str, items: Iterable[Any]) -> None:
    seen: set[int] = set()
    for item in items:
        if item.id in seen:
            raise _fail(owner, name, f"duplicate id {item.id}")
        seen.add(item.id)


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
            raise _fail("Audience", "kind", f"must be an AudienceKind, got {self.kind!r}")
        if self.kind is AudienceKind.EVERYONE:
            if self.target_id is not None:
                raise _fail("Audience", "target_id", "must be None for EVERYONE")
        else:
            _check_int("Audience", "target_id", self.target_id, minimum=0)

    @classmethod
    def everyone(cls) -> Audience:
        return cls(AudienceKind.EVERYONE)

    def includes(self, customer: CustomerSnapshot) -> bool:
        """True when ``customer`` belongs to this audience (anonymous buyers only to EVERYONE)."""
        if self.kind is AudienceKind.EVERYONE:
            return True
        wanted = {
            AudienceKind.CUSTOMER_TYPE: customer.customer_type_id,
            AudienceKind.COMPANY: customer.company_id,
            AudienceKind.TIER: customer.tier_id,
            AudienceKind.CUSTOMER: customer.user_id,
        }[self.kind]
        return wanted is not None and wanted == self.target_id


class TargetKind(StrEnum):
    """What a price-list entry, product bonus or exclusion points at."""

    VARIANT = "variant"
    PRODUCT = "product"
    CATEGORY = "category"
    ALL = "all"  # every line: a standing discount (a tier's discount card) without listing products


def _check_target(owner: str, kind: Any, target_id: Any) -> None:
    if not isinstance(kind, TargetKind):
        raise _fail(owner, "target_kind", f"must be a TargetKind, got {kind!r}")
    if kind is TargetKind.ALL:
        if target_id is not None:
            raise _fail(owner, "target_id", "must be None for ALL")
    else:
        _check_int(owner, "target_id", target_id, minimum=0)


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
        _check_int("PriceBreak", "min_quantity", self.min_quantity, minimum=1)
        if (self.fixed_price is None) == (self.percent_off is None):
            raise _fail("PriceBreak", "fixed_price", "exactly one of fixed_price and percent_off must be set")
        _check_decimal("PriceBreak", "fixed_price", self.fixed_price, allow_none=True)
        _check_decimal("PriceBreak", "percent_off", self.percent_off, allow_none=True)
        if self.percent_off is not None and not ZERO < self.percent_off <= HUNDRED:
            raise _fail("PriceBreak", "percent_off", f"must be > 0 and <= 100, got {self.percent_off}")

    def unit_price(self, base_unit_price: Decimal) -> Decimal:
        """The unrounded unit price for ``base_unit_price``, kept within ``[0, base]``."""
        if self.fixed_price is not None:
            price = self.fixed_price
        else:
            assert self.percent_off is not None
            price = base_unit_price * (HUNDRED - self.percent_off) / HUNDRED
        return max(ZERO, min(price, base_unit_price))

    @property
    def code(self) -> str:
        return f"break={self.min_quantity}"


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
        _check_int("PriceListEntry", "id", self.id)
        _check_target("PriceListEntry", self.target_kind, self.target_id)
        _as_tuple(self, "breaks")
        if not self.breaks:
            raise _fail("PriceListEntry", "breaks", "needs at least one break")
        quantities = [price_break.min_quantity for price_break in self.breaks]
        if len(set(quantities)) != len(quantities):
            raise _fail("PriceListEntry", "breaks", "two breaks share a min_quantity")
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
        _check_int("PriceList", "id", self.id)
        _check_currency("PriceList", "currency", self.currency)
        _check_window("PriceList", self.valid_from, self.valid_until)
        _check_int("PriceList", "priority", self.priority, minimum=-(2**31))
        _as_tuple(self, "entries")
        _check_unique_ids("PriceList", "entries", self.entries)


# --- earn rules -----------------------------------------------------------------------------


class EarnRuleKind(StrEnum):
    """The kinds of earn rule; ``earn.py`` has one strategy class per kind."""

    BASE_RATE = "base_rate"
    TIER_MULTIPLIER = "tier_multiplier"
    PRODUCT_BONUS = "product_bonus"
    EXCLUDE = "exclude"
    ORDER_CAP = "order_cap"
    SIGNUP_BONUS = "signup_bonus"
    FIRST_ORDER_BONUS = "first_order_bonus"
    BIRTHDAY_BONUS = "birthday_bonus"


# The fields each kind uses; any other optional field must be left None (catches loader mix-ups).
_EARN_FIELDS: dict[EarnRuleKind, frozenset[str]] = {
    EarnRuleKind.BASE_RATE: frozenset({"points_per_unit"}),
    EarnRuleKind.TIER_MULTIPLIER: frozenset({"multiplier", "tier_id"}),
    EarnRuleKind.PRODUCT_BONUS: frozenset({"target_kind", "target_id", "multiplier", "points"}),
    EarnRuleKind.EXCLUDE: frozenset({"target_kind", "target_id", "customer_type_id"}),
    EarnRuleKind.ORDER_CAP: frozenset({"max_points"}),
    EarnRuleKind.SIGNUP_BONUS: frozenset({"points"}),
    EarnRuleKind.FIRST_ORDER_BONUS: frozenset({"points"}),
    EarnRuleKind.BIRTHDAY_BONUS: frozenset({"points"}),
}
_EARN_OPTIONAL = ("points_per_unit", "multiplier", "points", "max_points", "target_kind", "target_id", "customer_type_id", "tier_id")


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
        _check_int(owner, "id", self.id)
        if not isinstance(self.kind, EarnRuleKind):
            raise _fail(owner, "kind", f"must be an EarnRuleKind, got {self.kind!r}")
        allowed = _EARN_FIELDS[self.kind]
        for name in _EARN_OPTIONAL:
            if name not in allowed and getattr(self, name) is not None:
                raise _fail(owner, name, f"is not used by {self.kind.value} rules and must be None")
        _check_currency(owner, "currency", self.currency, allow_none=True)
        _check_window(owner, self.valid_from, self.valid_until)
        _check_decimal(owner, "points_per_unit", self.points_per_unit, allow_none=True)
        _check_int(owner, "points", self.points, minimum=1, allow_none=True)
        _check_int(owner, "max_points", self.max_points, allow_none=True)
        _check_int(owner, "customer_type_id", self.customer_type_id, allow_none=True)
        _check_int(owner, "tier_id", self.tier_id, allow_none=True)
        kind = self.kind
        if kind is EarnRuleKind.BASE_RATE and self.points_per_unit is None:
            raise _fail(owner, "points_per_unit", "is required for base_rate rules")
        if kind is EarnRuleKind.TIER_MULTIPLIER:
            _check_decimal(owner, "multiplier", self.multiplier)
            if self.tier_id is None:
                raise _fail(owner, "tier_id", "is required for tier_multiplier rules")
        if kind is EarnRuleKind.PRODUCT_BONUS:
            _check_target(owner, self.target_kind, self.target_id)
            if (self.multiplier is None) == (self.points is None):
                raise _fail(owner, "multiplier", "exactly one of multiplier and points must be set")
            # Below 1 the "bonus" would take points away from the base rate.
            _check_decimal(owner, "multiplier", self.multiplier, minimum=ONE, allow_none=True)
        if kind is EarnRuleKind.EXCLUDE:
            if (self.target_kind is None) == (self.customer_type_id is None):
                raise _fail(owner, "target_kind", "exactly one of a target and customer_type_id must be set")
            if self.target_kind is not None:
                _check_target(owner, self.target_kind, self.target_id)
            elif self.target_id is not None:
                raise _fail(owner, "target_id", "needs target_kind")
        if kind is EarnRuleKind.ORDER_CAP and self.max_points is None:
            raise _fail(owner, "max_points", "is required for order_cap rules")
        if kind in _BONUS_KINDS and self.points is None:
            raise _fail(owner, "points", f"is required for {kind.value} rules")

    def is_active(self, *, channel: str, currency: str, now: datetime) -> bool:
        """True when the rule's channel, currency and validity window allow it for this order."""
        return (
            (self.channel is None or self.channel == channel)
            and (self.currency is None or self.currency == currency)
            and is_active(self.valid_from, self.valid_until, now)
        )


_BONUS_KINDS = frozenset({EarnRuleKind.SIGNUP_BONUS, EarnRuleKind.FIRST_ORDER_BONUS, EarnRuleKind.BIRTHDAY_BONUS})


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
        _check_int("Tier", "id", self.id)
        _check_int("Tier", "rank", self.rank, minimum=-(2**31))
        if not isinstance(self.metric, TierMetric):
            raise _fail("Tier", "metric", f"must be a TierMetric, got {self.metric!r}")
        _check_decimal("Tier", "threshold", self.threshold)
        _check_int("Tier", "window_days", self.window_days, minimum=1, allow_none=True)
        if self.metric is TierMetric.TENURE and self.window_days is not None:
            raise _fail("Tier", "window_days", "must be None for tenure tiers")
        _check_decimal("Tier", "multiplier", self.multiplier)
        _check_int("Tier", "price_list_id", self.price_list_id, allow_none=True)
        _check_int("Tier", "grace_days", self.grace_days)


# --- gifts ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GiftRule:
    """Add ``quantity`` of ``variant_id`` free when the subtotal after tier prices reaches ``threshold``.

    With ``requires_gift_eligibility`` the buyer's current tier must have ``gift_eligible``.
    Whether several gift rules stack is ``ProgramTerms.gift_stacking``; without stacking the
    rule with the highest threshold reached wins (then higher ``priority``, then lower id).
    """

    id: int
    name: str
    audience: Audience
    threshold: Decimal
    currency: str
    variant_id: int
    quantity: int = 1
    channel: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    requires_gift_eligibility: bool = False
    priority: int = 0

    def __post_init__(self) -> None:
        _check_int("GiftRule", "id", self.id)
        _check_decimal("GiftRule", "threshold", self.threshold)
        _check_currency("GiftRule", "currency", self.currency)
        _check_int("GiftRule", "variant_id", self.variant_id)
        _check_int("GiftRule", "quantity", self.quantity, minimum=1)
        _check_window("GiftRule", self.valid_from, self.valid_until)
        _check_int("GiftRule", "priority", self.priority, minimum=-(2**31))


# --- referral and next purchase -------------------------------------------------------------


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


def _check_discount(owner: str, kind: Any, value: Any, currency: str | None) -> None:
    if not isinstance(kind, DiscountKind):
        raise _fail(owner, "discount_kind", f"must be a DiscountKind, got {kind!r}")
    _check_decimal(owner, "discount_value", value)
    if value == 0:
        raise _fail(owner, "discount_value", "must be greater than 0")
    if kind is DiscountKind.PERCENT and value > HUNDRED:
        raise _fail(owner, "discount_value", f"a percentage must be <= 100, got {value}")
    if kind is DiscountKind.FIXED and currency is None:
        raise _fail(owner, "currency", "a fixed discount needs a currency")


@dataclass(frozen=True, slots=True)
class ReferralTerms:
    """The referral program (one per rule set).

    The referee gets ``discount_kind``/``discount_value`` off a first order whose goods reach
    ``referee_min_spend``; the referrer earns ``referrer_points`` when the referee's first paid
    order reaches ``qualifying_min_amount``, at most ``max_rewards_per_referrer`` times per
    ``period_days`` (None: no limit / all time). With a ``currency`` the money amounts are in
    it and the terms apply only to orders in it; without one, only a percentage discount and
    zero minimums are allowed (amounts would be meaningless across currencies).
    """

    discount_kind: DiscountKind
    discount_value: Decimal
    referrer_points: int
    referee_min_spend: Decimal = ZERO
    qualifying_min_amount: Decimal = ZERO
    max_rewards_per_referrer: int | None = None
    period_days: int | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        owner = "ReferralTerms"
        _check_currency(owner, "currency", self.currency, allow_none=True)
        _check_discount(owner, self.discount_kind, self.discount_value, self.currency)
        _check_int(owner, "referrer_points", self.referrer_points)
        _check_decimal(owner, "referee_min_spend", self.referee_min_spend)
        _check_decimal(owner, "qualifying_min_amount", self.qualifying_min_amount)
        if self.currency is None and (self.referee_min_spend > 0 or self.qualifying_min_amount > 0):
            raise _fail(owner, "currency", "minimum amounts need a currency")
        _check_int(owner, "max_rewards_per_referrer", self.max_rewards_per_referrer, allow_none=True)
        _check_int(owner, "period_days", self.period_days, minimum=1, allow_none=True)


@dataclass(frozen=True, slots=True)
class NextPurchaseRule:
    """An order of at least ``min_amount`` earns a discount on the next order for ``valid_days`` days."""

    id: int
    name: str
    min_amount: Decimal
    currency: str
    discount_kind: DiscountKind
    discount_value: Decimal
    valid_days: int
    channel: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def __post_init__(self) -> None:
        _check_int("NextPurchaseRule", "id", self.id)
        _check_decimal("NextPurchaseRule", "min_amount", self.min_amount)
        _check_currency("NextPurchaseRule", "currency", self.currency)
        _check_discount("NextPurchaseRule", self.discount_kind, self.discount_value, self.currency)
        _check_int("NextPurchaseRule", "valid_days", self.valid_days, minimum=1)
        _check_window("NextPurchaseRule", self.valid_from, self.valid_until)


# --- program terms and the rule set ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgramTerms:
    """Program-wide settings (the plugin configuration); defaults match ``ProgramConfig``."""

    points_per_unit: Decimal = ONE
    point_value: Decimal = Decimal("0.01")
    redeem_min_points: int = 100
    redeem_max_share: Decimal = Decimal("0.5")
    include_shipping_in_earn: bool = False
    gift_stacking: bool = False
    pending_days: int = 14
    expiry_days: int = 365
    tier_prices_enabled: bool = True
    points_enabled: bool = True
    gifts_enabled: bool = True
    referrals_enabled: bool = True
    tiers_enabled: bool = True

    def __post_init__(self) -> None:
        _check_decimal("ProgramTerms", "points_per_unit", self.points_per_unit)
        _check_decimal("ProgramTerms", "point_value", self.point_value)
        if self.point_value == 0:
            raise _fail("ProgramTerms", "point_value", "must be greater than 0")
        _check_int("ProgramTerms", "redeem_min_points", self.redeem_min_points)
        _check_decimal("ProgramTerms", "redeem_max_share", self.redeem_max_share)
        if self.redeem_max_share > ONE:
            raise _fail("ProgramTerms", "redeem_max_share", "must be <= 1")
        _check_int("ProgramTerms", "pending_days", self.pending_days)
        _check_int("ProgramTerms", "expiry_days", self.expiry_days)


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

    def __post_init__(self) -> None:
        for name in ("price_lists", "earn_rules", "tiers", "gift_rules", "next_purchase"):
            _as_tuple(self, name)
            _check_unique_ids("RuleSet", name, getattr(self, name))
        ranks = [tier.rank for tier in self.tiers]
        if len(set(ranks)) != len(ranks):
            raise _fail("RuleSet", "tiers", "two tiers share a rank")
        list_ids = {price_list.id for price_list in self.price_lists}
        for tier in self.tiers:
            if tier.price_list_id is not None and tier.price_list_id not in list_ids:
                raise _fail("RuleSet", "tiers", f"tier {tier.id} names unknown price list {tier.price_list_id}")
