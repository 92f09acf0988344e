"""The shop's side of the demo: the events Saleor's checkout and order flow would send the plugin.

Each function calls the same services, in the same order, as the Saleor adapter does for the
matching hook (``saleor/customers.py``, ``saleor/checkout.py``, ``saleor/orders.py``); order
events go through ``services.order_events`` and their follow-ups run inline where Saleor queues
them as Celery tasks. The demo's ``DemoShop`` is the shop. No loyalty logic lives here:
prices, points, tiers and referral rewards are the services' answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from ..config import ProgramConfig
from ..engine.money import prorate
from ..exceptions import LoyaltyError, ReferralRefused
from ..models import OrderRecord
from ..services import customers, order_delivery, order_events, orders, points, quotes, referrals
from ..services.b2b import rebate_codes, rebates
from ..services.order_checks import check_order
from ..services.order_events import OrderEvent
from ..services.orders import CreditResult, OrderFacts, OrderLineFacts
from .shop import DemoShop

# The plugin's configuration in the demo (the Dashboard settings in Saleor).
# Base currency USD: the zloty channel's orders count towards tiers in dollars (demo.channels).
DEMO_CONFIG = ProgramConfig(referral_link_base="https://coffee.example.com/join", base_currency="USD")


class OrderRefused(LoyaltyError):
    """``preprocess_order_creation`` refused the checkout (Saleor returns it as a mutation error)."""

    code = "ORDER_REFUSED"


@dataclass(frozen=True)
class PlacedOrder:
    order_id: str
    user_id: int | None
    goods_total: Decimal
    redeemed_points: int
    label: str = ""  # what the demo prints ("demo-1"); ``order_id`` is a UUID, as Saleor's are


def demo_order_id(number: int) -> str:
    """A Saleor-shaped order id (a UUID) that still reads as the demo's order ``number``.

    >>> demo_order_id(15)
    '00000000-0000-0000-0001-000000000015'
    """
    return str(uuid.UUID(f"00000000-0000-0000-0001-{number:012d}"))


def last_demo_order_number() -> int:
    """The highest ``demo_order_id`` number recorded on this database (0 on a new one)."""
    prefix = demo_order_id(0)[:-12]
    last = OrderRecord.objects.filter(order_id__startswith=prefix).order_by("-order_id").values_list(
        "order_id", flat=True).first()
    return int(last[-12:]) if last else 0


def customer_signed_up(
    shop: DemoShop, user_id: int, email: str, *, customer_type_id: int | None = None, referral_code: str = "",
    config: ProgramConfig = DEMO_CONFIG, now: datetime | None = None,
) -> str:
    """``customer_created``: the referral code given at sign-up, else the sign-up bonus alone.

    Returns what happened, for the story to print.
    """
    shop.register_customer(user_id, email, customer_type_id=customer_type_id, date_joined=now)
    if referral_code and config.referrals_enabled:
        try:
            referrals.attribute_signup(user_id, referral_code, config=config, now=now)
            return f"referred with code {referral_code}"
        except ReferralRefused as refused:
            outcome = f"referral code {referral_code} refused ({refused.reason}); "
    else:
        outcome = ""
    bonus = customers.award_signup_bonus(user_id, config=config, now=now)
    return outcome + (f"sign-up bonus of {bonus.points} points" if bonus.points else "no sign-up bonus")


def place_order(
    shop: DemoShop, token: str, *, config: ProgramConfig = DEMO_CONFIG, now: datetime | None = None
) -> PlacedOrder:
    """``checkoutComplete``: the pre-order checks, then ``order_created`` (record, capture the points).

    The lines are sold at the quoted loyalty prices and the gift lines at zero, as the plugin's
    checkout sync writes them on Saleor's lines; the voucher is shared over the lines by weight
    as Saleor's order totals are.
    """
    now = now or timezone.now()
    checkout = shop.fetch_checkout(token)
    if checkout is None:
        raise OrderRefused(f"no checkout {token}", field="token")
    check = check_order(checkout, config=config, now=now)
    if not check.allowed:
        raise OrderRefused(check.message, field="voucher_code")
    quote = quotes.quote_checkout_view(checkout, config=config, now=now)
    cart_lines = {line.line_id: line for line in checkout.cart.lines}
    line_totals = [line.total for line in quote.lines]
    paid = list(prorate(quote.goods_paid, line_totals, quote.currency)) if any(line_totals) else line_totals
    facts_lines = [
        OrderLineFacts(
            line.line_id, cart_line.variant_id, cart_line.product_id, cart_line.category_ids, line.quantity, paid_total,
            base_unit_price=line.base_unit_price, unit_price=line.unit_price,
        )
        for line, paid_total in zip(quote.lines, paid)
        for cart_line in (cart_lines[line.line_id],)
    ]
    gift_items = shop.fetch_variants(quote.channel, [gift.variant_id for gift in quote.gift_lines])
    for gift in quote.gift_lines:
        item = gift_items.get(gift.variant_id)
        if item is not None:  # the plugin skips a gift the channel does not sell, with a warning
            facts_lines.append(OrderLineFacts(
                f"{token}:gift:{gift.rule_id}", item.variant_id, item.product_id, item.category_ids, gift.quantity,
                Decimal("0"), base_unit_price=item.base_price, unit_price=Decimal("0"), is_gift=True,
            ))
    number = int(token.rsplit("-", 1)[-1])
    order_id, label = demo_order_id(number), f"demo-{number}"
    facts = OrderFacts(
        order_id=order_id, user_id=checkout.user_id, email=checkout.email or "", channel=quote.channel,
        currency=quote.currency, goods_total=quote.goods_paid, shipping=Decimal("0"), placed_at=now,
        lines=tuple(facts_lines), checkout_token=token, voucher_code=checkout.voucher_code or "",
    )
    outcome = order_events.handle_order_event(OrderEvent.CREATED, order_id=order_id, facts=facts, config=config,
                                              now=now)
    captured = outcome.captured
    shop.complete_checkout(token)
    return PlacedOrder(order_id, checkout.user_id, quote.goods_paid, captured.points if captured else 0, label)


def _run(event: OrderEvent, order: PlacedOrder, config: ProgramConfig, now: datetime | None,
         refunded_amount: Decimal | None = None) -> tuple[order_events.EventOutcome, list[order_events.FollowUpDone]]:
    """The event through the same service the plugin calls, then its follow-ups inline (a Saleor
    shop runs them as Celery tasks after the commit); the demo has no metadata to mirror."""
    outcome = order_events.handle_order_event(
        event, order_id=order.order_id, refunded_amount=refunded_amount, config=config, now=now
    )
    return outcome, order_events.run_follow_ups(outcome.follow_ups, config=config, now=now)


def order_paid(order: PlacedOrder, *, config: ProgramConfig = DEMO_CONFIG, now: datetime | None = None) -> CreditResult:
    """The credit event (``order_fully_paid``): points pending for the return window, then the
    customer's and the company's tier re-evaluated, as the plugin's follow-ups do."""
    _, done = _run(OrderEvent.PAID, order, config, now)
    credits = [ran.credit for ran in done if ran.credit is not None]
    # Paid again (Saleor may fire the event twice): nothing is due, the first credit stands.
    return credits[0] if credits else orders.credit_order(order.order_id, config=config, now=now)


def order_cancelled(
    order: PlacedOrder, *, config: ProgramConfig = DEMO_CONFIG, now: datetime | None = None
) -> orders.CancelResult:
    """``order_cancelled``: the services take back what the order earned and return what it spent."""
    outcome, _ = _run(OrderEvent.CANCELLED, order, config, now)
    assert outcome.cancelled is not None
    return outcome.cancelled


def order_refunded(
    order: PlacedOrder, refunded_amount: Decimal, *, config: ProgramConfig = DEMO_CONFIG, now: datetime | None = None
) -> orders.RefundResult | None:
    """``order_refunded`` with the order's cumulative refund; None when it changed nothing."""
    outcome, _ = _run(OrderEvent.REFUNDED, order, config, now, refunded_amount)
    return outcome.refunded


@dataclass(frozen=True)
class DailyRun:
    """What one run of the scheduled jobs did: lots matured and lots expired."""

    matured: int
    expired: int


def run_daily_tasks(*, now: datetime, config: ProgramConfig = DEMO_CONFIG) -> DailyRun:
    """The scheduled jobs as of ``now``: order work still due is delivered, pending points past
    the return window become available, expired points and stale holds are released (the
    ledger tasks of docs/install.md, in the order they run there)."""
    order_delivery.deliver_due_order_work(config=config, now=now)
    matured = points.mature_due_points(now=now)
    expired = points.expire_due_points(now=now)
    points.release_stale_holds(now=now)
    return DailyRun(matured.processed, expired.processed)


def daily_tasks(*, now: datetime, config: ProgramConfig = DEMO_CONFIG) -> int:
    """``run_daily_tasks``; returns how many lots matured."""
    return run_daily_tasks(now=now, config=config).matured


def close_rebate_periods(*, now: datetime) -> list[rebates.PeriodCloseResult]:
    """The B2B task ``close_rebate_periods_task`` as of ``now``: close every rebate period that is
    over and pay its statements, then issue the codes of code payouts through the shop."""
    closed = rebates.close_due_rebate_periods(now=now)
    rebate_codes.issue_rebate_codes(now=now)
    return [result for result in closed if not result.already_closed]
