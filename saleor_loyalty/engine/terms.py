"""Program-wide terms, referral terms and next-purchase rules (re-exported by ``rules``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .bounds import INT32_MAX, MAX_DAYS, MAX_MONEY, MAX_RATE
from .checks import HUNDRED, ONE, ZERO, check_currency, check_decimal, check_int, check_window, fail


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


def _check_discount(owner: str, kind: Any, value: Any, currency: str | None) -> None:
    if not isinstance(kind, DiscountKind):
        raise fail(owner, "discount_kind", f"must be a DiscountKind, got {kind!r}")
    check_decimal(owner, "discount_value", value, maximum=MAX_MONEY)
    if value == 0:
        raise fail(owner, "discount_value", "must be greater than 0")
    if kind is DiscountKind.PERCENT and value > HUNDRED:
        raise fail(owner, "discount_value", f"a percentage must be <= 100, got {value}")
    if kind is DiscountKind.FIXED and currency is None:
        raise fail(owner, "currency", "a fixed discount needs a currency")


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
        check_currency(owner, "currency", self.currency, allow_none=True)
        _check_discount(owner, self.discount_kind, self.discount_value, self.currency)
        check_int(owner, "referrer_points", self.referrer_points, maximum=INT32_MAX)
        check_decimal(owner, "referee_min_spend", self.referee_min_spend, maximum=MAX_MONEY)
        check_decimal(owner, "qualifying_min_amount", self.qualifying_min_amount, maximum=MAX_MONEY)
        if self.currency is None and (self.referee_min_spend > 0 or self.qualifying_min_amount > 0):
            raise fail(owner, "currency", "minimum amounts need a currency")
        check_int(owner, "max_rewards_per_referrer", self.max_rewards_per_referrer, maximum=INT32_MAX, allow_none=True)
        check_int(owner, "period_days", self.period_days, minimum=1, maximum=MAX_DAYS, allow_none=True)


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
        check_int("NextPurchaseRule", "id", self.id)
        check_decimal("NextPurchaseRule", "min_amount", self.min_amount, maximum=MAX_MONEY)
        check_currency("NextPurchaseRule", "currency", self.currency)
        _check_discount("NextPurchaseRule", self.discount_kind, self.discount_value, self.currency)
        check_int("NextPurchaseRule", "valid_days", self.valid_days, minimum=1, maximum=MAX_DAYS)
        check_window("NextPurchaseRule", self.valid_from, self.valid_until)


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
    # At most this amount (in the channel's currency) may be paid with points; None: no cap but
    # the share. Only a channel's terms set it: a bare amount means nothing across currencies.
    redeem_max_amount: Decimal | None = None

    def __post_init__(self) -> None:
        check_decimal("ProgramTerms", "points_per_unit", self.points_per_unit, maximum=MAX_RATE)
        if self.redeem_max_amount is not None:
            check_decimal("ProgramTerms", "redeem_max_amount", self.redeem_max_amount, maximum=MAX_MONEY)
        check_decimal("ProgramTerms", "point_value", self.point_value, maximum=MAX_RATE)
        if self.point_value == 0:
            raise fail("ProgramTerms", "point_value", "must be greater than 0")
        check_int("ProgramTerms", "redeem_min_points", self.redeem_min_points, maximum=INT32_MAX)
        check_decimal("ProgramTerms", "redeem_max_share", self.redeem_max_share)
        if self.redeem_max_share > ONE:
            raise fail("ProgramTerms", "redeem_max_share", "must be <= 1")
        check_int("ProgramTerms", "pending_days", self.pending_days, maximum=MAX_DAYS)
        check_int("ProgramTerms", "expiry_days", self.expiry_days, maximum=MAX_DAYS)


# The money-dependent terms a channel may override; every other term stays program-wide.
CHANNEL_TERM_FIELDS = ("points_per_unit", "point_value", "redeem_min_points", "redeem_max_share", "redeem_max_amount")


@dataclass(frozen=True, slots=True)
class ChannelTerms:
    """One channel's overrides of the money-dependent terms, in the channel's ``currency``.

    A field left None keeps the program's value. Example: program 1 point per unit and a point
    worth 0.01; a PLN channel with ``points_per_unit=0.25`` and ``point_value=0.04`` earns 25
    points on 100.00 PLN and redeems 500 points for 20.00 PLN, while USD keeps 1 and 0.01.
    """

    channel: str
    currency: str
    points_per_unit: Decimal | None = None
    point_value: Decimal | None = None
    redeem_min_points: int | None = None
    redeem_max_share: Decimal | None = None
    redeem_max_amount: Decimal | None = None

    def __post_init__(self) -> None:
        owner = "ChannelTerms"
        if not isinstance(self.channel, str) or not self.channel.strip():
            raise fail(owner, "channel", "must be a channel slug")
        check_currency(owner, "currency", self.currency)
        # The merged ProgramTerms checks ranges; these checks name the channel's own field.
        check_decimal(owner, "points_per_unit", self.points_per_unit, maximum=MAX_RATE, allow_none=True)
        check_decimal(owner, "point_value", self.point_value, maximum=MAX_RATE, allow_none=True)
        if self.point_value is not None and self.point_value == 0:
            raise fail(owner, "point_value", "must be greater than 0")
        check_int(owner, "redeem_min_points", self.redeem_min_points, maximum=INT32_MAX, allow_none=True)
        check_decimal(owner, "redeem_max_share", self.redeem_max_share, maximum=ONE, allow_none=True)
        check_decimal(owner, "redeem_max_amount", self.redeem_max_amount, maximum=MAX_MONEY, allow_none=True)

    def apply_to(self, terms: ProgramTerms) -> ProgramTerms:
        """``terms`` with this channel's set fields in place of the program's.

        >>> ChannelTerms("pln", "PLN", point_value=Decimal("0.04")).apply_to(ProgramTerms()).point_value
        Decimal('0.04')
        """
        changes = {name: getattr(self, name) for name in CHANNEL_TERM_FIELDS if getattr(self, name) is not None}
        return replace(terms, **changes)
