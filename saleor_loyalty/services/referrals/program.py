"""Referral use cases: codes to share, sign-ups attributed to them, the referee's first-order
discount, the referrer's reward, and its reversal.

The engine decides (self-referral by user, email or normalized email, same company, first
order, reward limits); this module records what happened and counts what the engine needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ...config import ProgramConfig
from ...engine.referral import calculate_referee_discount, check_referral_use, decide_referrer_reward
from ...engine.outcomes import RefereeDiscount, ReferralCheck, ReferrerReward
from ...engine.values import ReferralParty
from ...exceptions import ReferralRefused
from ...models import (
    CompanyMember,
    OrderRecord,
    OrderStatus,
    Referral,
    ReferralCode,
    ReferralStatus,
    SystemCode,
)
from ...shop import CheckoutView, get_shop
from .. import points
from ..codes import OrderCheck, generate_code
from ..customers import award_signup_bonus, build_customer_snapshot, fetch_customer
from ..quotes import fetch_checkout, quote_checkout_view
from ..rules.versions import get_compiled_rules


@dataclass(frozen=True)
class ReferralCodeInfo:
    user_id: int
    code: str
    link: str  # empty when the program has no ``referral_link_base``


@dataclass(frozen=True)
class ReferralInfo:
    referral_id: int
    referrer_id: int
    referee_id: int
    code: str
    status: str
    qualifying_order_id: str
    reward_points: int
    refusal_reason: str


def _info(referral: Referral) -> ReferralInfo:
    return ReferralInfo(
        referral.pk, referral.referrer_id, referral.referee_id, referral.code, referral.status,
        referral.qualifying_order_id, referral.reward_points, referral.refusal_reason,
    )


def _link(config: ProgramConfig | None, code: str) -> str:
    base = config.referral_link_base if config is not None else ""
    return f"{base}{'&' if '?' in base else '?'}ref={code}" if base else ""


def create_referral_code(user_id: int, *, config: ProgramConfig | None = None) -> ReferralCodeInfo:
    """The customer's referral code, made on first request (one per customer)."""
    fetch_customer(user_id)
    existing = ReferralCode.objects.filter(user_id=user_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = ReferralCode.objects.create(user_id=user_id, code=generate_code("REF", length=8))
        except IntegrityError:
            # A concurrent request made the customer's code first: use theirs.
            existing = ReferralCode.objects.get(user_id=user_id)
    return ReferralCodeInfo(user_id, existing.code, _link(config, existing.code))


def _referrer_party(referrer_id: int) -> ReferralParty:
    company_id = CompanyMember.objects.filter(user_id=referrer_id).values_list("company_id", flat=True).first()
    return ReferralParty(referrer_id, fetch_customer(referrer_id).email, company_id)


def attribute_signup(
    referee_user_id: int, code: str, *, config: ProgramConfig, now: datetime | None = None
) -> ReferralInfo:
    """Record that a new customer signed up with ``code``; then credit their sign-up bonus.

    Refused with ``ReferralRefused`` (nothing written) for an unknown code, a customer already
    referred, or what the engine refuses: the program off, the same user, email or normalized
    email, the same company, a customer who has already ordered (``reason`` says which).
    """
    now = now or timezone.now()
    owner = ReferralCode.objects.filter(code=code.strip().upper()).first()
    if owner is None:
        raise ReferralRefused(f"no referral code {code!r}", reason="unknown_code", field="code")
    if Referral.objects.filter(referee_id=referee_user_id).exists():
        raise ReferralRefused("this customer was already referred", reason="already_referred", field="code")
    rules = get_compiled_rules(config)
    referee = build_customer_snapshot(referee_user_id, now=now, with_points=False)
    decision = check_referral_use(_referrer_party(owner.user_id), referee, rules)
    if not decision.allowed:
        raise ReferralRefused(f"referral refused: {decision.code.value}", reason=decision.code.value, field="code")
    with transaction.atomic():
        referral = Referral.objects.create(
            referrer_id=owner.user_id, referee_id=referee_user_id, code=owner.code, created_at=now
        )
        award_signup_bonus(referee_user_id, config=config, now=now)
    return _info(referral)


def _check_referee(user_id: int, config: ProgramConfig, now: datetime) -> tuple[Referral | None, OrderCheck]:
    referral = Referral.objects.filter(referee_id=user_id).first()  # one per referee (UNIQUE)
    if referral is None:
        return None, OrderCheck.refuse("no_referral", "the customer has no open referral")
    if referral.status != ReferralStatus.REGISTERED:
        # Qualified, rewarded, refused or reversed: the referee's first order came and went.
        code = ReferralCheck.NOT_FIRST_ORDER.value
        return None, OrderCheck.refuse(code, f"the referral discount does not apply: {code}")
    rules = get_compiled_rules(config)
    referee = build_customer_snapshot(user_id, now=now, with_points=False)
    decision = check_referral_use(_referrer_party(referral.referrer_id), referee, rules)
    if not decision.allowed:
        return referral, OrderCheck.refuse(decision.code.value, f"the referral discount does not apply: {decision.code.value}")
    return referral, OrderCheck.ok()


def is_referral_code(code: str) -> bool:
    """Is ``code`` a customer's referral code (the code a referee's discount voucher carries)?"""
    return ReferralCode.objects.filter(code=code.strip().upper()).exists()


def _check_referee_code(user_id: int, code: str) -> tuple[Referral | None, OrderCheck]:
    """The referee's open referral when ``code`` is the code they signed up with and they have
    not ordered with it yet (a cancelled order gives it back)."""
    referral = Referral.objects.filter(referee_id=user_id).first()
    if referral is None or referral.code != code:
        owner = ReferralCode.objects.filter(code=code).values_list("user_id", flat=True).first()
        if owner == user_id:
            return None, OrderCheck.refuse("self_referral", "you cannot use your own referral code")
        return None, OrderCheck.refuse("not_owner", "this referral code was not used to refer you")
    used = (
        OrderRecord.objects.filter(user_id=user_id, voucher_code=code)
        .exclude(status=OrderStatus.CANCELLED)
        .exists()
    )
    if used or referral.status != ReferralStatus.REGISTERED:
        return referral, OrderCheck.refuse("already_used", "the referral discount was already used")
    return referral, OrderCheck.ok()


def apply_referral_discount(
    token: str, *, user_id: int, config: ProgramConfig, now: datetime | None = None
) -> RefereeDiscount:
    """Attach the referee's first-order discount to their checkout under the referrer's code.

    The voucher's code is the referral code the referee signed up with: one shop voucher per
    referral code, usable once per customer, its amount the referee's discount on this checkout.
    Refused (``ReferralRefused``) for someone else's checkout, a customer without an open
    referral, past their first order or who used the code already, and a checkout below the
    minimum spend. ``check_referral_discount`` checks it again before the order is placed.
    """
    now = now or timezone.now()
    checkout = fetch_checkout(token)
    if checkout.user_id != user_id:
        raise ReferralRefused("the checkout belongs to another customer", reason="not_owner", field="token")
    referral, check = _check_referee(user_id, config, now)
    if check.allowed and referral is not None:
        _, check = _check_referee_code(user_id, referral.code)
    if not check.allowed or referral is None:
        raise ReferralRefused(check.message, reason=check.reason)
    quote = quote_checkout_view(checkout, config=config, now=now, with_points=False, with_progress=False)
    discount = calculate_referee_discount(quote.subtotal, get_compiled_rules(config), currency=quote.currency)
    if not discount.applies:
        raise ReferralRefused(f"the referral discount does not apply: {discount.code}", reason="not_applicable")
    get_shop().attach_discount(token, code=referral.code, amount=discount.amount, currency=discount.currency,
                               percent=discount.percent)
    return discount


def check_referral_discount(
    checkout: CheckoutView, *, user_id: int | None, config: ProgramConfig, now: datetime | None = None
) -> OrderCheck:
    """For ``preprocess_order_creation``: may this checkout's referral code be used?

    Not a referral code -> allowed (nothing to check). Otherwise refused for a guest, a customer
    the code did not refer (the referrer's own code: ``self_referral``), a code used already,
    what the engine refuses (not the first order, self-referral by email or company), and a
    discount above what this checkout earns (a cart that shrank after the discount was applied,
    or a shop whose shared voucher carries a fixed amount set for another checkout: apply it
    again). A percentage is attached as a percentage (``RefereeDiscount.percent``), so a shop
    that computes it per checkout, as Saleor does, never gives one referee another's amount.
    """
    now = now or timezone.now()
    code = (checkout.voucher_code or "").strip().upper()
    if not code or not is_referral_code(code):
        return OrderCheck.ok()
    if user_id is None:
        return OrderCheck.refuse("not_owner", "sign in to use a referral code")
    _, check = _check_referee_code(user_id, code)
    if not check.allowed:
        return check
    check = _check_referee(user_id, config, now)[1]
    if not check.allowed:
        return check
    quote = quote_checkout_view(checkout, config=config, now=now, with_points=False, with_progress=False)
    entitled = calculate_referee_discount(quote.subtotal, get_compiled_rules(config), currency=quote.currency)
    if checkout.cart.order_discount > entitled.amount:
        return OrderCheck.refuse(
            "discount_changed", f"the referral discount is {entitled.amount} {entitled.currency}; apply it again")
    return OrderCheck.ok()


def reward_referrer_for_order(order_id: str, *, config: ProgramConfig, now: datetime | None = None) -> ReferrerReward:
    """Reward the referrer when a referee's first paid order qualifies (once per referral).

    The reward is pending for the same return window as earned points. An order over the
    referrer's limit for the period, or below the qualifying amount, marks the referral refused
    with the engine's reason; with the program off the referral stays open.
    """
    now = now or timezone.now()
    with transaction.atomic():
        record = OrderRecord.objects.get(order_id=order_id)
        referral = (
            Referral.objects.select_for_update().filter(referee_id=record.user_id, status=ReferralStatus.REGISTERED).first()
            if record.user_id is not None
            else None
        )
        if referral is None:
            return ReferrerReward(0, "referral:none")
        rules = get_compiled_rules(config)
        terms = rules.rules.referral
        earlier_paid = (
            OrderRecord.objects.filter(user_id=record.user_id, credited=True, placed_at__lt=record.placed_at)
            .exclude(order_id=order_id)
            .exclude(status=OrderStatus.CANCELLED)
            .exists()
        )
        rewarded = Referral.objects.filter(referrer_id=referral.referrer_id, status=ReferralStatus.REWARDED)
        if terms is not None and terms.period_days is not None:
            rewarded = rewarded.filter(rewarded_at__gte=now - timedelta(days=terms.period_days))
        reward = decide_referrer_reward(
            record.goods_total, rules, currency=record.currency,
            is_first_paid_order=not earlier_paid, rewards_in_period=rewarded.count(),
        )
        if reward.points > 0:
            available_at = now + timedelta(days=config.pending_days)
            points.credit_bonus(
                points.Owner.customer(referral.referrer_id), f"referral:{referral.pk}:reward", points=reward.points,
                reason=f"referral reward for order {order_id}", system_code=SystemCode.REFERRAL_REWARDS,
                available_at=available_at,
                expires_at=available_at + timedelta(days=config.expiry_days) if config.expiry_days else None, now=now,
            )
            referral.status, referral.reward_points, referral.rewarded_at = ReferralStatus.REWARDED, reward.points, now
        elif reward.code != "referral:off":
            referral.status, referral.refusal_reason = ReferralStatus.REFUSED, reward.code[:64]
        else:
            return reward
        referral.qualifying_order_id = order_id
        referral.save(update_fields=["status", "reward_points", "rewarded_at", "refusal_reason", "qualifying_order_id"])
    return reward


def reverse_referral_reward(order_id: str, *, now: datetime | None = None) -> int:
    """Take back the reward an order earned its referee's referrer; the points reversed (0 if none)."""
    now = now or timezone.now()
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .filter(qualifying_order_id=order_id, status=ReferralStatus.REWARDED)
            .first()
        )
        if referral is None:
            return 0
        posted = points.reverse_bonus(
            f"referral:{referral.pk}:reward", reason=f"order {order_id} cancelled", now=now
        )
        referral.status, referral.reversed_at = ReferralStatus.REVERSED, now
        referral.save(update_fields=["status", "reversed_at"])
    return posted.points if posted is not None and posted.created else 0
