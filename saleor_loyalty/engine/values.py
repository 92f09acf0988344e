"""Engine inputs and outputs: frozen, slotted dataclasses.

Inputs (``Cart``, ``CartLine``, ``CustomerSnapshot``, ``CustomerStats``, ``VariantSnapshot``,
``ReferralParty``) check their fields in ``__post_init__`` and raise ``InvalidValue``; outputs
are built by the engine and carry rule ids and short reason codes, never formatted money
(tier, referral and next-purchase outcomes are in ``outcomes.py``).
Money is a ``Decimal`` in the cart's currency; points are ``int``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from .errors import InvalidValue, MissingStat
from .money import check_currency
from .rules import TierMetric

ZERO = Decimal("0")


def _fail(owner: str, name: str, message: str) -> InvalidValue:
    return InvalidValue(f"{owner}.{name}: {message}", field=name)


def _check_money(owner: str, name: str, value: Any) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise _fail(owner, name, f"must be a finite Decimal >= 0, got {value!r}")


def _check_int(owner: str, name: str, value: Any, *, minimum: int = 0, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _fail(owner, name, f"must be an int >= {minimum}, got {value!r}")


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CartLine:
    """One checkout line as the engine sees it; ``base_unit_price`` is before any loyalty price."""

    line_id: str
    variant_id: int
    product_id: int
    category_ids: tuple[int, ...]
    sku: str | None
    quantity: int
    base_unit_price: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.line_id, str) or not self.line_id:
            raise _fail("CartLine", "line_id", f"must be a non-empty string, got {self.line_id!r}")
        _check_int("CartLine", "variant_id", self.variant_id)
        _check_int("CartLine", "product_id", self.product_id)
        if not isinstance(self.category_ids, tuple):
            object.__setattr__(self, "category_ids", tuple(self.category_ids))
        for category_id in self.category_ids:
            _check_int("CartLine", "category_ids", category_id)
        _check_int("CartLine", "quantity", self.quantity, minimum=1)
        _check_money("CartLine", "base_unit_price", self.base_unit_price)


@dataclass(frozen=True, slots=True)
class Cart:
    """A checkout snapshot. Gift lines the plugin added earlier must not be included.

    ``shipping`` counts towards earn only when the program says so; ``order_discount`` (vouchers
    and other order-level discounts, not loyalty prices) lowers what the customer pays for goods.
    """

    channel: str
    currency: str
    lines: tuple[CartLine, ...]
    shipping: Decimal = ZERO
    order_discount: Decimal = ZERO

    def __post_init__(self) -> None:
        if not isinstance(self.channel, str) or not self.channel:
            raise _fail("Cart", "channel", f"must be a channel slug, got {self.channel!r}")
        check_currency(self.currency)
        if not isinstance(self.lines, tuple):
            object.__setattr__(self, "lines", tuple(self.lines))
        line_ids = [line.line_id for line in self.lines]
        if len(set(line_ids)) != len(line_ids):
            raise _fail("Cart", "lines", "two lines share a line_id")
        _check_money("Cart", "shipping", self.shipping)
        _check_money("Cart", "order_discount", self.order_discount)


@dataclass(frozen=True, slots=True)
class CustomerSnapshot:
    """Who is buying. ``user_id`` None is an anonymous buyer (only EVERYONE audiences apply).

    ``available_points`` None means the balance is unknown and does not limit redemption.
    """

    user_id: int | None
    email: str | None
    customer_type_id: int | None
    company_id: int | None
    tier_id: int | None
    orders_count: int
    signed_up_on: date | None
    birthday: date | None
    available_points: int | None = None

    def __post_init__(self) -> None:
        for name in ("user_id", "customer_type_id", "company_id", "tier_id", "available_points"):
            _check_int("CustomerSnapshot", name, getattr(self, name), allow_none=True)
        _check_int("CustomerSnapshot", "orders_count", self.orders_count)

    @classmethod
    def anonymous(cls, *, email: str | None = None) -> CustomerSnapshot:
        return cls(None, email, None, None, None, 0, None, None, 0)


@dataclass(frozen=True, slots=True)
class StatKey:
    """Which figure: a metric counted over ``window_days`` (None: all time)."""

    metric: TierMetric
    window_days: int | None


@dataclass(frozen=True, slots=True)
class CustomerStats:
    """The figures tiers qualify on, one per (metric, window) the tiers use.

    ``compiled.required_stats(tiers)`` lists the keys a service must fetch. Tenure is not a
    figure: it is computed from ``signed_up_on`` and ``today``.
    """

    values: tuple[tuple[StatKey, Decimal], ...]
    signed_up_on: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.values, tuple):
            object.__setattr__(self, "values", tuple(self.values))
        for key, value in self.values:
            if not isinstance(key, StatKey):
                raise _fail("CustomerStats", "values", f"keys must be StatKey, got {key!r}")
            _check_money("CustomerStats", "values", value)

    @classmethod
    def from_mapping(
        cls, values: Mapping[tuple[TierMetric, int | None], Decimal], *, signed_up_on: date | None = None
    ) -> CustomerStats:
        """``CustomerStats.from_mapping({(TierMetric.SPEND, 365): Decimal("1200")})``."""
        items = sorted(values.items(), key=lambda item: (item[0][0].value, item[0][1] or 0))
        return cls(tuple((StatKey(metric, window), value) for (metric, window), value in items), signed_up_on)

    def get(self, metric: TierMetric, window_days: int | None, *, today: date) -> Decimal:
        """The figure for ``metric`` over ``window_days``; raises ``MissingStat`` if not supplied."""
        if metric is TierMetric.TENURE:
            if self.signed_up_on is None:
                return ZERO
            return Decimal(max(0, (today - self.signed_up_on).days))
        for key, value in self.values:
            if key.metric is metric and key.window_days == window_days:
                return value
        raise MissingStat(f"no {metric.value} figure for a window of {window_days} days", field=metric.value)


@dataclass(frozen=True, slots=True)
class VariantSnapshot:
    """A variant to build a price-break table for (``price_table``)."""

    variant_id: int
    product_id: int
    category_ids: tuple[int, ...]
    base_unit_price: Decimal

    def __post_init__(self) -> None:
        _check_int("VariantSnapshot", "variant_id", self.variant_id)
        _check_int("VariantSnapshot", "product_id", self.product_id)
        if not isinstance(self.category_ids, tuple):
            object.__setattr__(self, "category_ids", tuple(self.category_ids))
        _check_money("VariantSnapshot", "base_unit_price", self.base_unit_price)


@dataclass(frozen=True, slots=True)
class ReferralParty:
    """The referrer in a referral check."""

    user_id: int
    email: str | None
    company_id: int | None = None


# --- outputs: quote -------------------------------------------------------------------------

_Output = TypeVar("_Output")


def _store_through_slots(cls: type[_Output]) -> type[_Output]:
    """Give a frozen, slotted output dataclass a faster ``__init__`` with the same parameters.

    The ``__init__`` that ``dataclass`` writes for a frozen class stores every field with
    ``object.__setattr__`` (to get past the frozen guard), about 200 ns a field; a quote builds
    a ``LineQuote``, a ``PriceReason`` and a ``BreakHint`` per cart line, so it shows. This one
    stores each field through its slot's descriptor, which skips the guard the same way and
    costs about half. Nothing else changes: equality, hash, repr, pickling and immutability are
    the dataclass's own. Only for classes without defaults or ``__post_init__`` (checked).
    """
    names = [item.name for item in fields(cls)]  # type: ignore[arg-type]
    if hasattr(cls, "__post_init__") or any(
        item.default is not MISSING or item.default_factory is not MISSING for item in fields(cls)  # type: ignore[arg-type]
    ):
        raise TypeError(f"{cls.__name__} has defaults or __post_init__")
    setters = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    source = f"def __init__(self, {', '.join(names)}):\n" + "".join(f"    _set_{name}(self, {name})\n" for name in names)
    namespace: dict[str, Any] = {}
    exec(source, setters, namespace)  # how ``dataclass`` itself builds ``__init__``
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    setattr(cls, "__init__", init)
    return cls


@_store_through_slots
@dataclass(frozen=True, slots=True)
class PriceReason:
    """Why a line costs what it does: the price list, its entry and break, and a short code.

    ``rule_id`` is the price list's id.
    """

    rule_id: int
    entry_id: int
    min_quantity: int

    @property
    def code(self) -> str:
        """The short reason code: ``tier-price:list=12;break=50`` (built on demand, not per quote)."""
        return f"tier-price:list={self.rule_id};break={self.min_quantity}"


@_store_through_slots
@dataclass(frozen=True, slots=True)
class BreakHint:
    """Buying ``missing_quantity`` more (``min_quantity`` in all) lowers the unit price to ``unit_price``."""

    min_quantity: int
    missing_quantity: int
    unit_price: Decimal
    rule_id: int


@_store_through_slots
@dataclass(frozen=True, slots=True)
class LineQuote:
    line_id: str
    quantity: int
    base_unit_price: Decimal
    unit_price: Decimal
    total: Decimal
    reason: PriceReason | None
    next_break: BreakHint | None


@dataclass(frozen=True, slots=True)
class GiftLine:
    """A free line to add: ``reason_code`` reads like ``gift:rule=3;threshold=100.00``."""

    rule_id: int
    variant_id: int
    quantity: int
    reason_code: str


@dataclass(frozen=True, slots=True)
class GiftOfferOption:
    """One gift a reached choice rule offers now (in stock): ``is_chosen`` when the shopper picked
    it, ``is_given`` when it is in the cart (picked, or a default while nothing is picked)."""

    variant_id: int
    quantity: int
    is_default: bool
    is_chosen: bool
    is_given: bool


@dataclass(frozen=True, slots=True)
class GiftOffer:
    """A gift rule that applies to the cart, with what it offers and what it gives.

    ``options`` are the offered gifts in stock (the rule's own variant first); ``chosen`` the
    shopper's valid picks, in the order picked; ``given`` the variants whose gift lines the cart
    gets: ``chosen`` when there is any, else the defaults in stock. ``remaining`` is how many
    more the shopper may pick.
    """

    rule_id: int
    choose: int
    options: tuple[GiftOfferOption, ...]
    chosen: tuple[int, ...]
    given: tuple[int, ...]
    ladder: str | None

    @property
    def remaining(self) -> int:
        return self.choose - len(self.chosen)

    @property
    def is_choice(self) -> bool:
        return len(self.options) > 1 or self.choose > 1


@dataclass(frozen=True, slots=True)
class EarnPart:
    """Points one rule contributes (negative only for an order cap that takes points back)."""

    rule_id: int | None  # None: the program's own base rate
    code: str
    points: int


@dataclass(frozen=True, slots=True)
class EarnQuote:
    """Points an order (or event) earns; ``breakdown`` sums to ``points``."""

    points: int
    breakdown: tuple[EarnPart, ...]


@dataclass(frozen=True, slots=True)
class GiftHint:
    """Spending ``amount_missing`` more reaches gift rule ``rule_id``."""

    rule_id: int
    variant_id: int
    threshold: Decimal
    amount_missing: Decimal


@dataclass(frozen=True, slots=True)
class TierHint:
    """Progress to ``tier_id``: ``have`` of ``need`` in ``metric`` over ``window_days``."""

    tier_id: int
    metric: TierMetric
    window_days: int | None
    have: Decimal
    need: Decimal
    missing: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """Everything the engine says about a cart.

    ``subtotal`` is the goods after tier prices; ``goods_paid`` is that minus the cart's order
    discount (never below zero), the amount earn and redemption are computed from.
    ``gift_offers`` has one entry per gift rule that applies, in the order of ``gift_lines``.
    """

    version: str
    channel: str
    currency: str
    lines: tuple[LineQuote, ...]
    base_subtotal: Decimal
    subtotal: Decimal
    goods_paid: Decimal
    gift_lines: tuple[GiftLine, ...]
    earn: EarnQuote
    max_redeemable_points: int
    next_gift: GiftHint | None
    next_tier: TierHint | None
    gift_offers: tuple[GiftOffer, ...] = ()

    @property
    def tier_price_discount(self) -> Decimal:
        return self.base_subtotal - self.subtotal


# --- outputs: price table, tiers, referral, next purchase ------------------------------------


@dataclass(frozen=True, slots=True)
class PriceTableRow:
    """From ``min_quantity`` on the buyer pays ``unit_price`` (``rule_id`` None: the base price)."""

    min_quantity: int
    unit_price: Decimal
    rule_id: int | None
    code: str | None


@dataclass(frozen=True, slots=True)
class VariantPriceTable:
    variant_id: int
    base_unit_price: Decimal
    rows: tuple[PriceTableRow, ...]
