"""Order use cases: record an order, credit its points, cancel it, refund it.

``OrderRecord`` is the program's fact table: what was paid for goods and shipping, what was
refunded, what was earned. Crediting computes earn with the engine from the recorded lines (so a
retry, or a credit days later, gives the same points), credits them pending for the return
window through ``services.points``, issues a next-purchase discount when a rule says so, and
rewards the referrer of a referee's first paid order. Every step is idempotent: the Saleor
events that trigger them can fire more than once.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..config import ProgramConfig
from ..engine.earn import EarnContext, EarnLine, calculate_order_earn
from ..engine.money import is_currency_code
from ..engine.next_purchase import calculate_next_purchase_offer
from ..engine.values import CustomerSnapshot, EarnPart, EarnQuote
from ..exceptions import InvalidInput, OrderNotFound
from ..models import CodeKind, CodeStatus, CompanyMember, DiscountCode, OrderRecord, OrderStatus
from . import points, referrals
from .codes import generate_code
from .order_records import insert_new_record
from .customers import build_customer_snapshot
from .rules.fields import Problems, raise_problems
from .exchange_rates import get_rate_to_base
from .rules.versions import get_compiled_rules


@dataclass(frozen=True)
class OrderLineFacts:
    """One order line: ``paid_total`` is what the customer paid for it after every discount.

    Optional, for the program's cost and the backtest: ``base_unit_price`` is the list price of
    one unit (before any loyalty price), ``unit_price`` what one unit was sold at (after tier and
    contract prices and quantity breaks, before order-level vouchers), ``is_gift`` a free line
    a gift rule added. Both prices >= 0, and ``unit_price <= base_unit_price`` when both are given.
    """

    line_id: str
    variant_id: int
    product_id: int
    category_ids: tuple[int, ...]
    quantity: int
    paid_total: Decimal
    base_unit_price: Decimal | None = None
    unit_price: Decimal | None = None
    is_gift: bool = False


@dataclass(frozen=True)
class OrderFacts:
    """An order as the adapter reports it. ``goods_total`` is the goods paid after all discounts."""

    order_id: str
    user_id: int | None
    email: str
    channel: str
    currency: str
    goods_total: Decimal
    shipping: Decimal
    placed_at: datetime
    lines: tuple[OrderLineFacts, ...]
    checkout_token: str = ""
    voucher_code: str = ""


@dataclass(frozen=True)
class OrderInfo:
    order_id: str
    user_id: int | None
    company_id: int | None
    channel: str
    currency: str
    goods_total: Decimal
    shipping: Decimal
    refunded_amount: Decimal
    status: str
    placed_at: datetime
    paid_at: datetime | None
    points_earned: int
    credited: bool


@dataclass(frozen=True)
class CreditResult:
    """What crediting did. ``created`` is False when the order had been credited before."""

    order_id: str
    points: int
    created: bool
    available_at: datetime | None
    expires_at: datetime | None
    breakdown: tuple[EarnPart, ...]
    next_purchase_code: str | None
    referrer_points: int


@dataclass(frozen=True)
class CancelResult:
    order_id: str
    earned_points_reversed: int
    redeemed_points_returned: int
    referral_points_reversed: int
    already_cancelled: bool


@dataclass(frozen=True)
class RefundResult:
    order_id: str
    refunded_amount: Decimal
    points_reversed: int
    fully_refunded: bool


def _info(record: OrderRecord) -> OrderInfo:
    return OrderInfo(
        record.order_id, record.user_id, record.company_id, record.channel, record.currency, record.goods_total,
        record.shipping, record.refunded_amount, record.status, record.placed_at, record.paid_at,
        record.points_earned, record.credited,
    )


def _check_facts(facts: OrderFacts) -> Problems:
    problems: Problems = []
    if not facts.order_id or len(facts.order_id) > 64:
        problems.append(("order_id", "order_id: must be 1 to 64 characters"))
    if not is_currency_code(facts.currency):
        problems.append(("currency", "currency: must be a three-letter ISO 4217 code"))
    if not facts.channel:
        problems.append(("channel", "channel: is required"))
    for name in ("goods_total", "shipping"):
        value = getattr(facts, name)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            problems.append((name, f"{name}: must be a Decimal >= 0"))
    if facts.placed_at.tzinfo is None:
        problems.append(("placed_at", "placed_at: must be an aware datetime"))
    for index, line in enumerate(facts.lines):
        problems.extend(_check_line(f"lines[{index}]", line))
    return problems


def _is_amount(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value >= 0


def _check_line(field: str, line: OrderLineFacts) -> Problems:
    problems: Problems = []
    if line.quantity < 1 or line.paid_total < 0:
        problems.append((field, f"{field}: quantity must be >= 1 and paid_total >= 0"))
    for name in ("base_unit_price", "unit_price"):
        value = getattr(line, name)
        if value is not None and not _is_amount(value):
            problems.append((f"{field}.{name}", f"{field}.{name}: must be a Decimal >= 0 or None"))
    if (_is_amount(line.base_unit_price) and _is_amount(line.unit_price)
            and line.unit_price > line.base_unit_price):  # type: ignore[operator]
        problems.append((f"{field}.unit_price", f"{field}.unit_price: must not exceed base_unit_price"))
    if not isinstance(line.is_gift, bool):
        problems.append((f"{field}.is_gift", f"{field}.is_gift: must be true or false"))
    return problems


def _price_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _lines_json(lines: tuple[OrderLineFacts, ...]) -> list[dict[str, object]]:
    return [
        {
            "line_id": line.line_id, "variant_id": line.variant_id, "product_id": line.product_id,
            "category_ids": list(line.category_ids), "quantity": line.quantity, "paid_total": str(line.paid_total),
            "base_unit_price": _price_text(line.base_unit_price), "unit_price": _price_text(line.unit_price),
            "is_gift": line.is_gift,
        }
        for line in lines
    ]


def record_order(facts: OrderFacts, *, now: datetime | None = None) -> OrderInfo:
    """Record (or update, until it is credited) the loyalty side's copy of an order.

    Recording the same order again updates its amounts and lines while it is neither credited
    nor cancelled; after that the record is the truth the points were computed from and stays.
    A new order costs one statement (an INSERT that finds the buyer's company itself), plus one
    when it used a referral or next-purchase code, which the order spends.
    """
    raise_problems(_check_facts(facts))
    now = now or timezone.now()
    values = {
        "user_id": facts.user_id, "email": facts.email, "channel": facts.channel,
        "currency": facts.currency, "goods_total": facts.goods_total, "shipping": facts.shipping,
        "placed_at": facts.placed_at, "lines": _lines_json(facts.lines), "checkout_token": facts.checkout_token,
        "voucher_code": facts.voucher_code, "updated_at": now,
    }
    spends_code = bool(facts.voucher_code) and facts.user_id is not None
    with transaction.atomic() if spends_code else nullcontext():
        record = insert_new_record(facts.order_id, values, now=now) or _update_record(facts, values)
        if spends_code:
            # A referral or next-purchase code is spent by the order that used it.
            DiscountCode.objects.filter(
                code=facts.voucher_code, user_id=facts.user_id, status=CodeStatus.ACTIVE,
                kind__in=[CodeKind.REFERRAL, CodeKind.NEXT_PURCHASE],
            ).update(status=CodeStatus.USED, order_id=facts.order_id, closed_at=now)
    return _info(record)


def _update_record(facts: OrderFacts, values: dict[str, object]) -> OrderRecord:
    """The order was recorded before: update it while it may still change (locked)."""
    company_id = None
    if facts.user_id is not None:
        company_id = CompanyMember.objects.filter(user_id=facts.user_id).values_list("company_id", flat=True).first()
    with transaction.atomic():
        record = OrderRecord.objects.select_for_update().get(order_id=facts.order_id)
        if not record.credited and record.status == OrderStatus.PLACED:
            for name, value in {**values, "company_id": company_id}.items():
                setattr(record, name, value)
            record.save()
    return record


def get_order(order_id: str) -> OrderInfo:
    """The recorded order; ``OrderNotFound`` when it was never recorded."""
    return _info(_get_record(order_id))


def _get_record(order_id: str, *, lock: bool = False) -> OrderRecord:
    queryset = OrderRecord.objects.select_for_update() if lock else OrderRecord.objects
    record = queryset.filter(order_id=order_id).first()
    if record is None:
        raise OrderNotFound(f"order {order_id} was never recorded", field="order_id")
    return record


def _previous_orders(record: OrderRecord, customer: CustomerSnapshot) -> int:
    """Orders the customer placed before this one: recorded ones, plus any the shop knew of before
    the program started recording (the shop's count beyond our records, never negative)."""
    mine = OrderRecord.objects.filter(user_id=record.user_id).exclude(status=OrderStatus.CANCELLED)
    before = mine.filter(placed_at__lt=record.placed_at).count()
    unrecorded = max(0, customer.orders_count - mine.count())
    return before + unrecorded


def _calculate_earn(record: OrderRecord, config: ProgramConfig, now: datetime) -> EarnQuote:
    rules = get_compiled_rules(config)
    assert record.user_id is not None
    customer = build_customer_snapshot(record.user_id, now=now, with_points=False)
    customer = replace(customer, orders_count=_previous_orders(record, customer))
    tier = rules.get_tier(customer.tier_id) if rules.terms.tiers_enabled else None
    lines = tuple(
        EarnLine(
            str(line["line_id"]), int(line["variant_id"]), int(line["product_id"]),
            tuple(int(c) for c in line["category_ids"]), int(line["quantity"]), Decimal(str(line["paid_total"])),
        )
        for line in record.lines
    )
    terms = rules.get_terms(record.channel)  # the channel's points per unit, else the program's
    context = EarnContext(lines, record.shipping, customer, tier, terms, record.channel, record.currency, now)
    return calculate_order_earn(context, rules.rules.earn_rules)


def _issue_next_purchase(record: OrderRecord, config: ProgramConfig, now: datetime) -> str | None:
    rules = get_compiled_rules(config)
    offer = calculate_next_purchase_offer(
        record.goods_total, rules.rules.next_purchase, currency=record.currency, channel=record.channel, now=now
    )
    if offer is None or record.user_id is None:
        return None
    code, _ = DiscountCode.objects.get_or_create(
        kind=CodeKind.NEXT_PURCHASE, source_order_id=record.order_id, rule_id=offer.rule_id,
        defaults={
            "code": generate_code("NEXT"), "user_id": record.user_id, "discount_kind": offer.discount_kind.value,
            "discount_value": offer.discount_value, "currency": offer.currency, "valid_until": offer.valid_until,
            "created_at": now,
        },
    )
    return code.code


def credit_order(order_id: str, *, config: ProgramConfig, now: datetime | None = None) -> CreditResult:
    """Credit the points a paid order earns; once per order, however often it is called.

    Earn comes from the engine (base rate, tier multiplier, product bonuses, exclusions, cap,
    first-order bonus) over the recorded lines; the share of a refund recorded before the credit
    is reversed at once (``_reverse_earlier_refund``). The points are pending until
    ``now + config.pending_days`` and expire ``config.expiry_days`` after that (0: never); the
    ledger key is ``order:<id>:earn``. A next-purchase discount is issued when a rule applies,
    and the referrer of a referee's first paid order is rewarded. Guest orders earn nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        record = _get_record(order_id, lock=True)
        if record.credited:
            code = DiscountCode.objects.filter(kind=CodeKind.NEXT_PURCHASE, source_order_id=order_id).first()
            return CreditResult(order_id, record.points_earned, False, None, None, (), code.code if code else None, 0)
        if record.status == OrderStatus.CANCELLED:
            raise InvalidInput(f"order {order_id} is cancelled and earns nothing", field="order_id")
        available_at = now + timedelta(days=config.pending_days)
        expires_at = available_at + timedelta(days=config.expiry_days) if config.expiry_days else None
        earn = EarnQuote(0, ())
        if record.user_id is not None and config.points_enabled:
            earn = _calculate_earn(record, config, now)
        if earn.points > 0:
            assert record.user_id is not None
            rule_ids = ",".join(sorted({str(part.rule_id) for part in earn.breakdown if part.rule_id is not None}))
            points.credit_points_for_order(
                points.Owner.customer(record.user_id), order_id, points=earn.points, available_at=available_at,
                expires_at=expires_at, rule_id=rule_ids[:64], now=now,
            )
        next_code = _issue_next_purchase(record, config, now)
        record.status, record.paid_at = OrderStatus.PAID, record.paid_at or now
        # The rate in force at payment, kept on the order: a later rate rewrites nothing.
        record.rate_to_base = get_rate_to_base(record.currency, base_currency=config.base_currency, at=record.paid_at)
        record.points_earned, record.credited, record.updated_at = earn.points, True, now
        record.points_reversed = _reverse_earlier_refund(record, earn.points, now)
        if record.refunded_amount > 0 and record.refunded_amount == record.goods_total + record.shipping:
            record.status = OrderStatus.REFUNDED
        record.save(update_fields=[
            "status", "paid_at", "rate_to_base", "points_earned", "points_reversed", "credited", "updated_at",
        ])
        # In the same transaction as the credit: a reward is never due and unpaid after a crash.
        reward = referrals.reward_referrer_for_order(order_id, config=config, now=now)
    return CreditResult(
        order_id, earn.points, True, available_at if earn.points else None, expires_at if earn.points else None,
        earn.breakdown, next_code, reward.points,
    )


def _reverse_earlier_refund(record: OrderRecord, earned: int, now: datetime) -> int:
    """A refund recorded before the credit (a refund that overtook a slow credit task): its share
    of the points is reversed right after they are credited, as ``refund_order`` would have.

    The credit stays the full earn (one ``order:<id>:earn`` entry) and the reversal is the same
    cumulative-target entry a refund posts, so a later refund reverses only the difference.
    Worked example: 149 points earned on 149.00, 74.50 refunded first -> credit 149, reverse 74.
    """
    paid = record.goods_total + record.shipping
    if earned <= 0 or record.refunded_amount <= 0 or paid <= 0:
        return record.points_reversed
    posted = points.reverse_points_for_refund(
        record.order_id, refunded_amount=record.refunded_amount, order_total=paid, now=now
    )
    return record.points_reversed + (posted.points if posted is not None and posted.created else 0)


def cancel_order(order_id: str, *, config: ProgramConfig, now: datetime | None = None) -> CancelResult:
    """Cancel an order: reverse its earned points, give back the points redeemed on it, reverse
    the referral reward it brought, and withdraw the next-purchase discount it earned if unused.

    Earned points already spent become debt. Cancelling twice changes nothing the second time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        record = _get_record(order_id, lock=True)
        if record.status == OrderStatus.CANCELLED:
            return CancelResult(order_id, 0, 0, 0, True)
        earned = 0
        if record.credited and record.points_earned > 0:
            posted = points.reverse_points_for_cancellation(order_id, now=now)
            earned = posted.points if posted is not None and posted.created else 0
        returned = points.return_redeemed_points(order_id, expiry_days=config.expiry_days, now=now)
        referral_points = referrals.reverse_referral_reward(order_id, now=now)
        DiscountCode.objects.filter(
            kind=CodeKind.NEXT_PURCHASE, source_order_id=order_id, status=CodeStatus.ACTIVE
        ).update(status=CodeStatus.CANCELLED, closed_at=now)
        record.status, record.cancelled_at, record.updated_at = OrderStatus.CANCELLED, now, now
        record.save(update_fields=["status", "cancelled_at", "updated_at"])
    return CancelResult(order_id, earned, returned.points if returned else 0, referral_points, False)


def refund_order(order_id: str, *, refunded_amount: Decimal, now: datetime | None = None) -> RefundResult:
    """Record the order's cumulative refunded amount and reverse earned points in proportion.

    ``refunded_amount`` is the total refunded so far (goods and shipping), never less than
    before nor more than was paid. The ledger's rounding keeps the fraction in the customer's
    favour: an order that earned 125 points on 99.99 and refunds 33.33 loses 41 points.
    """
    now = now or timezone.now()
    with transaction.atomic():
        record = _get_record(order_id, lock=True)
        paid = record.goods_total + record.shipping
        if not isinstance(refunded_amount, Decimal) or not refunded_amount.is_finite():
            raise InvalidInput("refunded_amount must be a Decimal", field="refunded_amount")
        if refunded_amount < record.refunded_amount or refunded_amount > paid:
            raise InvalidInput(
                f"refunded_amount is cumulative: between {record.refunded_amount} and {paid}", field="refunded_amount"
            )
        reversed_points = 0
        if record.credited and record.points_earned > 0 and paid > 0:
            posted = points.reverse_points_for_refund(
                order_id, refunded_amount=refunded_amount, order_total=paid, now=now
            )
            reversed_points = posted.points if posted is not None and posted.created else 0
        fully = refunded_amount == paid and paid > 0
        record.refunded_amount, record.updated_at = refunded_amount, now
        record.points_reversed += reversed_points
        if fully and record.status == OrderStatus.PAID:
            record.status = OrderStatus.REFUNDED
        record.save(update_fields=["refunded_amount", "points_reversed", "status", "updated_at"])
    return RefundResult(order_id, refunded_amount, reversed_points, fully)
